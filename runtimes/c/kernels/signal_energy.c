/* SignalEnergy (TFLM signal library, CUSTOM): power spectrum of int16 complex bins (interleaved
 * re, im) into uint32: re^2 + im^2 for bins start_index..end_index-1 (wrapping as TFLM's 32-bit
 * sum does for two -32768s); the other outputs, which TFLM leaves unwritten, are 0 here.
 * Options: {end_index, start_index}. */
#include <string.h>

#include "../src/kernel_api.h"

typedef struct {
    int32_t start, end;
} energy_data;

static tl_status tl_signal_energy_eval_s16(tl_interpreter *it, tl_node *node) {
    const energy_data *d = node->op_data;
    const int16_t *x = tl_node_input(it, node, 0)->data;
    tl_tensor *out = tl_node_output(it, node, 0);
    uint32_t *y = out->data;
    int32_t i;
    memset(y, 0, out->bytes);
    for (i = d->start; i < d->end; i++) {
        int32_t re = x[2 * i], im = x[2 * i + 1];
        y[i] = (uint32_t)(re * re) + (uint32_t)(im * im);
    }
    return TL_STATUS_OK;
}

tl_status tl_signal_energy_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    tl_flex_map opts;
    energy_data *d;
    if (tl_node_num_inputs(node) != 1 || tl_node_num_outputs(node) != 1 || !in || !out)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs an input and an output");
    if (in->type != TL_TYPE_INT16 || out->type != TL_TYPE_UINT32)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "SignalEnergy takes int16 and gives uint32");
    if (in->ndim != 1 || out->ndim != 1) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "1-D input and output");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (tl_node_flex_options(it, node, &opts) != TL_STATUS_OK) return TL_STATUS_MODEL_INVALID;
    if (tl_flex_map_i32(&opts, "start_index", &d->start) != TL_STATUS_OK ||
        tl_flex_map_i32(&opts, "end_index", &d->end) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options start_index and end_index");
    if (d->start < 0 || d->end < d->start || d->end > out->dims[0] || d->end > in->dims[0] / 2)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "start_index..end_index must lie in the input and output");
    node->eval = tl_signal_energy_eval_s16;
    return TL_STATUS_OK;
}
