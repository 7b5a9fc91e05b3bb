/* STABLEHLO_GATHER (StableHLO's gather, as LiteRT's reference kernel runs it): for each output index, its
 * batch dimensions (those not in offset_dims) pick an index vector of start_indices (along
 * index_vector_dim), placed into the operand's dimensions by start_index_map and clipped so that the
 * slice of slice_sizes fits; the offset dimensions then step inside the slice, skipping
 * collapsed_slice_dims. Options (StablehloGatherOptions in builtin_options_2): offset_dims,
 * collapsed_slice_dims, start_index_map, index_vector_dim, slice_sizes. start_indices int32 or int64;
 * elements copied as bytes (any fixed-size type). index_vector_dim must be below the indices' rank:
 * LiteRT reads past the shape otherwise. */
#include "../src/kernel_api.h"
#include "common/stablehlo_index.h"

enum { OPT_OFFSET_DIMS = 0, OPT_COLLAPSED = 1, OPT_START_INDEX_MAP = 2, OPT_INDEX_VECTOR_DIM = 3,
       OPT_SLICE_SIZES = 4 }; /* StablehloGatherOptions */

typedef struct {
    int32_t out_rank, op_rank, idx_rank, n_offset, n_map, ivd, wide;
    int64_t offset_dims[TL_MAX_DIMS], collapsed[TL_MAX_DIMS], map[TL_MAX_DIMS], slice[TL_MAX_DIMS];
    int32_t n_collapsed;
    int32_t out_dims[TL_MAX_DIMS], op_dims[TL_MAX_DIMS];
    int64_t idx_stride[TL_MAX_DIMS], op_stride[TL_MAX_DIMS];
    int32_t slice_dim_of_offset[TL_MAX_DIMS]; /* operand dim of the k-th offset dim */
    int64_t numel;
    size_t elem;
} gather_data;

static tl_status tl_stablehlo_gather_eval(tl_interpreter *it, tl_node *node) {
    const gather_data *d = node->op_data;
    const uint8_t *op = tl_node_input(it, node, 0)->data;
    const void *idx = tl_node_input(it, node, 1)->data;
    uint8_t *out = tl_node_output(it, node, 0)->data;
    int32_t pos[TL_MAX_DIMS] = {0};
    int64_t e, k;
    for (e = 0; e < d->numel; e++) {
        int64_t start[TL_MAX_DIMS] = {0}, base = 0, flat = 0;
        int32_t r, b = 0, o = 0;
        /* the batch dims of the output index, in order, are the indices' dims other than index_vector_dim */
        for (r = 0; r < d->out_rank; r++)
            if (!tl_shlo_has(d->offset_dims, d->n_offset, r)) {
                base += pos[r] * d->idx_stride[b < d->ivd ? b : b + 1];
                b++;
            }
        for (k = 0; k < d->n_map; k++) start[d->map[k]] = tl_shlo_index_at(idx, d->wide, base + k * d->idx_stride[d->ivd]);
        for (r = 0; r < d->op_rank; r++) {
            int64_t hi = d->op_dims[r] - d->slice[r];
            start[r] = start[r] < hi ? start[r] : hi;
            start[r] = start[r] > 0 ? start[r] : 0;
        }
        for (r = 0; r < d->out_rank; r++)
            if (tl_shlo_has(d->offset_dims, d->n_offset, r)) start[d->slice_dim_of_offset[o++]] += pos[r];
        for (r = 0; r < d->op_rank; r++) flat += start[r] * d->op_stride[r];
        memcpy(out + (size_t)e * d->elem, op + (size_t)flat * d->elem, d->elem);
        for (r = d->out_rank - 1; r >= 0; r--) { /* next output index, row-major */
            if (++pos[r] < d->out_dims[r]) break;
            pos[r] = 0;
        }
    }
    return TL_STATUS_OK;
}

