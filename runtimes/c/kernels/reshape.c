/* RESHAPE: the output's static shape is taken from the model; the bytes are copied unchanged. */
#include <string.h>

#include "../src/kernel_api.h"

static tl_status reshape_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    if (!in || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs an input and an output");
    if (in->type != out->type || in->bytes != out->bytes)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output hold different byte counts");
    return TL_STATUS_OK;
}

static tl_status reshape_eval(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    if (in->data != out->data) memmove(out->data, in->data, out->bytes);
    return TL_STATUS_OK;
}

const tl_kernel tl_kernel_reshape = {22, "RESHAPE", reshape_prepare, reshape_eval};
