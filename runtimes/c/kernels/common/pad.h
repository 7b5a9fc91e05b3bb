/* PAD, PADV2 and MIRROR_PAD: the paddings input ([rank, 2] int32 or int64, `before` and `after`
 * per dim) must be a constant of the model, so the output shape is checked once in prepare. */
#ifndef TL_PAD_H
#define TL_PAD_H

#include "../../src/kernel_api.h"

typedef struct {
    int32_t before[TL_MAX_DIMS];
    int32_t ndim;
    size_t elem;
    int32_t mirror_offset; /* MIRROR_PAD: 1 REFLECT (edge not repeated), 0 SYMMETRIC */
    uint8_t fill[8];       /* PAD, PADV2 without a value: zero, or the zero point for int8/int16 */
} tl_pad_data;

/* Checks types and shapes, reads the paddings into new op data (each side at most `max_pad(dim)`
 * = dim - max_pad_less when max_pad_less >= 0; no bound when -1) and the zero fill into new op
 * data, and sets node->op_data. */
tl_status tl_pad_prepare_common(tl_interpreter *it, tl_node *node, int32_t max_pad_less, tl_pad_data **out_d);

/* The input copied to its place in the output (the output has elements), in contiguous runs: the
 * dims after the last padded one are whole in the output too, so each run spans the last padded dim
 * and all after it (NHWC padded in H and W: W * C bytes). */
void tl_pad_copy_interior(const tl_pad_data *d, const tl_tensor *in, tl_tensor *out);

/* Constant padding: every output element set to `fill` (d->elem bytes), then the input copied in. */
void tl_pad_constant(const tl_pad_data *d, const tl_tensor *in, tl_tensor *out, const uint8_t *fill);

/* Eval of PAD and of PADV2 without a value: constant padding with d->fill. */
tl_status tl_pad_eval(tl_interpreter *it, tl_node *node);

#endif
