/* EXPAND_DIMS: the output's static shape comes from the model; the bytes are unchanged. */
#include "../src/kernel_api.h"
#include "common/copy.h"

tl_status tl_expand_dims_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    if (!in || !out || in->type != out->type || in->bytes != out->bytes || out->ndim != in->ndim + 1)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output must be the input with one more dimension");
    node->eval = tl_copy_eval;
    return TL_STATUS_OK;
}
