/* Kernels that only move bytes share these copies. */
#ifndef TL_COPY_H
#define TL_COPY_H

#include "../../src/kernel_api.h"

/* CONCATENATION and PACK interleave their inputs: for each outer index, input k contributes
 * block[k] bytes. The kernel's op data starts with this struct. */
#define TL_MAX_INTERLEAVE 64
typedef struct {
    int64_t outer;
    int32_t n;
    size_t block[TL_MAX_INTERLEAVE];
} tl_interleave_data;

tl_status tl_interleave_eval(tl_interpreter *it, tl_node *node);

/* Eval of the kernels whose output holds the input's bytes unchanged (RESHAPE, SQUEEZE,
 * EXPAND_DIMS: only the shape differs); a no-op when the planner gave both the same memory. */
tl_status tl_copy_eval(tl_interpreter *it, tl_node *node);

#endif
