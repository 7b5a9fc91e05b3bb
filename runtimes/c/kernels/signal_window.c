/* SignalWindow (TFLM signal library, CUSTOM): int16 frames times an int16 window, shifted right by
 * `shift` and saturated to int16: out = sat16((x * w) >> shift), the window repeating over the
 * input's innermost frames of its length. Options: {shift}. */
#include "../src/kernel_api.h"

typedef struct {
    int32_t shift;
} window_data;

static tl_status tl_signal_window_eval_s16(tl_interpreter *it, tl_node *node) {
    const window_data *d = node->op_data;
    const tl_tensor *in = tl_node_input(it, node, 0), *w = tl_node_input(it, node, 1);
    const int16_t *x = in->data, *win = w->data;
    int16_t *y = tl_node_output(it, node, 0)->data;
    int64_t i, n = tl_tensor_numel(in), len = tl_tensor_numel(w);
    for (i = 0; i < n; i++) {
        int32_t v = ((int32_t)x[i] * win[i % len]) >> d->shift;
        y[i] = (int16_t)(v < INT16_MIN ? INT16_MIN : (v > INT16_MAX ? INT16_MAX : v));
    }
    return TL_STATUS_OK;
}

tl_status tl_signal_window_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *w = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    tl_flex_map opts;
    window_data *d;
    if (tl_node_num_inputs(node) != 2 || tl_node_num_outputs(node) != 1 || !in || !w || !out)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs an input, a window and an output");
    if (in->type != TL_TYPE_INT16 || w->type != TL_TYPE_INT16 || out->type != TL_TYPE_INT16)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "SignalWindow supports int16 only");
    if (in->ndim < 1 || w->ndim != 1 || out->ndim != in->ndim || !tl_same_shape(in, out) || w->dims[0] < 1 ||
        tl_tensor_numel(in) % w->dims[0] != 0)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "the input must be whole frames of the window's length");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (tl_node_flex_options(it, node, &opts) != TL_STATUS_OK) return TL_STATUS_MODEL_INVALID;
    if (tl_flex_map_i32(&opts, "shift", &d->shift) != TL_STATUS_OK || d->shift < 0 || d->shift > 31)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "option shift missing or outside 0..31");
    node->eval = tl_signal_window_eval_s16;
    return TL_STATUS_OK;
}
