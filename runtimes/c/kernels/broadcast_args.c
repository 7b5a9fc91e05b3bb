/* BROADCAST_ARGS: the NumPy broadcast of two shapes given as 1-D int32 or int64 tensors (one type,
 * the output's too); the output's length is the longer one's. Shapes that do not broadcast: refused
 * in prepare when both are constants, else the invoke fails, as LiteRT's. */
#include "../src/kernel_api.h"
#include "common/int_input.h"

/* 0 when dims a (length na) and b (nb) do not broadcast to n dims; else writes them (or only checks: out NULL). */
static int broadcast(const tl_tensor *a, const tl_tensor *b, int32_t n, tl_tensor *out) {
    int32_t na = a->dims[0], nb = b->dims[0], i;
    for (i = 0; i < n; i++) { /* right-aligned */
        int64_t da = i >= n - na ? tl_int_at(a, i - (n - na)) : 1, db = i >= n - nb ? tl_int_at(b, i - (n - nb)) : 1;
        int64_t o = da == 1 ? db : da;
        if (da != db && da != 1 && db != 1) return 0;
        if (out && out->type == TL_TYPE_INT32) ((int32_t *)out->data)[i] = (int32_t)o;
        else if (out) ((int64_t *)out->data)[i] = o;
    }
    return 1;
}

static tl_status tl_broadcast_args_eval(tl_interpreter *it, tl_node *node) {
    tl_tensor *out = tl_node_output(it, node, 0);
    if (!broadcast(tl_node_input(it, node, 0), tl_node_input(it, node, 1), out->dims[0], out))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "the shapes do not broadcast");
    return TL_STATUS_OK;
}

tl_status tl_broadcast_args_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *a = tl_node_input(it, node, 0), *b = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    if (!a || !b || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 2 shapes and an output");
    if (a->type != b->type || a->type != out->type || (a->type != TL_TYPE_INT32 && a->type != TL_TYPE_INT64))
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "BROADCAST_ARGS supports int32 and int64 (shapes and output alike)");
    if (a->ndim != 1 || b->ndim != 1 || out->ndim != 1)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "shapes and output must be 1-D");
    if (out->dims[0] != (a->dims[0] > b->dims[0] ? a->dims[0] : b->dims[0]))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "the output's length must be the longer shape's");
    node->eval = tl_broadcast_args_eval;
    if (a->is_constant && b->is_constant && !broadcast(a, b, out->dims[0], NULL))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "the constant shapes do not broadcast");
    return TL_STATUS_OK;
}
