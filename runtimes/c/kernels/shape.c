/* SHAPE: the input's (static) dimensions as an int32 or int64 vector. */
#include "../src/kernel_api.h"

#define SHAPE_EVAL(NAME, T)                                                              \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {                           \
        const tl_tensor *in = tl_node_input(it, node, 0);                                \
        T *y = tl_node_output(it, node, 0)->data;                                        \
        int32_t i;                                                                       \
        for (i = 0; i < in->ndim; i++) y[i] = in->dims[i];                               \
        return TL_STATUS_OK;                                                             \
    }

SHAPE_EVAL(tl_shape_eval_s32, int32_t)
SHAPE_EVAL(tl_shape_eval_s64, int64_t)

tl_status tl_shape_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    if (!in || !out || out->ndim != 1 || out->dims[0] != in->ndim ||
        (out->type != TL_TYPE_INT32 && out->type != TL_TYPE_INT64))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output must be an int32/int64 vector of the input rank");
    node->eval = out->type == TL_TYPE_INT32 ? tl_shape_eval_s32 : tl_shape_eval_s64;
    return TL_STATUS_OK;
}
