/* SignalFilterBank (TFLM signal library, CUSTOM): mel-style triangular filter bank over a uint32
 * power spectrum into uint64 channels. Channel c (0..num_channels, channel 0 being scratch that is
 * dropped) sums spectrum[freq_start[c] + j] * weights[weight_start[c] + j] over j < width[c], plus
 * the previous channel's sum with `unweights` (1 - weight); products and sums are modulo 2^64 with
 * int16 weights sign-extended, as TFLM computes them. Inputs: spectrum, weights, unweights,
 * channel_frequency_starts, channel_weight_starts, channel_widths (int16, constant, each
 * num_channels + 1 long). Options: {num_channels}. */
#include "../src/kernel_api.h"

static tl_status tl_signal_filter_bank_eval_u32(tl_interpreter *it, tl_node *node) {
    const uint32_t *x = tl_node_input(it, node, 0)->data;
    const int16_t *w = tl_node_input(it, node, 1)->data, *uw = tl_node_input(it, node, 2)->data;
    const int16_t *fstart = tl_node_input(it, node, 3)->data, *wstart = tl_node_input(it, node, 4)->data;
    const int16_t *width = tl_node_input(it, node, 5)->data;
    tl_tensor *out = tl_node_output(it, node, 0);
    uint64_t *y = out->data, acc = 0, next = 0;
    int32_t c, j, channels = out->dims[0];
    for (c = 0; c <= channels; c++) {
        for (j = 0; j < width[c]; j++) {
            uint64_t v = x[fstart[c] + j];
            acc += (uint64_t)(int64_t)w[wstart[c] + j] * v;
            next += (uint64_t)(int64_t)uw[wstart[c] + j] * v;
        }
        if (c > 0) y[c - 1] = acc;
        acc = next;
        next = 0;
    }
    return TL_STATUS_OK;
}

tl_status tl_signal_filter_bank_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0), *t[5];
    tl_flex_map opts;
    int32_t channels, k, c;
    if (tl_node_num_inputs(node) != 6 || tl_node_num_outputs(node) != 1 || !in || !out)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 6 inputs and an output");
    for (k = 0; k < 5; k++) {
        t[k] = tl_node_input(it, node, k + 1);
        if (!t[k]) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 6 inputs");
        if (t[k]->type != TL_TYPE_INT16) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "weights and channel tables are int16");
        if (t[k]->ndim != 1) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "weights and channel tables are 1-D");
        if (!t[k]->is_constant)
            return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "weights and channel tables must be constant");
    }
    if (in->type != TL_TYPE_UINT32 || out->type != TL_TYPE_UINT64)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "SignalFilterBank takes uint32 and gives uint64");
    if (in->ndim != 1 || out->ndim != 1) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "1-D input and output");
    if (tl_node_flex_options(it, node, &opts) != TL_STATUS_OK) return TL_STATUS_MODEL_INVALID;
    if (tl_flex_map_i32(&opts, "num_channels", &channels) != TL_STATUS_OK || channels != out->dims[0])
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "option num_channels missing or not the output's length");
    if (t[2]->dims[0] <= channels || t[3]->dims[0] <= channels || t[4]->dims[0] <= channels)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "channel tables need num_channels + 1 entries");
    for (c = 0; c <= channels; c++) { /* every index eval will use lies in its tensor */
        int32_t f = ((const int16_t *)t[2]->data)[c], ws = ((const int16_t *)t[3]->data)[c];
        int32_t wd = ((const int16_t *)t[4]->data)[c];
        if (f < 0 || ws < 0 || wd < 0 || f + wd > in->dims[0] || ws + wd > t[0]->dims[0] || ws + wd > t[1]->dims[0])
            return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "a channel reaches outside the spectrum or the weights");
    }
    node->eval = tl_signal_filter_bank_eval_u32;
    return TL_STATUS_OK;
}