tl_status tl_stablehlo_gather_prepare(tl_interpreter *it, tl_node *node) {
    const tl_tensor *op = tl_node_input(it, node, 0), *idx = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    gather_data *d;
    tl_fb_vec v;
    int64_t ivd, s;
    int32_t i, r, b, o, n_slice;
    tl_status st;
    if (tl_node_num_inputs(node) != 2 || tl_node_num_outputs(node) != 1 || !op || !idx || !out)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs operand, start_indices and output");
    if (idx->type != TL_TYPE_INT32 && idx->type != TL_TYPE_INT64)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "start_indices must be int32 or int64");
    if (out->type != op->type || tl_type_size(op->type) == 0 || op->type == TL_TYPE_STRING)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "output must have the operand's type");
    if (!node->options.pos) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "StablehloGatherOptions are missing");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->out_rank = out->ndim;
    d->op_rank = op->ndim;
    d->idx_rank = idx->ndim;
    if ((st = tl_shlo_dims(it, node, OPT_OFFSET_DIMS, out->ndim, d->offset_dims, &d->n_offset, "offset_dims")) ||
        (st = tl_shlo_dims(it, node, OPT_COLLAPSED, op->ndim, d->collapsed, &d->n_collapsed, "collapsed_slice_dims")) ||
        (st = tl_shlo_dims(it, node, OPT_START_INDEX_MAP, op->ndim, d->map, &d->n_map, "start_index_map")))
        return st;
    if (tl_fb_i64(&it->fb, node->options, OPT_INDEX_VECTOR_DIM, 0, &ivd) ||
        tl_fb_vec_field(&it->fb, node->options, OPT_SLICE_SIZES, 8, &v))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (ivd < 0 || ivd >= idx->ndim)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "index_vector_dim must be below the start_indices' rank");
    d->ivd = (int32_t)ivd;
    if (idx->dims[ivd] != d->n_map)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "start_index_map must have one entry per index vector element");
    n_slice = (int32_t)v.len;
    if (n_slice != op->ndim) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "slice_sizes must have one entry per operand dim");
    for (r = 0; r < op->ndim; r++) {
        d->slice[r] = tl_fb_vec_i64(&it->fb, v, (uint32_t)r);
        if (d->slice[r] < 0 || d->slice[r] > op->dims[r])
            return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "a slice size is negative or above the operand's dim");
        if (tl_shlo_has(d->collapsed, d->n_collapsed, r) && d->slice[r] > 1)
            return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "a collapsed slice dim has a slice size above 1");
    }
    if (d->n_offset != op->ndim - d->n_collapsed || out->ndim != d->n_offset + idx->ndim - 1)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output rank differs from the gather's");
    for (r = 0, b = 0, o = 0, i = 0; r < out->ndim; r++) {
        if (tl_shlo_has(d->offset_dims, d->n_offset, r)) {
            while (tl_shlo_has(d->collapsed, d->n_collapsed, i)) i++;
            d->slice_dim_of_offset[o++] = i;
            s = d->slice[i++];
        } else {
            s = idx->dims[b < d->ivd ? b : b + 1];
            b++;
        }
        if (out->dims[r] != s) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output shape differs from the gather's");
    }
    for (s = 1, r = idx->ndim - 1; r >= 0; r--) {
        d->idx_stride[r] = s;
        s *= idx->dims[r];
    }
    for (s = 1, r = op->ndim - 1; r >= 0; r--) {
        d->op_stride[r] = s;
        d->op_dims[r] = op->dims[r];
        s *= op->dims[r];
    }
    for (r = 0; r < out->ndim; r++) d->out_dims[r] = out->dims[r];
    d->numel = tl_tensor_numel(op) ? tl_tensor_numel(out) : 0;
    d->elem = tl_type_size(op->type);
    d->wide = idx->type == TL_TYPE_INT64;
    node->eval = tl_stablehlo_gather_eval;
    return TL_STATUS_OK;
}
