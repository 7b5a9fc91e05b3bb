/* DYNAMIC_UPDATE_SLICE: the operand with `update` written at start_indices (int32 or int64, one per
 * dimension), each start clamped to [0, operand dim - update dim] as XLA and LiteRT do. Any
 * fixed-size type (LiteRT's reference moves bytes for every type it has). */
#include <string.h>

#include "../src/kernel_api.h"
#include "common/int_input.h"

static tl_status tl_dynamic_update_slice_eval(tl_interpreter *it, tl_node *node) {
    const tl_tensor *op = tl_node_input(it, node, 0), *up = tl_node_input(it, node, 1), *idx = tl_node_input(it, node, 2);
    tl_tensor *out = tl_node_output(it, node, 0);
    const uint8_t *u = up->data;
    uint8_t *y = out->data;
    size_t es = tl_type_size(op->type);
    int64_t start[TL_MAX_DIMS], ostride[TL_MAX_DIMS], n = tl_tensor_numel(up), row, i;
    int32_t k, r = op->ndim;
    if (y != op->data) memmove(y, op->data, out->bytes);
    if (n == 0) return TL_STATUS_OK;
    for (k = 0; k < r; k++) {
        int64_t s = tl_int_at(idx, k);
        int64_t hi = (int64_t)op->dims[k] - up->dims[k];
        start[k] = s < 0 ? 0 : s > hi ? hi : s;
    }
    if (r == 0) {
        memcpy(y, u, es);
        return TL_STATUS_OK;
    }
    ostride[r - 1] = 1;
    for (k = r - 1; k > 0; k--) ostride[k - 1] = ostride[k] * op->dims[k];
    /* one memcpy per row of the update (its last dimension) */
    for (row = 0; row < n / up->dims[r - 1]; row++) {
        int64_t rest = row, off = start[r - 1];
        for (k = r - 2; k >= 0; k--) {
            off += (start[k] + rest % up->dims[k]) * ostride[k];
            rest /= up->dims[k];
        }
        i = row * up->dims[r - 1];
        memcpy(y + off * es, u + i * es, (size_t)up->dims[r - 1] * es);
    }
    return TL_STATUS_OK;
}

tl_status tl_dynamic_update_slice_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *op = tl_node_input(it, node, 0), *up = tl_node_input(it, node, 1), *idx = tl_node_input(it, node, 2);
    tl_tensor *out = tl_node_output(it, node, 0);
    int32_t k;
    if (!op || !up || !idx || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs operand, update, start indices and an output");
    if (op->type != up->type || op->type != out->type || !tl_type_size(op->type))
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "operand, update and output must have one fixed-size type");
    if (idx->type != TL_TYPE_INT32 && idx->type != TL_TYPE_INT64)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "start indices must be int32 or int64");
    if (!tl_same_shape(op, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "operand and output shapes differ");
    if (up->ndim != op->ndim) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "update and operand ranks differ");
    for (k = 0; k < op->ndim; k++)
        if (up->dims[k] > op->dims[k]) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "the update is larger than the operand");
    if (idx->ndim != 1 || idx->dims[0] != op->ndim)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "start indices must be 1-D, one per operand dimension");
    node->eval = tl_dynamic_update_slice_eval;
    return TL_STATUS_OK;
}
