/* SignalFilterBankSquareRoot (TFLM signal library, CUSTOM): uint64 channel energies to uint32
 * amplitudes, sqrt64(x) >> scale_bits (TFLM's rounded integer root), where scale_bits is an int32
 * scalar input (the FFT's auto-scale shift). No options. A shift outside 0..31 fails the invoke. */
#include "../src/kernel_api.h"
#include "common/signal_math.h"

static tl_status tl_signal_filter_bank_square_root_eval_u64(tl_interpreter *it, tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0);
    const uint64_t *x = in->data;
    int32_t shift = *(const int32_t *)tl_node_input(it, node, 1)->data;
    uint32_t *y = tl_node_output(it, node, 0)->data;
    int64_t i, n = tl_tensor_numel(in);
    if (shift < 0 || shift > 31) return tl_fail(it, node, TL_STATUS_INVOKE_FAILED, "scale bits outside 0..31");
    for (i = 0; i < n; i++) y[i] = tl_signal_sqrt64(x[i]) >> shift;
    return TL_STATUS_OK;
}

tl_status tl_signal_filter_bank_square_root_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *sh = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    if (tl_node_num_inputs(node) != 2 || tl_node_num_outputs(node) != 1 || !in || !sh || !out)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs an input, scale bits and an output");
    if (in->type != TL_TYPE_UINT64 || sh->type != TL_TYPE_INT32 || out->type != TL_TYPE_UINT32)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "SignalFilterBankSquareRoot takes uint64 and int32, gives uint32");
    if (in->ndim != 1 || sh->ndim != 0 || !tl_same_shape(in, out))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "1-D input and output of one size, scalar scale bits");
    node->eval = tl_signal_filter_bank_square_root_eval_u64;
    return TL_STATUS_OK;
}
