/* LOGICAL_AND / LOGICAL_OR: bool inputs and output, NumPy broadcasting. Any nonzero byte reads
 * as true; the output is 0 or 1. */
#include "logical.h"

#include "broadcast.h"

typedef struct {
    int is_and;
    int same_shape;
    int64_t n;
    tl_broadcast bc;
} logical_data;

static tl_status tl_logical_binary_eval_b(tl_interpreter *it, tl_node *node);

tl_status tl_logical_binary_prepare(tl_interpreter *it, tl_node *node, int is_and) {
    tl_tensor *a = tl_node_input(it, node, 0), *b = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    logical_data *d;
    if (tl_node_num_inputs(node) != 2 || tl_node_num_outputs(node) != 1 || !a || !b || !out)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 2 inputs and 1 output");
    if (a->type != TL_TYPE_BOOL || b->type != TL_TYPE_BOOL || out->type != TL_TYPE_BOOL)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "inputs and output must be bool");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (!tl_broadcast_init(&d->bc, a, b, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "shapes do not broadcast");
    d->is_and = is_and;
    d->same_shape = tl_same_shape(a, out) && tl_same_shape(b, out);
    d->n = tl_tensor_numel(out);
    node->eval = tl_logical_binary_eval_b;
    return TL_STATUS_OK;
}

static tl_status tl_logical_binary_eval_b(tl_interpreter *it, tl_node *node) {
    const logical_data *d = node->op_data;
    const uint8_t *a = tl_node_input(it, node, 0)->data, *b = tl_node_input(it, node, 1)->data;
    uint8_t *o = tl_node_output(it, node, 0)->data;
    int64_t i, ia = 0, ib = 0;
    for (i = 0; i < d->n; i++) {
        int x, y;
        if (d->same_shape)
            ia = ib = i;
        else
            tl_broadcast_offsets(&d->bc, i, &ia, &ib);
        x = a[ia] != 0;
        y = b[ib] != 0;
        o[i] = (uint8_t)(d->is_and ? (x && y) : (x || y));
    }
    return TL_STATUS_OK;
}
