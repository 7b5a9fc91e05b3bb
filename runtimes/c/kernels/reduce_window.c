/* REDUCE_WINDOW: StableHLO's reduce_window with no padding and no base dilation (common/reduce_window.h).
 * Inputs: the tensor, its init value (a scalar), then window_shape, window_strides and window_dilations,
 * int64 vectors of the input's rank, which must be constants here (LiteRT makes the output dynamic
 * otherwise); ReduceWindowOptions.reduce_function picks ADD, MUL, MINIMUM, MAXIMUM, ALL or ANY. */
#include "../src/kernel_api.h"
#include "common/int_input.h"
#include "common/reduce_window.h"

enum { OPT_REDUCE_FUNCTION = 0 }; /* ReduceWindowOptions (builtin_options_2) */

static tl_status read_vector(tl_interpreter *it, tl_node *node, int32_t k, int32_t rank, int64_t *out) {
    const tl_tensor *t = tl_node_input(it, node, k);
    int32_t i;
    if (!t || t->type != TL_TYPE_INT64 || t->ndim != 1 || t->dims[0] != rank)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID,
                       "window_shape, window_strides and window_dilations must be int64 vectors of the input's rank");
    if (!t->is_constant)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED,
                       "window_shape, window_strides and window_dilations must be constants (they fix the output shape)");
    for (i = 0; i < rank; i++) out[i] = tl_int_at(t, i);
    return TL_STATUS_OK;
}

tl_status tl_reduce_window_prepare(tl_interpreter *it, tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0);
    tl_reduce_window_params p;
    int32_t fn, i;
    tl_status st;
    if (!in || tl_node_num_inputs(node) != 5)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID,
                       "needs input, init value, window_shape, window_strides and window_dilations");
    if (tl_fb_i32(&it->fb, node->options, OPT_REDUCE_FUNCTION, 0, &fn))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if ((st = read_vector(it, node, 2, in->ndim, p.window)) || (st = read_vector(it, node, 3, in->ndim, p.stride)) ||
        (st = read_vector(it, node, 4, in->ndim, p.window_dilation)))
        return st;
    for (i = 0; i < in->ndim; i++) {
        p.base_dilation[i] = 1;
        p.pad_lo[i] = p.pad_hi[i] = 0;
    }
    /* ReduceWindowFunction: ADD 1, MUL 2, MINIMUM 3, MAXIMUM 4, ALL 5, ANY 6 (UNSUPPORTED 0): the TL_RW_ order */
    p.fn = fn;
    return tl_reduce_window_prepare_common(it, node, &p);
}
