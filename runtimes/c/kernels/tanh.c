/* TANH. float32: tanhf, as LiteRT's reference kernel. int8 through a 256-entry table built in
 * float at prepare, as LiteRT's reference (TFLM computes it in fixed point, which can differ by
 * 1 LSB). int16 is not implemented: prepare refuses it by name. */
#include <math.h>

#include "../src/kernel_api.h"
#include "common/lut_s8.h"
#include "common/quant_math.h"

typedef struct {
    int8_t lut[256];
} tanh_data;

static float tanh_f(float x) { return tanhf(x); }

static tl_status tl_tanh_eval_f32(tl_interpreter *it, tl_node *node) {
    const float *x = tl_node_input(it, node, 0)->data;
    tl_tensor *out = tl_node_output(it, node, 0);
    float *y = out->data;
    int64_t i, n = tl_tensor_numel(out);
    for (i = 0; i < n; i++) y[i] = tanhf(x[i]);
    return TL_STATUS_OK;
}

static tl_status tl_tanh_eval_s8(tl_interpreter *it, tl_node *node) {
    const tanh_data *d = node->op_data;
    tl_tensor *out = tl_node_output(it, node, 0);
    tl_lut_s8_apply(d->lut, tl_node_input(it, node, 0)->data, out->data, tl_tensor_numel(out));
    return TL_STATUS_OK;
}

static tl_status tanh_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    tanh_data *d;
    tl_status st;
    if (!in || !out || in->type != out->type || !tl_same_shape(in, out))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output must have one type and shape");
    if (in->type == TL_TYPE_FLOAT32) {
        node->eval = tl_tanh_eval_f32;
        return TL_STATUS_OK;
    }
    if (in->type != TL_TYPE_INT8)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "TANH supports float32 and int8 (int16: not implemented)");
    if ((st = tl_check_quantized(it, node, in)) != TL_STATUS_OK || (st = tl_check_quantized(it, node, out)) != TL_STATUS_OK)
        return st;
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    tl_lut_s8_build(d->lut, in->scale, in->zero_point, out->scale, out->zero_point, tanh_f);
    node->eval = tl_tanh_eval_s8;
    return TL_STATUS_OK;
}

/* eval is chosen per type by prepare (node->eval). */
const tl_kernel tl_kernel_tanh = {28, "TANH", tanh_prepare, tl_tanh_eval_f32};
