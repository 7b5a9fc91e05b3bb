/* SignalFilterBankSpectralSubtraction (TFLM signal library, CUSTOM): per-channel noise estimate
 * (a one-pole low-pass of the signal, `smoothing` on even channels and `alternate_smoothing` on
 * odd ones, in Q`spectral_subtraction_bits` with `smoothing_bits` extra fraction bits) subtracted
 * from the uint32 signal, floored at signal * min_signal_remaining; optionally clamping the
 * estimate to the signal. The estimate is state kept between invokes (op data, reset by
 * tl_interpreter_reset_variables as TFLM's Reset) and is also the second output. All arithmetic
 * in TFLM's unsigned 32/64-bit forms. Options: alternate_one_minus_smoothing, alternate_smoothing,
 * clamping, min_signal_remaining, num_channels, one_minus_smoothing, smoothing, smoothing_bits,
 * spectral_subtraction_bits. */
#include <string.h>

#include "../src/kernel_api.h"

typedef struct {
    uint32_t smoothing[2], one_minus[2]; /* even, odd channels */
    uint32_t min_remaining, smoothing_bits, bits;
    int clamping;
    int32_t channels;
    uint32_t *estimate;
} subtraction_data;

static void spectral_subtraction_reset(tl_interpreter *it, tl_node *node) {
    subtraction_data *d = node->op_data;
    (void)it;
    memset(d->estimate, 0, (size_t)d->channels * sizeof *d->estimate);
}

static tl_status tl_signal_filter_bank_spectral_subtraction_eval_u32(tl_interpreter *it, tl_node *node) {
    const subtraction_data *d = node->op_data;
    const uint32_t *x = tl_node_input(it, node, 0)->data;
    uint32_t *y = tl_node_output(it, node, 0)->data, *noise_out = tl_node_output(it, node, 1)->data;
    uint32_t *est = d->estimate;
    int32_t i;
    for (i = 0; i < d->channels; i++) {
        uint32_t up = x[i] << d->smoothing_bits, capped, floor, sub;
        est[i] = (uint32_t)(((uint64_t)up * d->smoothing[i & 1] + (uint64_t)est[i] * d->one_minus[i & 1]) >> d->bits);
        capped = est[i];
        if (capped > up) {
            capped = up;
            if (d->clamping) est[i] = capped;
        }
        floor = (uint32_t)(((uint64_t)x[i] * d->min_remaining) >> d->bits);
        sub = (up - capped) >> d->smoothing_bits;
        y[i] = sub > floor ? sub : floor;
    }
    memcpy(noise_out, est, (size_t)d->channels * sizeof *est);
    return TL_STATUS_OK;
}

tl_status tl_signal_filter_bank_spectral_subtraction_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0), *noise = tl_node_output(it, node, 1);
    static const char *const keys[] = {"smoothing", "alternate_smoothing", "one_minus_smoothing",
                                       "alternate_one_minus_smoothing", "min_signal_remaining", "smoothing_bits",
                                       "spectral_subtraction_bits"};
    int32_t v[7], k;
    tl_flex_map opts;
    subtraction_data *d;
    if (tl_node_num_inputs(node) != 1 || tl_node_num_outputs(node) != 2 || !in || !out || !noise)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs an input and two outputs");
    if (in->type != TL_TYPE_UINT32 || out->type != TL_TYPE_UINT32 || noise->type != TL_TYPE_UINT32)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "SignalFilterBankSpectralSubtraction supports uint32 only");
    if (in->ndim != 1 || !tl_same_shape(in, out) || !tl_same_shape(in, noise))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "1-D input and outputs of one size");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (tl_node_flex_options(it, node, &opts) != TL_STATUS_OK) return TL_STATUS_MODEL_INVALID;
    for (k = 0; k < 7; k++)
        if (tl_flex_map_i32(&opts, keys[k], &v[k]) != TL_STATUS_OK)
            return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "an option is missing or not an int32");
    if (tl_flex_map_bool(&opts, "clamping", &d->clamping) != TL_STATUS_OK ||
        tl_flex_map_i32(&opts, "num_channels", &d->channels) != TL_STATUS_OK || d->channels != in->dims[0])
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options clamping and num_channels (the input's length)");
    if (v[5] < 0 || v[5] > 31 || v[6] < 0 || v[6] > 63)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "smoothing_bits must be 0..31, spectral_subtraction_bits 0..63");
    d->smoothing[0] = (uint32_t)v[0];
    d->smoothing[1] = (uint32_t)v[1];
    d->one_minus[0] = (uint32_t)v[2];
    d->one_minus[1] = (uint32_t)v[3];
    d->min_remaining = (uint32_t)v[4];
    d->smoothing_bits = (uint32_t)v[5];
    d->bits = (uint32_t)v[6];
    d->estimate = tl_alloc_persistent(it, (size_t)d->channels * sizeof *d->estimate + 1);
    if (!d->estimate) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "noise estimate");
    node->eval = tl_signal_filter_bank_spectral_subtraction_eval_u32;
    return tl_node_on_reset(it, node, spectral_subtraction_reset);
}
