/* LOGICAL_NOT: out = !x elementwise (bool in, bool out, same shape). */
#include "../src/kernel_api.h"

static tl_status tl_logical_not_eval_b(tl_interpreter *it, tl_node *node);

tl_status tl_logical_not_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    if (tl_node_num_inputs(node) != 1 || tl_node_num_outputs(node) != 1 || !in || !out)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 1 input and 1 output");
    if (in->type != TL_TYPE_BOOL || out->type != TL_TYPE_BOOL)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "input and output must be bool");
    if (!tl_same_shape(in, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output shapes differ");
    node->eval = tl_logical_not_eval_b;
    return TL_STATUS_OK;
}

static tl_status tl_logical_not_eval_b(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    const uint8_t *x = in->data;
    uint8_t *o = out->data;
    size_t i;
    for (i = 0; i < out->bytes; i++) o[i] = (uint8_t)(x[i] == 0);
    return TL_STATUS_OK;
}
