/* EXPAND_DIMS: the output's static shape comes from the model; the bytes are unchanged. */
#include <string.h>

#include "../src/kernel_api.h"

static tl_status expand_dims_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    if (!in || !out || in->type != out->type || in->bytes != out->bytes || out->ndim != in->ndim + 1)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output must be the input with one more dimension");
    return TL_STATUS_OK;
}

static tl_status expand_dims_eval(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    if (in->data != out->data) memmove(out->data, in->data, out->bytes);
    return TL_STATUS_OK;
}

const tl_kernel tl_kernel_expand_dims = {70, "EXPAND_DIMS", expand_dims_prepare, expand_dims_eval};
