/* SELECT_V2: out = cond ? x : y elementwise, condition (bool), x and y broadcast together to the
 * output's shape (NumPy rules, up to 6-D); x, y and the output share one type, any type (the
 * element is copied by its size). */
#include <string.h>

#include "../src/kernel_api.h"

typedef struct {
    int32_t ndim;
    int32_t out_dims[TL_MAX_DIMS];
    int32_t stride[3][TL_MAX_DIMS]; /* cond, x, y; 0 along a broadcast dim */
    size_t elem;
} select_data;

static tl_status tl_select_v2_eval(tl_interpreter *it, tl_node *node);

tl_status tl_select_v2_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *t[3], *out = tl_node_output(it, node, 0);
    select_data *d;
    int32_t k, i;
    for (k = 0; k < 3; k++) t[k] = tl_node_input(it, node, k);
    if (!t[0] || !t[1] || !t[2] || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs condition, x, y and output");
    if (t[0]->type != TL_TYPE_BOOL) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "condition must be bool");
    if (t[1]->type != out->type || t[2]->type != out->type || tl_type_size(out->type) == 0)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "x, y and output types differ");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->ndim = out->ndim;
    d->elem = tl_type_size(out->type);
    for (k = 0; k < 3; k++) {
        int32_t s = 1;
        if (t[k]->ndim > out->ndim) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "shapes do not broadcast to the output");
        for (i = out->ndim - 1; i >= 0; i--) {
            int32_t j = i - (out->ndim - t[k]->ndim), dim = j >= 0 ? t[k]->dims[j] : 1;
            if (dim != out->dims[i] && dim != 1)
                return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "shapes do not broadcast to the output");
            d->stride[k][i] = dim == 1 ? 0 : s;
            s *= dim;
        }
    }
    /* the output is exactly the broadcast shape: some input has each of its dims */
    for (i = 0; i < out->ndim; i++)
        if (out->dims[i] != 1 && !d->stride[0][i] && !d->stride[1][i] && !d->stride[2][i])
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output is larger than the broadcast shape");
    for (i = 0; i < out->ndim; i++) d->out_dims[i] = out->dims[i];
    node->eval = tl_select_v2_eval;
    return TL_STATUS_OK;
}

static tl_status tl_select_v2_eval(tl_interpreter *it, tl_node *node) {
    const select_data *d = node->op_data;
    const uint8_t *c = tl_node_input(it, node, 0)->data;
    const uint8_t *x = tl_node_input(it, node, 1)->data, *y = tl_node_input(it, node, 2)->data;
    tl_tensor *out = tl_node_output(it, node, 0);
    uint8_t *o = out->data;
    int64_t n = tl_tensor_numel(out), e;
    for (e = 0; e < n; e++) {
        int64_t flat = e, off[3] = {0, 0, 0};
        int32_t i;
        for (i = d->ndim - 1; i >= 0; i--) {
            int64_t coord = flat % d->out_dims[i];
            flat /= d->out_dims[i];
            off[0] += coord * d->stride[0][i];
            off[1] += coord * d->stride[1][i];
            off[2] += coord * d->stride[2][i];
        }
        memcpy(o + e * (int64_t)d->elem, c[off[0]] ? x + off[1] * (int64_t)d->elem : y + off[2] * (int64_t)d->elem, d->elem);
    }
    return TL_STATUS_OK;
}
