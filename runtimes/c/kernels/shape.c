/* SHAPE: the input's (static) dimensions as an int32 or int64 vector. */
#include "../src/kernel_api.h"

static tl_status shape_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    if (!in || !out || out->ndim != 1 || out->dims[0] != in->ndim ||
        (out->type != TL_TYPE_INT32 && out->type != TL_TYPE_INT64))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output must be an int32/int64 vector of the input rank");
    return TL_STATUS_OK;
}

static tl_status shape_eval(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    int32_t i;
    for (i = 0; i < in->ndim; i++) {
        if (out->type == TL_TYPE_INT32)
            ((int32_t *)out->data)[i] = in->dims[i];
        else
            ((int64_t *)out->data)[i] = in->dims[i];
    }
    return TL_STATUS_OK;
}

const tl_kernel tl_kernel_shape = {77, "SHAPE", shape_prepare, shape_eval};
