/* DEQUANTIZE: int8/int16 -> float32, x = scale * (q - zero_point), computed in double and
 * rounded once to float as LiteRT's reference kernel does. (float16 weights: not yet.) */
#include "../src/kernel_api.h"

static tl_status dequantize_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    if (!in || !out || tl_tensor_numel(in) != tl_tensor_numel(out))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output sizes differ");
    if (out->type != TL_TYPE_FLOAT32 || (in->type != TL_TYPE_INT8 && in->type != TL_TYPE_INT16))
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "DEQUANTIZE supports int8 and int16 to float32");
    return tl_check_quantized(it, node, in);
}

static tl_status dequantize_eval(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    float *y = out->data;
    double scale = in->scale;
    int64_t i, n = tl_tensor_numel(out);
    for (i = 0; i < n; i++) {
        int32_t q = in->type == TL_TYPE_INT8 ? ((const int8_t *)in->data)[i] : ((const int16_t *)in->data)[i];
        y[i] = (float)(scale * (q - in->zero_point));
    }
    return TL_STATUS_OK;
}

const tl_kernel tl_kernel_dequantize = {6, "DEQUANTIZE", dequantize_prepare, dequantize_eval};
