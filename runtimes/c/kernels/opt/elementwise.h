/* The broadcasts the optimized binary elementwise kernels (ADD, SUB, MUL) take, and the loop that
 * walks them. The output is seen as rows of `inner` elements; each operand is the whole output
 * (TL_EW_FULL: same shape), one row repeated for every row (TL_EW_ROW: its shape, leading 1s
 * dropped, is the output's trailing dims, as a [1, 1, 1, C] scale of a [1, H, W, C] tensor), or
 * one value (TL_EW_SCALAR). A micro-kernel gets runs of contiguous output elements with each
 * operand's pointer and step (1, or 0 for a value repeated); threads take element ranges. */
#ifndef TL_OPT_ELEMENTWISE_H
#define TL_OPT_ELEMENTWISE_H

#include "opt_kernels.h"

enum { TL_EW_FULL = 0, TL_EW_ROW = 1, TL_EW_SCALAR = 2 };

typedef struct {
    int64_t n, inner;       /* output elements; elements per row (n when no operand is a row) */
    int32_t a_kind, b_kind; /* TL_EW_* */
    int32_t elem;           /* bytes per element */
} tl_ew_shape;

/* y[0..n) = f(a[k * a_step], b[k * b_step]) for k in [0, n); `params` is the kernel's own. */
typedef void (*tl_ew_fn)(const void *params, const void *a, int a_step, const void *b, int b_step, void *y, int64_t n);

/* 0 when the node's broadcast is none of the above (the reference kernel keeps it). */
int tl_ew_shape_init(tl_ew_shape *s, const tl_tensor *a, const tl_tensor *b, const tl_tensor *out);

/* Runs f over the node's inputs 0 and 1 into output 0, split between the threads. */
void tl_ew_run(tl_interpreter *it, const tl_node *node, const tl_ew_shape *s, tl_ew_fn f, const void *params);

#endif
