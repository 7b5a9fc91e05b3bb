/* RANK: the input's number of dimensions as an int32 scalar (the input may be of any type). */
#include "../src/kernel_api.h"

static tl_status tl_rank_eval(tl_interpreter *it, tl_node *node) {
    *(int32_t *)tl_node_output(it, node, 0)->data = tl_node_input(it, node, 0)->ndim;
    return TL_STATUS_OK;
}

tl_status tl_rank_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    if (!in || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 1 input and 1 output");
    if (out->type != TL_TYPE_INT32) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "RANK's output is int32");
    if (tl_tensor_numel(out) != 1) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "RANK's output is a scalar");
    node->eval = tl_rank_eval;
    return TL_STATUS_OK;
}
