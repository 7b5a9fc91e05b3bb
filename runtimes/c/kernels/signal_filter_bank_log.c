/* SignalFilterBankLog (TFLM signal library, CUSTOM): uint32 channels to int16 log energies:
 * x << input_correction_bits (modulo 2^32), then TFLM's fixed-point ln scaled by output_scale,
 * capped at 32767; 0 and 1 give 0. Options: {input_correction_bits, output_scale}. */
#include "../src/kernel_api.h"
#include "common/signal_math.h"

typedef struct {
    int32_t correction_bits, output_scale;
} log_data;

static tl_status tl_signal_filter_bank_log_eval_u32(tl_interpreter *it, tl_node *node) {
    const log_data *d = node->op_data;
    const tl_tensor *in = tl_node_input(it, node, 0);
    const uint32_t *x = in->data;
    int16_t *y = tl_node_output(it, node, 0)->data;
    int64_t i, n = tl_tensor_numel(in);
    for (i = 0; i < n; i++) {
        uint32_t scaled = x[i] << d->correction_bits, v;
        if (scaled <= 1) {
            y[i] = 0;
            continue;
        }
        v = tl_signal_log32(scaled, (uint32_t)d->output_scale);
        y[i] = (int16_t)(v < (uint32_t)INT16_MAX ? v : (uint32_t)INT16_MAX);
    }
    return TL_STATUS_OK;
}

tl_status tl_signal_filter_bank_log_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    tl_flex_map opts;
    log_data *d;
    if (tl_node_num_inputs(node) != 1 || tl_node_num_outputs(node) != 1 || !in || !out)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs an input and an output");
    if (in->type != TL_TYPE_UINT32 || out->type != TL_TYPE_INT16)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "SignalFilterBankLog takes uint32 and gives int16");
    if (in->ndim != 1 || !tl_same_shape(in, out))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "1-D input and output of one size");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (tl_node_flex_options(it, node, &opts) != TL_STATUS_OK) return TL_STATUS_MODEL_INVALID;
    if (tl_flex_map_i32(&opts, "input_correction_bits", &d->correction_bits) != TL_STATUS_OK ||
        tl_flex_map_i32(&opts, "output_scale", &d->output_scale) != TL_STATUS_OK || d->correction_bits < 0 ||
        d->correction_bits > 31)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options input_correction_bits (0..31) and output_scale");
    node->eval = tl_signal_filter_bank_log_eval_u32;
    return TL_STATUS_OK;
}
