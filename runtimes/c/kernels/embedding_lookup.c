/* EMBEDDING_LOOKUP: output row i = value row lookup[i] (lookup int32, 1-D; value at least 2-D; output
 * [len(lookup)] + value.shape[1:]). Two paths, as LiteRT's:
 * - the output has the value's type (any fixed-size type, quantized ones keeping their parameters):
 *   rows are copied as bytes;
 * - hybrid: int8 or uint8 values with zero point 0 and a float32 output: each element times the
 *   value's scale, or its row's scale when quantized per row (quantized_dimension 0). LiteRT reads
 *   the stored bytes as int8 in both cases, so a uint8 value above 127 counts as value - 256; so does
 *   this kernel.
 * A lookup outside [0, rows) fails the invoke (LiteRT fails it too). */
#include <string.h>

#include "../src/kernel_api.h"

typedef struct {
    int32_t lookups, rows;
    int64_t cols;      /* elements per row */
    size_t row_bytes;
    const uint8_t *row_scales; /* hybrid with one scale per row: float32 little-endian in the model; else NULL */
    float scale;       /* hybrid, per tensor */
} embedding_data;

static tl_status out_of_range(tl_interpreter *it, const tl_node *node) {
    return tl_fail(it, node, TL_STATUS_INDEX_OUT_OF_RANGE, "a lookup is outside the value's rows");
}

static tl_status tl_embedding_lookup_eval(tl_interpreter *it, tl_node *node) {
    const embedding_data *d = node->op_data;
    const uint8_t *ids = tl_node_input(it, node, 0)->data, *value = tl_node_input(it, node, 1)->data;
    uint8_t *out = tl_node_output(it, node, 0)->data;
    int32_t i;
    for (i = 0; i < d->lookups; i++) {
        int32_t r;
        memcpy(&r, ids + 4 * (size_t)i, sizeof r); /* a constant lookup may be unaligned */
        if (r < 0 || r >= d->rows) return out_of_range(it, node);
        memcpy(out + (size_t)i * d->row_bytes, value + (size_t)r * d->row_bytes, d->row_bytes);
    }
    return TL_STATUS_OK;
}

static tl_status tl_embedding_lookup_eval_s8_f32(tl_interpreter *it, tl_node *node) {
    const embedding_data *d = node->op_data;
    const uint8_t *ids = tl_node_input(it, node, 0)->data;
    const tl_tensor *value = tl_node_input(it, node, 1);
    const int8_t *v = value->data;
    float *out = tl_node_output(it, node, 0)->data;
    int32_t i;
    int64_t j;
    for (i = 0; i < d->lookups; i++) {
        int32_t r;
        float scale;
        memcpy(&r, ids + 4 * (size_t)i, sizeof r);
        if (r < 0 || r >= d->rows) return out_of_range(it, node);
        scale = d->row_scales ? tl_load_f32(d->row_scales + 4 * (size_t)r) : d->scale;
        for (j = 0; j < d->cols; j++) out[i * d->cols + j] = (float)v[r * d->cols + j] * scale;
    }
    return TL_STATUS_OK;
}

tl_status tl_embedding_lookup_prepare(tl_interpreter *it, tl_node *node) {
    const tl_tensor *ids = tl_node_input(it, node, 0), *value = tl_node_input(it, node, 1);
    const tl_tensor *out = tl_node_output(it, node, 0);
    embedding_data *d;
    int32_t i;
    int hybrid;
    tl_quantization q = tl_tensor_quantization(it, value);
    if (tl_node_num_inputs(node) != 2 || tl_node_num_outputs(node) != 1 || !ids || !value || !out)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs lookup, value and output");
    if (ids->type != TL_TYPE_INT32 || ids->ndim != 1)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "lookup must be a 1-D int32 tensor");
    if (value->ndim < 2) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "value must have at least 2 dimensions");
    if (out->ndim != value->ndim || out->dims[0] != ids->dims[0])
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output shape must be [len(lookup)] + value's shape[1:]");
    for (i = 1; i < value->ndim; i++)
        if (out->dims[i] != value->dims[i])
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output shape must be [len(lookup)] + value's shape[1:]");
    hybrid = out->type == TL_TYPE_FLOAT32 && value->type != TL_TYPE_FLOAT32;
    if (hybrid) {
        if (value->type != TL_TYPE_INT8 && value->type != TL_TYPE_UINT8)
            return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "a float32 output needs float32, int8 or uint8 values");
        if (!value->quantized) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "int8/uint8 values need a scale");
        if (value->zero_point != 0)
            return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "hybrid lookup needs symmetric values (zero point 0)");
        if (q.count > 1 && (value->quant_dim != 0 || q.count != value->dims[0]))
            return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "per-axis scales must be one per value row");
    } else {
        if (out->type != value->type || tl_type_size(value->type) == 0 || value->type == TL_TYPE_STRING)
            return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "output must have the value's type (or float32 for int8/uint8 values)");
        if (q.count > 1)
            return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "per-axis quantized values need a float32 output");
    }
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->lookups = ids->dims[0];
    d->rows = value->dims[0];
    d->cols = 1;
    for (i = 1; i < value->ndim; i++) d->cols *= value->dims[i];
    d->row_bytes = (size_t)d->cols * tl_type_size(value->type);
    d->row_scales = q.count > 1 ? q.scales : NULL;
    d->scale = value->scale;
    node->eval = hybrid ? tl_embedding_lookup_eval_s8_f32 : tl_embedding_lookup_eval;
    return TL_STATUS_OK;
}
