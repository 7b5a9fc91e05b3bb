/* SignalPCAN (TFLM signal library, CUSTOM): per-channel energy normalization. Each uint32 channel
 * is multiplied by a gain read from the noise estimate through a piecewise-quadratic int16 table
 * (3 coefficients per power-of-two interval of the estimate, the first 3 entries for estimates
 * 0..2), shifted right by snr_shift, then compressed (x^2/4 below 2 in Q12, x - 1 above, to Q6).
 * Inputs: uint32 signal, uint32 noise estimate, int16 gain table (>= 125 entries: intervals up
 * to 2^32). Options: {snr_shift}. */
#include "../src/kernel_api.h"
#include "common/signal_math.h"

enum { SNR_BITS = 12, OUTPUT_BITS = 6, LUT_SIZE = 4 * 32 - 6 + 3 };

typedef struct {
    int32_t snr_shift;
} pcan_data;

/* The gain for noise estimate x (TFLM's WideDynamicFunction). */
static int16_t gain_of(uint32_t x, const int16_t *lut) {
    uint32_t interval;
    int32_t frac, g;
    if (x <= 2) return lut[x];
    interval = tl_signal_msb32(x);
    lut += 4 * interval - 6;
    frac = (int32_t)((interval < 11 ? x << (11 - interval) : x >> (interval - 11)) & 0x3FF);
    g = (lut[2] * frac) >> 5;
    g += tl_wrap32((uint32_t)(int32_t)lut[1] << 5); /* through uint32, as TFLM */
    g *= frac;
    g = (g + (1 << 14)) >> 15;
    return tl_wrap16(g + lut[0]);
}

static uint32_t shrink(uint32_t snr) {
    if (snr < (2u << SNR_BITS)) return (snr * snr) >> (2 + 2 * SNR_BITS - OUTPUT_BITS);
    return (snr >> (SNR_BITS - OUTPUT_BITS)) - (1u << OUTPUT_BITS);
}

static tl_status tl_signal_pcan_eval_u32(tl_interpreter *it, tl_node *node) {
    const pcan_data *d = node->op_data;
    const tl_tensor *in = tl_node_input(it, node, 0);
    const uint32_t *x = in->data, *noise = tl_node_input(it, node, 1)->data;
    const int16_t *lut = tl_node_input(it, node, 2)->data;
    uint32_t *y = tl_node_output(it, node, 0)->data;
    int64_t i, n = tl_tensor_numel(in);
    for (i = 0; i < n; i++) {
        uint32_t gain = (uint32_t)(int32_t)gain_of(noise[i], lut); /* a negative gain wraps, as in TFLM */
        y[i] = shrink((uint32_t)(((uint64_t)x[i] * gain) >> d->snr_shift));
    }
    return TL_STATUS_OK;
}

tl_status tl_signal_pcan_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *noise = tl_node_input(it, node, 1), *lut = tl_node_input(it, node, 2);
    tl_tensor *out = tl_node_output(it, node, 0);
    tl_flex_map opts;
    pcan_data *d;
    if (tl_node_num_inputs(node) != 3 || tl_node_num_outputs(node) != 1 || !in || !noise || !lut || !out)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs a signal, a noise estimate, a gain table and an output");
    if (in->type != TL_TYPE_UINT32 || noise->type != TL_TYPE_UINT32 || lut->type != TL_TYPE_INT16 ||
        out->type != TL_TYPE_UINT32)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "SignalPCAN takes uint32, uint32, int16, gives uint32");
    if (in->ndim != 1 || !tl_same_shape(in, noise) || !tl_same_shape(in, out) || lut->ndim != 1 ||
        lut->dims[0] < LUT_SIZE)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "1-D signal, estimate and output of one size, a gain table of >= 125");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (tl_node_flex_options(it, node, &opts) != TL_STATUS_OK) return TL_STATUS_MODEL_INVALID;
    if (tl_flex_map_i32(&opts, "snr_shift", &d->snr_shift) != TL_STATUS_OK || d->snr_shift < 0 || d->snr_shift > 63)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "option snr_shift missing or outside 0..63");
    node->eval = tl_signal_pcan_eval_u32;
    return TL_STATUS_OK;
}
