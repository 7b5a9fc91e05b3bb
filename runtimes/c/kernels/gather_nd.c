/* GATHER_ND: for each index tuple (the last dimension of `indices`, K long), the slice of `params`
 * at those K leading coordinates; output shape indices[:-1] + params[K:]. Bytes are copied
 * unchanged (quantized params keep their parameters); indices are int16, int32 or int64; a negative
 * or too large coordinate fails the invoke with INDEX_OUT_OF_RANGE, as LiteRT fails it. */
#include <string.h>

#include "../src/kernel_api.h"

typedef struct {
    int64_t tuples, k;
    int32_t dims[TL_MAX_DIMS];
    int64_t stride[TL_MAX_DIMS]; /* slices per step of each of the K leading params dims */
    size_t slice_bytes;
} gather_nd_data;

#define GATHER_ND_EVAL(NAME, IDX_T)                                                                   \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {                                       \
        const gather_nd_data *d = node->op_data;                                                      \
        const uint8_t *params = tl_node_input(it, node, 0)->data;                                     \
        const uint8_t *idx = tl_node_input(it, node, 1)->data; /* a constant may be unaligned */      \
        uint8_t *out = tl_node_output(it, node, 0)->data;                                             \
        int64_t t, j;                                                                                 \
        for (t = 0; t < d->tuples; t++) {                                                             \
            int64_t slice = 0;                                                                        \
            for (j = 0; j < d->k; j++) {                                                              \
                IDX_T v;                                                                              \
                int64_t c;                                                                            \
                memcpy(&v, idx + (size_t)(t * d->k + j) * sizeof v, sizeof v);                        \
                c = v;                                                                                \
                if (c < 0 || c >= d->dims[j])                                                         \
                    return tl_fail(it, node, TL_STATUS_INDEX_OUT_OF_RANGE, "an index is out of bounds"); \
                slice += c * d->stride[j];                                                            \
            }                                                                                         \
            memcpy(out + (size_t)t * d->slice_bytes, params + (size_t)slice * d->slice_bytes, d->slice_bytes); \
        }                                                                                             \
        return TL_STATUS_OK;                                                                          \
    }

GATHER_ND_EVAL(tl_gather_nd_eval_s16, int16_t)
GATHER_ND_EVAL(tl_gather_nd_eval_s32, int32_t)
GATHER_ND_EVAL(tl_gather_nd_eval_s64, int64_t)

tl_status tl_gather_nd_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *params = tl_node_input(it, node, 0), *idx = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    gather_nd_data *d;
    int32_t i, k;
    int64_t s;
    if (!params || !idx || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs params, indices and output");
    if (out->type != params->type || tl_type_size(params->type) == 0)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "output must have the params' type");
    if (idx->ndim < 1) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "indices must have at least 1 dimension");
    k = idx->dims[idx->ndim - 1];
    if (k < 1 || k > params->ndim) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "index depth exceeds the params' rank");
    if (out->ndim != idx->ndim - 1 + params->ndim - k) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output shape");
    for (i = 0; i < idx->ndim - 1; i++)
        if (out->dims[i] != idx->dims[i]) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output shape");
    for (i = k; i < params->ndim; i++)
        if (out->dims[idx->ndim - 1 + i - k] != params->dims[i]) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output shape");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->k = k;
    d->tuples = tl_tensor_numel(idx) / k;
    d->slice_bytes = tl_type_size(params->type);
    for (i = k; i < params->ndim; i++) d->slice_bytes *= (size_t)params->dims[i];
    for (s = 1, i = k - 1; i >= 0; i--) {
        d->dims[i] = params->dims[i];
        d->stride[i] = s;
        s *= params->dims[i];
    }
    switch (idx->type) {
    case TL_TYPE_INT16: node->eval = tl_gather_nd_eval_s16; return TL_STATUS_OK;
    case TL_TYPE_INT32: node->eval = tl_gather_nd_eval_s32; return TL_STATUS_OK;
    case TL_TYPE_INT64: node->eval = tl_gather_nd_eval_s64; return TL_STATUS_OK;
    default: return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "indices must be int16, int32 or int64");
    }
}
