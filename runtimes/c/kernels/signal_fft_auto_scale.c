/* SignalFftAutoScale (TFLM signal library, CUSTOM): scales a 1-D int16 frame up by the largest
 * power of two its peak allows before an FFT; outputs the scaled frame and the shift (int32
 * scalar). The peak is found as TFLM does, in int16 (negating -32768 wraps, which the following
 * elements can then beat); no options. */
#include "../src/kernel_api.h"
#include "common/signal_math.h"

static tl_status tl_signal_fft_auto_scale_eval_s16(tl_interpreter *it, tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0);
    const int16_t *x = in->data;
    int16_t *y = tl_node_output(it, node, 0)->data;
    int32_t *shift_out = tl_node_output(it, node, 1)->data;
    int64_t i, n = tl_tensor_numel(in);
    int16_t peak = 0;
    int32_t shift;
    for (i = 0; i < n; i++) {
        if (x[i] > peak) peak = x[i];
        else if (-(int32_t)x[i] > peak) peak = tl_wrap16(-(int32_t)x[i]);
    }
    shift = 16 - (int32_t)tl_signal_msb32((uint32_t)(int32_t)peak) - 1;
    if (shift < 0) shift = 0;
    for (i = 0; i < n; i++) y[i] = tl_wrap16((int32_t)x[i] * ((int32_t)1 << shift));
    *shift_out = shift;
    return TL_STATUS_OK;
}

tl_status tl_signal_fft_auto_scale_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0), *sh = tl_node_output(it, node, 1);
    if (tl_node_num_inputs(node) != 1 || tl_node_num_outputs(node) != 2 || !in || !out || !sh)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs an input and two outputs");
    if (in->type != TL_TYPE_INT16 || out->type != TL_TYPE_INT16 || sh->type != TL_TYPE_INT32)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "SignalFftAutoScale takes int16 and gives int16 and int32");
    if (in->ndim != 1 || !tl_same_shape(in, out) || sh->ndim != 0)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "1-D input and output of one size, scalar shift");
    node->eval = tl_signal_fft_auto_scale_eval_s16;
    return TL_STATUS_OK;
}
