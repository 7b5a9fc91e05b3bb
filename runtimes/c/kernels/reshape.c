/* RESHAPE: the output's static shape is taken from the model; the bytes are copied unchanged. */
#include "../src/kernel_api.h"
#include "common/copy.h"

tl_status tl_reshape_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    if (!in || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs an input and an output");
    if (in->type != out->type || in->bytes != out->bytes)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output hold different byte counts");
    node->eval = tl_copy_eval;
    return TL_STATUS_OK;
}
