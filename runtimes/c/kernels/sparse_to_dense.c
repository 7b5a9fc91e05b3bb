/* SPARSE_TO_DENSE: output = default_value everywhere, then output[indices[i]] = values[i] (or the one
 * scalar value) in order, a repeated index keeping the last. indices int32 or int64, 1-D (positions in
 * a 1-D output) or 2-D ([n, rank]); output_shape an int32/int64 vector of at most 4 dims (LiteRT's
 * kernel works in 4-D), constant (checked in prepare) or runtime (checked at invoke: shapes are
 * planned before invoke); values float32, int32, int64, int8 or uint8, bytes copied. LiteRT does not
 * bound the indices (one outside the output writes outside it there); here it fails the invoke. */
#include <string.h>

#include "../src/kernel_api.h"
#include "common/int_input.h"

typedef struct {
    int64_t n, rank;          /* index tuples, coordinates per tuple */
    int32_t dims[4];
    int scalar_value;
    size_t elem;
    int64_t numel;
} sparse_to_dense_data;

static int shape_matches(const tl_tensor *shape, const tl_tensor *out) {
    int32_t i;
    if (tl_tensor_numel(shape) != out->ndim) return 0;
    for (i = 0; i < out->ndim; i++)
        if (tl_int_at(shape, i) != out->dims[i]) return 0;
    return 1;
}

static tl_status tl_sparse_to_dense_eval(tl_interpreter *it, tl_node *node) {
    const sparse_to_dense_data *d = node->op_data;
    const tl_tensor *idx = tl_node_input(it, node, 0), *shape = tl_node_input(it, node, 1);
    const uint8_t *values = tl_node_input(it, node, 2)->data, *dflt = tl_node_input(it, node, 3)->data;
    uint8_t *out = tl_node_output(it, node, 0)->data;
    int64_t i, j;
    if (!shape->is_constant && !shape_matches(shape, tl_node_output(it, node, 0)))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH,
                       "output_shape differs from the output's (shapes are planned before invoke)");
    for (i = 0; i < d->numel; i++) memcpy(out + (size_t)i * d->elem, dflt, d->elem);
    for (i = 0; i < d->n; i++) {
        int64_t at = 0;
        for (j = 0; j < d->rank; j++) {
            int64_t c = tl_int_at(idx, i * d->rank + j);
            if (c < 0 || c >= d->dims[j])
                return tl_fail(it, node, TL_STATUS_INDEX_OUT_OF_RANGE, "an index is outside the output");
            at = at * d->dims[j] + c;
        }
        memcpy(out + (size_t)at * d->elem, values + (d->scalar_value ? 0 : (size_t)i * d->elem), d->elem);
    }
    return TL_STATUS_OK;
}

tl_status tl_sparse_to_dense_prepare(tl_interpreter *it, tl_node *node) {
    const tl_tensor *idx = tl_node_input(it, node, 0), *shape = tl_node_input(it, node, 1);
    const tl_tensor *values = tl_node_input(it, node, 2), *dflt = tl_node_input(it, node, 3);
    const tl_tensor *out = tl_node_output(it, node, 0);
    sparse_to_dense_data *d;
    int32_t i;
    int64_t n;
    if (tl_node_num_inputs(node) != 4 || tl_node_num_outputs(node) != 1 || !idx || !shape || !values || !dflt || !out)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs indices, output_shape, values, default_value and output");
    if (!tl_is_int_index_type(idx) || !tl_is_int_index_type(shape))
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "indices and output_shape must be int32 or int64");
    if (values->type != TL_TYPE_FLOAT32 && values->type != TL_TYPE_INT32 && values->type != TL_TYPE_INT64 &&
        values->type != TL_TYPE_INT8 && values->type != TL_TYPE_UINT8)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "values must be float32, int32, int64, int8 or uint8");
    if (dflt->type != values->type || out->type != values->type)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "default_value and output must have the values' type");
    if (tl_tensor_numel(dflt) != 1) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "default_value must hold one value");
    if (shape->ndim != 1) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output_shape must be 1-D");
    if (idx->ndim != 1 && idx->ndim != 2)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "indices must be 1-D or 2-D");
    if (values->ndim > 1) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "values must be a scalar or 1-D");
    if (out->ndim > 4) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "an output of more than 4 dimensions");
    if (tl_tensor_numel(shape) != out->ndim) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output rank differs from output_shape's size");
    if (idx->ndim == 1 ? out->ndim != 1 : idx->dims[1] != out->ndim)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "indices' tuples must have the output's rank");
    n = idx->dims[0];
    if (values->ndim == 1 && values->dims[0] < n)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "values must be a scalar or hold a value per index");
    if (shape->is_constant && !shape_matches(shape, out))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output shape differs from output_shape");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->n = n;
    d->rank = out->ndim;
    for (i = 0; i < out->ndim; i++) d->dims[i] = out->dims[i];
    d->scalar_value = values->ndim == 0;
    d->elem = tl_type_size(values->type);
    d->numel = tl_tensor_numel(out);
    node->eval = tl_sparse_to_dense_eval;
    return TL_STATUS_OK;
}
