/* WHERE (one input): the coordinates of the condition's nonzero elements, row-major, as int64 [count, rank];
 * condition bool, float32 (NaN counts as nonzero, -0 as zero: x != 0), int8, uint8, int32, uint32 or int64,
 * rank at least 1. A constant condition gives a static shape, set in prepare. Otherwise the count is known only at
 * invoke: the output is planned at [elements, rank] and its real shape set after each invoke; the ops reading
 * it are prepared again at invoke (common/value_shaped.c, src/dynamic.c). */
#include "../src/kernel_api.h"
#include "common/value_shaped.h"

typedef struct {
    int32_t rank, dims[TL_MAX_DIMS];
    int64_t numel;
} where_data;

#define NONZERO(T, p, i) (((const T *)(p))[i] != (T)0)

static int nonzero(const tl_tensor *c, int64_t i) {
    switch (c->type) {
    case TL_TYPE_FLOAT32: return NONZERO(float, c->data, i);
    case TL_TYPE_INT8: return NONZERO(int8_t, c->data, i);
    case TL_TYPE_UINT8: case TL_TYPE_BOOL: return NONZERO(uint8_t, c->data, i);
    case TL_TYPE_INT32: return NONZERO(int32_t, c->data, i);
    case TL_TYPE_UINT32: return NONZERO(uint32_t, c->data, i);
    default: return NONZERO(int64_t, c->data, i);
    }
}

static int64_t count_nonzero(const tl_tensor *c, int64_t n) {
    int64_t i, count = 0;
    for (i = 0; i < n; i++) count += nonzero(c, i);
    return count;
}

static tl_status tl_where_eval(tl_interpreter *it, tl_node *node) {
    const where_data *d = node->op_data;
    const tl_tensor *c = tl_node_input(it, node, 0);
    tl_tensor *out = tl_node_output(it, node, 0);
    int64_t *y = out->data, i, count = 0;
    int32_t pos[TL_MAX_DIMS] = {0}, r, dims[2];
    for (i = 0; i < d->numel; i++) {
        if (nonzero(c, i)) {
            for (r = 0; r < d->rank; r++) y[count * d->rank + r] = pos[r];
            count++;
        }
        for (r = d->rank - 1; r >= 0; r--) {
            if (++pos[r] < d->dims[r]) break;
            pos[r] = 0;
        }
    }
    dims[0] = (int32_t)count;
    dims[1] = d->rank;
    return tl_tensor_set_dims(it, out, dims, 2);
}

tl_status tl_where_prepare(tl_interpreter *it, tl_node *node) {
    const tl_tensor *c = tl_node_input(it, node, 0);
    const tl_tensor *out = tl_node_output(it, node, 0);
    where_data *d;
    int32_t i, dims[2];
    tl_status st;
    if (tl_node_num_inputs(node) != 1 || tl_node_num_outputs(node) != 1 || !c || !out)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs a condition and an output");
    if (c->type != TL_TYPE_BOOL && c->type != TL_TYPE_FLOAT32 && c->type != TL_TYPE_INT8 && c->type != TL_TYPE_UINT8 &&
        c->type != TL_TYPE_INT32 && c->type != TL_TYPE_UINT32 && c->type != TL_TYPE_INT64)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED,
                       "condition must be bool, float32, int8, uint8, int32, uint32 or int64");
    if (out->type != TL_TYPE_INT64) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "output must be int64");
    if (c->ndim < 1) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "condition must have rank 1 or more");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->rank = c->ndim;
    for (i = 0; i < c->ndim; i++) d->dims[i] = c->dims[i];
    d->numel = tl_tensor_numel(c);
    dims[1] = c->ndim;
    if (c->is_constant) {
        dims[0] = (int32_t)count_nonzero(c, d->numel);
        st = tl_tensor_set_dims(it, tl_node_output(it, node, 0), dims, 2);
        if (st != TL_STATUS_OK) return tl_fail(it, node, st, "output shape");
    } else {
        dims[0] = (int32_t)d->numel;
        if ((st = tl_value_shaped_output(it, node, 0, dims, 2)) != TL_STATUS_OK) return st;
    }
    node->eval = tl_where_eval;
    return TL_STATUS_OK;
}
