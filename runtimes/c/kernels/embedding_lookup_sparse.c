/* EMBEDDING_LOOKUP_SPARSE: weighted combinations of params rows chosen by a sparse tensor, as LiteRT's
 * reference kernel. Inputs: ids (int32 [n], rows of params), indices (int32 [n, rank], each id's position in
 * the sparse tensor), dense_shape (int32 [rank]), weights (float32 [n]), params (float32 [rows, ...]); output
 * float32 dense_shape[:-1] + params.shape[1:], zero where no id falls. Ids go in order: each adds
 * params[id] * weight into the output row its indices (all but the last) name, in float; when the row changes,
 * and after the last id, MEAN divides the finished row by its weights' sum and SQRTN by the square root of
 * their squares' sum (whatever they are: a zero sum gives NaN or inf, as LiteRT's), SUM leaves it; a row no
 * id falls in stays 0. A constant dense_shape must give
 * the output's shape; a runtime one is checked at invoke. An id outside params or indices outside dense_shape
 * fail the invoke. */
#include <math.h>
#include <string.h>

#include "../src/kernel_api.h"

enum { OPT_COMBINER = 0 };                           /* EmbeddingLookupSparseOptions (a byte enum) */
enum { COMBINE_SUM = 0, COMBINE_MEAN = 1, COMBINE_SQRTN = 2 };

typedef struct {
    int32_t n, rank, rows, combiner;
    int64_t embedding, buckets;
} els_data;

static void finish(const els_data *d, float *row, float weight_sum, float square_sum) {
    float m;
    int64_t k;
    if (d->combiner == COMBINE_SUM) return;
    m = d->combiner == COMBINE_MEAN ? weight_sum : sqrtf(square_sum);
    for (k = 0; k < d->embedding; k++) row[k] /= m;
}

static tl_status tl_embedding_lookup_sparse_eval_f32(tl_interpreter *it, tl_node *node) {
    const els_data *d = node->op_data;
    const int32_t *ids = tl_node_input(it, node, 0)->data, *indices = tl_node_input(it, node, 1)->data;
    const tl_tensor *shape_t = tl_node_input(it, node, 2), *out_t = tl_node_output(it, node, 0);
    const int32_t *shape = shape_t->data;
    const float *weights = tl_node_input(it, node, 3)->data, *params = tl_node_input(it, node, 4)->data;
    float *out = out_t->data, weight_sum = 0.0f, square_sum = 0.0f;
    int64_t current = 0, k;
    int32_t i, j, filled = 0;
    for (j = 0; j < d->rank - 1; j++) {
        if (!shape_t->is_constant && shape[j] != out_t->dims[j])
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "dense_shape does not give the output's shape");
    }
    memset(out, 0, (size_t)(d->buckets * d->embedding) * sizeof(float));
    for (i = 0; i < d->n; i++) {
        int64_t bucket = 0, stride = 1;
        float w = weights[i];
        if (ids[i] < 0 || ids[i] >= d->rows)
            return tl_fail(it, node, TL_STATUS_INDEX_OUT_OF_RANGE, "an id is outside params");
        for (j = d->rank - 2; j >= 0; j--) {
            int32_t at = indices[(int64_t)i * d->rank + j];
            if (at < 0 || at >= shape[j])
                return tl_fail(it, node, TL_STATUS_INDEX_OUT_OF_RANGE, "an index is outside dense_shape");
            bucket += at * stride;
            stride *= shape[j];
        }
        if (bucket != current && filled) { /* a row is finished when the next id goes to another */
            finish(d, out + current * d->embedding, weight_sum, square_sum);
            weight_sum = square_sum = 0.0f;
        }
        current = bucket;
        filled = 1;
        weight_sum += w;
        square_sum += w * w;
        for (k = 0; k < d->embedding; k++) out[current * d->embedding + k] += params[ids[i] * d->embedding + k] * w;
    }
    if (filled) finish(d, out + current * d->embedding, weight_sum, square_sum);
    return TL_STATUS_OK;
}

tl_status tl_embedding_lookup_sparse_prepare(tl_interpreter *it, tl_node *node) {
    const tl_tensor *ids = tl_node_input(it, node, 0), *indices = tl_node_input(it, node, 1);
    const tl_tensor *shape = tl_node_input(it, node, 2), *weights = tl_node_input(it, node, 3);
    const tl_tensor *params = tl_node_input(it, node, 4), *out = tl_node_output(it, node, 0);
    int8_t combiner;
    int32_t i, rank;
    els_data *d;
    if (!ids || !indices || !shape || !weights || !params || !out)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs ids, indices, dense_shape, weights, params and output");
    if (ids->type != TL_TYPE_INT32 || indices->type != TL_TYPE_INT32 || shape->type != TL_TYPE_INT32)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "ids, indices and dense_shape must be int32");
    if (weights->type != TL_TYPE_FLOAT32 || params->type != TL_TYPE_FLOAT32 || out->type != TL_TYPE_FLOAT32)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "weights, params and output must be float32");
    if (tl_fb_i8(&it->fb, node->options, OPT_COMBINER, COMBINE_SUM, &combiner))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (combiner < COMBINE_SUM || combiner > COMBINE_SQRTN)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "unknown combiner");
    if (ids->ndim != 1 || indices->ndim != 2 || indices->dims[0] != ids->dims[0] || weights->ndim != 1 ||
        weights->dims[0] != ids->dims[0] || shape->ndim != 1 || shape->dims[0] != indices->dims[1] ||
        indices->dims[1] < 1 || params->ndim < 2)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH,
                       "ids [n], indices [n, rank], dense_shape [rank], weights [n], params [rows, dims...] expected");
    rank = indices->dims[1];
    if (out->ndim != rank - 1 + params->ndim - 1)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output must be dense_shape[:-1] + params.shape[1:]");
    for (i = 1; i < params->ndim; i++)
        if (out->dims[rank - 2 + i] != params->dims[i])
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output must be dense_shape[:-1] + params.shape[1:]");
    if (shape->is_constant)
        for (i = 0; i < rank - 1; i++)
            if (((const int32_t *)shape->data)[i] != out->dims[i])
                return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "dense_shape does not give the output's shape");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    d->n = ids->dims[0];
    d->rank = rank;
    d->rows = params->dims[0];
    d->combiner = combiner;
    d->embedding = 1;
    for (i = 1; i < params->ndim; i++) d->embedding *= params->dims[i];
    d->buckets = 1;
    for (i = 0; i < rank - 1; i++) d->buckets *= out->dims[i];
    node->op_data = d;
    node->eval = tl_embedding_lookup_sparse_eval_f32;
    return TL_STATUS_OK;
}
