/* SQUARED_DIFFERENCE: out = (a - b) * (a - b), float32, NumPy broadcasting. */
#include "../src/kernel_api.h"
#include "common/broadcast.h"

static tl_status tl_squared_difference_eval_f32(tl_interpreter *it, tl_node *node) {
    const tl_broadcast *bc = node->op_data;
    const float *a = tl_node_input(it, node, 0)->data, *b = tl_node_input(it, node, 1)->data;
    tl_tensor *out = tl_node_output(it, node, 0);
    float *y = out->data;
    int64_t i, n = tl_tensor_numel(out), oa, ob;
    for (i = 0; i < n; i++) {
        float v;
        tl_broadcast_offsets(bc, i, &oa, &ob);
        v = a[oa] - b[ob];
        y[i] = v * v;
    }
    return TL_STATUS_OK;
}

tl_status tl_squared_difference_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *a = tl_node_input(it, node, 0), *b = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    tl_broadcast *bc;
    if (!a || !b || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 2 inputs and 1 output");
    if (a->type != TL_TYPE_FLOAT32 || b->type != TL_TYPE_FLOAT32 || out->type != TL_TYPE_FLOAT32)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "SQUARED_DIFFERENCE supports float32 only");
    bc = tl_alloc_persistent(it, sizeof *bc);
    if (!bc) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = bc;
    if (!tl_broadcast_init(bc, a, b, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "shapes do not broadcast");
    node->eval = tl_squared_difference_eval_f32;
    return TL_STATUS_OK;
}
