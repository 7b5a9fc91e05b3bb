/* ADD_N: the elementwise sum of N >= 2 inputs of one shape, float32 and int32 (LiteRT's set). Each
 * element is summed from 0 in input order, as LiteRT's reference (so -0 + -0 gives +0); int32
 * wraps as LiteRT's compiled additions do. */
#include "../src/kernel_api.h"
#include "common/quant_math.h"

static tl_status tl_add_n_eval_f32(tl_interpreter *it, tl_node *node) {
    tl_tensor *out = tl_node_output(it, node, 0);
    float *y = out->data;
    int32_t k, n_in = tl_node_num_inputs(node);
    int64_t i, n = tl_tensor_numel(out);
    for (i = 0; i < n; i++) y[i] = 0.0f;
    for (k = 0; k < n_in; k++) {
        const float *x = tl_node_input(it, node, k)->data;
        for (i = 0; i < n; i++) y[i] += x[i];
    }
    return TL_STATUS_OK;
}

static tl_status tl_add_n_eval_s32(tl_interpreter *it, tl_node *node) {
    tl_tensor *out = tl_node_output(it, node, 0);
    int32_t *y = out->data;
    int32_t k, n_in = tl_node_num_inputs(node);
    int64_t i, n = tl_tensor_numel(out);
    for (i = 0; i < n; i++) y[i] = 0;
    for (k = 0; k < n_in; k++) {
        const int32_t *x = tl_node_input(it, node, k)->data;
        for (i = 0; i < n; i++) y[i] = tl_add_wrap(y[i], x[i]);
    }
    return TL_STATUS_OK;
}

tl_status tl_add_n_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *out = tl_node_output(it, node, 0);
    int32_t k, n_in = tl_node_num_inputs(node);
    if (!out || n_in < 2) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs at least 2 inputs and an output");
    for (k = 0; k < n_in; k++) {
        const tl_tensor *x = tl_node_input(it, node, k);
        if (!x) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "an input is missing");
        if (x->type != out->type) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "inputs and output types differ");
        if (!tl_same_shape(x, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "inputs and output must have one shape");
        if (x == out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "the output is also an input"); /* eval zeroes it first */
    }
    switch (out->type) {
    case TL_TYPE_FLOAT32: node->eval = tl_add_n_eval_f32; break;
    case TL_TYPE_INT32: node->eval = tl_add_n_eval_s32; break;
    default: return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "ADD_N supports float32 and int32");
    }
    return TL_STATUS_OK;
}
