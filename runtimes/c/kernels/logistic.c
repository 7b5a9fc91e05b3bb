/* LOGISTIC (sigmoid). float32 as LiteRT's reference: 1 above 16.619..., exp(x) below -9,
 * 1 / (1 + exp(-x)) between. int8 through a 256-entry table built in float at prepare (LiteRT's
 * reference and XNNPACK-free path; TFLM computes it in fixed point instead, which can differ by
 * 1 LSB). The output scale must be 1/256 as TFLite's quantization spec requires. int16 is not
 * implemented: prepare refuses it by name. */
#include <math.h>

#include "../src/kernel_api.h"
#include "common/lut_s8.h"
#include "common/quant_math.h"

typedef struct {
    int8_t lut[256];
} logistic_data;

static float sigmoid(float x) {
    if (x > 16.619047164916992188f) return 1.0f;
    if (x < -9.0f) return expf(x);
    return 1.0f / (1.0f + expf(-x));
}

static tl_status tl_logistic_eval_f32(tl_interpreter *it, tl_node *node) {
    const float *x = tl_node_input(it, node, 0)->data;
    tl_tensor *out = tl_node_output(it, node, 0);
    float *y = out->data;
    int64_t i, n = tl_tensor_numel(out);
    for (i = 0; i < n; i++) y[i] = sigmoid(x[i]);
    return TL_STATUS_OK;
}

static tl_status tl_logistic_eval_s8(tl_interpreter *it, tl_node *node) {
    const logistic_data *d = node->op_data;
    tl_tensor *out = tl_node_output(it, node, 0);
    tl_lut_s8_apply(d->lut, tl_node_input(it, node, 0)->data, out->data, tl_tensor_numel(out));
    return TL_STATUS_OK;
}

static tl_status logistic_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    logistic_data *d;
    tl_status st;
    if (!in || !out || in->type != out->type || !tl_same_shape(in, out))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output must have one type and shape");
    if (in->type == TL_TYPE_FLOAT32) {
        node->eval = tl_logistic_eval_f32;
        return TL_STATUS_OK;
    }
    if (in->type != TL_TYPE_INT8)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "LOGISTIC supports float32 and int8 (int16: not implemented)");
    if ((st = tl_check_quantized(it, node, in)) != TL_STATUS_OK || (st = tl_check_quantized(it, node, out)) != TL_STATUS_OK)
        return st;
    if (out->scale != 1.0f / 256)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "int8 LOGISTIC output must have scale 1/256");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    tl_lut_s8_build(d->lut, in->scale, in->zero_point, out->scale, out->zero_point, sigmoid);
    node->eval = tl_logistic_eval_s8;
    return TL_STATUS_OK;
}

/* eval is chosen per type by prepare (node->eval). */
const tl_kernel tl_kernel_logistic = {14, "LOGISTIC", logistic_prepare, tl_logistic_eval_f32};
