/* SQUARED_DIFFERENCE: out = (a - b) * (a - b), float32, NumPy broadcasting. */
#include "../src/kernel_api.h"
#include "common/broadcast.h"

typedef struct {
    tl_broadcast bc;
} squared_difference_data;

static float squared_difference(float x, float y) {
    float v = x - y;
    return v * v;
}

TL_BROADCAST_EVAL(tl_squared_difference_eval_f32, squared_difference_data, float, squared_difference(a[oa], b[ob]))

tl_status tl_squared_difference_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *a = tl_node_input(it, node, 0), *b = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    squared_difference_data *d;
    if (!a || !b || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 2 inputs and 1 output");
    if (a->type != TL_TYPE_FLOAT32 || b->type != TL_TYPE_FLOAT32 || out->type != TL_TYPE_FLOAT32)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "SQUARED_DIFFERENCE supports float32 only");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (!tl_broadcast_init(&d->bc, a, b, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "shapes do not broadcast");
    node->eval = tl_squared_difference_eval_f32;
    return TL_STATUS_OK;
}
