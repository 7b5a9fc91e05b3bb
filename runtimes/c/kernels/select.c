/* SELECT (version 1): out = cond ? x : y, x, y and the output of one shape and type (any type: the
 * element is copied by its size); the bool condition has that shape too, or is 1-D and picks whole
 * rows along the first dimension, as LiteRT's reference. Broadcasting is SELECT_V2's. */
#include <string.h>

#include "../src/kernel_api.h"

typedef struct {
    int64_t inner; /* elements one condition value selects: 1, or a row when the condition is 1-D */
    size_t elem;
} select_data;

static tl_status tl_select_eval(tl_interpreter *it, tl_node *node) {
    const select_data *d = node->op_data;
    const uint8_t *c = tl_node_input(it, node, 0)->data;
    const uint8_t *x = tl_node_input(it, node, 1)->data, *y = tl_node_input(it, node, 2)->data;
    tl_tensor *out = tl_node_output(it, node, 0);
    uint8_t *o = out->data;
    int64_t i, n = tl_tensor_numel(out) / d->inner;
    size_t run = (size_t)d->inner * d->elem;
    for (i = 0; i < n; i++) memcpy(o + (size_t)i * run, (c[i] ? x : y) + (size_t)i * run, run);
    return TL_STATUS_OK;
}

tl_status tl_select_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *c = tl_node_input(it, node, 0), *x = tl_node_input(it, node, 1), *y = tl_node_input(it, node, 2);
    tl_tensor *out = tl_node_output(it, node, 0);
    select_data *d;
    if (!c || !x || !y || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs condition, x, y and output");
    if (c->type != TL_TYPE_BOOL) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "condition must be bool");
    if (x->type != out->type || y->type != out->type || tl_type_size(out->type) == 0)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "x, y and output types differ");
    if (!tl_same_shape(x, y) || !tl_same_shape(x, out))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "x, y and output shapes differ (SELECT_V2 broadcasts)");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->elem = tl_type_size(out->type);
    d->inner = 1;
    if (!tl_same_shape(c, x)) {
        if (c->ndim != 1 || x->ndim < 2 || c->dims[0] != x->dims[0])
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "condition must have x's shape or be 1-D over its rows");
        d->inner = x->dims[0] ? tl_tensor_numel(x) / x->dims[0] : 1;
    }
    node->eval = tl_select_eval;
    return TL_STATUS_OK;
}
