/* SCATTER_ND: output = zeros of `shape`, then each update slice added at its index tuple (repeated
 * tuples accumulate). indices int32 ([..., K]); updates float32, int8, uint8, int32, int64 or bool
 * (indices.shape[:-1] + shape[K:]); shape an int32 vector, a constant checked against the output in
 * prepare or a runtime tensor checked at invoke (shapes are planned before invoke). Sums wrap as
 * LiteRT's compiled additions do (bool: either); quantized bytes add as stored, as LiteRT adds them.
 * A coordinate outside its dimension fails the invoke, as in LiteRT. */
#include <string.h>

#include "../src/kernel_api.h"
#include "common/int_input.h"

typedef struct {
    int64_t slices, slice;   /* number of update slices, elements per slice */
    int32_t k, out_ndim;
    int64_t numel;           /* output elements */
    int32_t dims[TL_MAX_DIMS];  /* the K leading output dims */
    int64_t count[TL_MAX_DIMS]; /* elements per step of each of them */
} scatter_nd_data;

/* The planned output shape against the shape input's values (checked at invoke when not constant). */
static int shape_matches(const tl_tensor *shape, const tl_tensor *out) {
    int32_t i;
    if (tl_tensor_numel(shape) != out->ndim) return 0;
    for (i = 0; i < out->ndim; i++)
        if (tl_int_at(shape, i) != out->dims[i]) return 0;
    return 1;
}

#define SCATTER_ND_EVAL(NAME, T, ADD)                                                                 \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {                                       \
        const scatter_nd_data *d = node->op_data;                                                     \
        const uint8_t *idx = tl_node_input(it, node, 0)->data;                                        \
        const T *upd = tl_node_input(it, node, 1)->data;                                              \
        const tl_tensor *shape = tl_node_input(it, node, 2);                                          \
        T *out = tl_node_output(it, node, 0)->data;                                                   \
        int64_t s, j;                                                                                 \
        if (!shape->is_constant && !shape_matches(shape, tl_node_output(it, node, 0)))               \
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH,                                        \
                           "shape differs from the output's (shapes are planned before invoke)");     \
        memset(out, 0, (size_t)d->numel * sizeof(T));                                                 \
        for (s = 0; s < d->slices; s++) {                                                             \
            int64_t at = 0;                                                                           \
            for (j = 0; j < d->k; j++) {                                                              \
                int32_t v;                                                                            \
                memcpy(&v, idx + 4 * (size_t)(s * d->k + j), sizeof v);                               \
                if (v < 0 || v >= d->dims[j])                                                         \
                    return tl_fail(it, node, TL_STATUS_INDEX_OUT_OF_RANGE, "an index is out of bounds"); \
                at += v * d->count[j];                                                                \
            }                                                                                         \
            for (j = 0; j < d->slice; j++) {                                                          \
                T *o = out + at + j;                                                                  \
                const T u = upd[s * d->slice + j];                                                    \
                *o = ADD;                                                                             \
            }                                                                                         \
        }                                                                                             \
        return TL_STATUS_OK;                                                                          \
    }

SCATTER_ND_EVAL(tl_scatter_nd_eval_f32, float, *o + u)
SCATTER_ND_EVAL(tl_scatter_nd_eval_s8, int8_t, (int8_t)(uint8_t)((uint8_t)*o + (uint8_t)u))
SCATTER_ND_EVAL(tl_scatter_nd_eval_u8, uint8_t, (uint8_t)(*o + u))
SCATTER_ND_EVAL(tl_scatter_nd_eval_s32, int32_t, (int32_t)((uint32_t)*o + (uint32_t)u))
SCATTER_ND_EVAL(tl_scatter_nd_eval_s64, int64_t, (int64_t)((uint64_t)*o + (uint64_t)u))
SCATTER_ND_EVAL(tl_scatter_nd_eval_b, uint8_t, (uint8_t)(*o || u))

tl_status tl_scatter_nd_prepare(tl_interpreter *it, tl_node *node) {
    const tl_tensor *idx = tl_node_input(it, node, 0), *upd = tl_node_input(it, node, 1);
    const tl_tensor *shape = tl_node_input(it, node, 2), *out = tl_node_output(it, node, 0);
    scatter_nd_data *d;
    int32_t i, k, outer;
    int64_t remain;
    if (tl_node_num_inputs(node) != 3 || tl_node_num_outputs(node) != 1 || !idx || !upd || !shape || !out)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs indices, updates, shape and output");
    if (idx->type != TL_TYPE_INT32 || shape->type != TL_TYPE_INT32)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "indices and shape must be int32");
    if (out->type != upd->type) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "output must have the updates' type");
    if (idx->ndim < 1 || upd->ndim < 1 || shape->ndim != 1)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "indices and updates need a dimension, shape must be 1-D");
    outer = idx->ndim - 1;
    k = idx->dims[outer];
    if (k < 0 || k > out->ndim) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "index depth exceeds the output's rank");
    if (upd->ndim < outer || upd->ndim - outer != out->ndim - k)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "updates must have shape indices.shape[:-1] + shape[K:]");
    for (i = 0; i < outer; i++)
        if (idx->dims[i] != upd->dims[i])
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "updates must have shape indices.shape[:-1] + shape[K:]");
    for (i = 0; i + outer < upd->ndim; i++)
        if (upd->dims[outer + i] != out->dims[k + i])
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "updates must have shape indices.shape[:-1] + shape[K:]");
    if (shape->is_constant && !shape_matches(shape, out))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output shape differs from the shape input");
    for (i = 0; i < out->ndim; i++)
        if (out->dims[i] == 0) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "an empty output");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->k = k;
    d->numel = tl_tensor_numel(out);
    d->slices = 1;
    for (i = 0; i < outer; i++) d->slices *= idx->dims[i];
    d->slice = 1;
    for (i = outer; i < upd->ndim; i++) d->slice *= upd->dims[i];
    for (remain = d->numel, i = 0; i < k; i++) {
        remain /= out->dims[i];
        d->dims[i] = out->dims[i];
        d->count[i] = remain;
    }
    switch (upd->type) {
    case TL_TYPE_FLOAT32: node->eval = tl_scatter_nd_eval_f32; return TL_STATUS_OK;
    case TL_TYPE_INT8: node->eval = tl_scatter_nd_eval_s8; return TL_STATUS_OK;
    case TL_TYPE_UINT8: node->eval = tl_scatter_nd_eval_u8; return TL_STATUS_OK;
    case TL_TYPE_INT32: node->eval = tl_scatter_nd_eval_s32; return TL_STATUS_OK;
    case TL_TYPE_INT64: node->eval = tl_scatter_nd_eval_s64; return TL_STATUS_OK;
    case TL_TYPE_BOOL: node->eval = tl_scatter_nd_eval_b; return TL_STATUS_OK;
    default: return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "updates must be float32, int8, uint8, int32, int64 or bool");
    }
}
