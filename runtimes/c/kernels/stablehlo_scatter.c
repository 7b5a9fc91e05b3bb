/* STABLEHLO_SCATTER (StableHLO's scatter of one input, as LiteRT's reference kernel runs it): output = input,
 * then for each element of `updates` in row-major order, its scatter dimensions (those not in
 * update_window_dims) pick an index vector of scatter_indices (along index_vector_dim), placed into the
 * input's dimensions by scatter_dims_to_operand_dims; its window dimensions step from there, skipping
 * inserted_window_dims. A target outside the input is skipped (LiteRT follows the reference interpreter).
 * The update computation subgraph is not run: as LiteRT's kernel, it must be empty (the update replaces
 * the value) or hold one STABLEHLO_ADD, _MULTIPLY, _MAXIMUM or _MINIMUM, applied as LiteRT applies it
 * (C arithmetic of the element type: integers wrap, bool add is or and multiply is and; max and min keep
 * the current value unless the update compares above/below it). Options: StablehloScatterOptions in
 * builtin_options_2. scatter_indices int32 or int64; float32, int8, uint8, int16, int32, int64 or bool.
 * index_vector_dim must be below the indices' rank (LiteRT reads past the shape otherwise). */
#include "../src/kernel_api.h"
#include "common/stablehlo_index.h"

enum { OPT_UPDATE_WINDOW_DIMS = 1, OPT_INSERTED = 2, OPT_TO_OPERAND = 3, OPT_INDEX_VECTOR_DIM = 4,
       OPT_COMPUTATION = 6 }; /* StablehloScatterOptions */
enum { UPDATE, ADD, MUL, MAX, MIN };

typedef struct {
    int32_t upd_rank, in_rank, n_window, n_inserted, n_map, ivd, wide, fn;
    int64_t window[TL_MAX_DIMS], inserted[TL_MAX_DIMS], map[TL_MAX_DIMS];
    int32_t upd_dims[TL_MAX_DIMS], in_dims[TL_MAX_DIMS];
    int32_t in_dim_of_window[TL_MAX_DIMS]; /* input dim of the k-th window dim */
    int64_t idx_stride[TL_MAX_DIMS], in_stride[TL_MAX_DIMS];
    int64_t numel;
    size_t bytes;
} scatter_data;

/* The flat input position updates element `pos` goes to, -1 when outside the input. */
static int64_t target(const scatter_data *d, const void *idx, const int32_t *pos) {
    int64_t at[TL_MAX_DIMS] = {0}, base = 0, flat = 0, k;
    int32_t r, b = 0, w = 0;
    for (r = 0; r < d->upd_rank; r++)
        if (!tl_shlo_has(d->window, d->n_window, r)) {
            base += pos[r] * d->idx_stride[b < d->ivd ? b : b + 1];
            b++;
        }
    for (k = 0; k < d->n_map; k++) at[d->map[k]] = tl_shlo_index_at(idx, d->wide, base + k * d->idx_stride[d->ivd]);
    for (r = 0; r < d->upd_rank; r++)
        if (tl_shlo_has(d->window, d->n_window, r)) at[d->in_dim_of_window[w++]] += pos[r];
    for (r = 0; r < d->in_rank; r++) {
        if (at[r] < 0 || at[r] >= d->in_dims[r]) return -1;
        flat += at[r] * d->in_stride[r];
    }
    return flat;
}

#define SCATTER_EVAL(NAME, T, ADD_EXPR, MUL_EXPR)                                                    \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {                                      \
        const scatter_data *d = node->op_data;                                                       \
        const T *in = tl_node_input(it, node, 0)->data, *upd = tl_node_input(it, node, 2)->data;     \
        const void *idx = tl_node_input(it, node, 1)->data;                                          \
        T *out = tl_node_output(it, node, 0)->data;                                                  \
        int32_t pos[TL_MAX_DIMS] = {0}, r;                                                           \
        int64_t e;                                                                                   \
        if ((const void *)out != (const void *)in) memcpy(out, in, d->bytes);                        \
        for (e = 0; e < d->numel; e++) {                                                             \
            const int64_t t = target(d, idx, pos);                                                   \
            if (t >= 0) {                                                                            \
                const T a = out[t], u = upd[e];                                                      \
                switch (d->fn) {                                                                     \
                case UPDATE: out[t] = u; break;                                                      \
                case ADD: out[t] = ADD_EXPR; break;                                                  \
                case MUL: out[t] = MUL_EXPR; break;                                                  \
                case MAX: out[t] = a < u ? u : a; break;                                             \
                default: out[t] = u < a ? u : a; break;                                              \
                }                                                                                    \
            }                                                                                        \
            for (r = d->upd_rank - 1; r >= 0; r--) {                                                 \
                if (++pos[r] < d->upd_dims[r]) break;                                                \
                pos[r] = 0;                                                                          \
            }                                                                                        \
        }                                                                                            \
        return TL_STATUS_OK;                                                                         \
    }

SCATTER_EVAL(tl_stablehlo_scatter_eval_f32, float, a + u, a * u)
SCATTER_EVAL(tl_stablehlo_scatter_eval_s8, int8_t, (int8_t)(uint8_t)((uint32_t)a + (uint32_t)u),
             (int8_t)(uint8_t)((uint32_t)a * (uint32_t)u))
SCATTER_EVAL(tl_stablehlo_scatter_eval_u8, uint8_t, (uint8_t)(a + u), (uint8_t)((uint32_t)a * u))
SCATTER_EVAL(tl_stablehlo_scatter_eval_s16, int16_t, (int16_t)(uint16_t)((uint32_t)a + (uint32_t)u),
             (int16_t)(uint16_t)((uint32_t)a * (uint32_t)u))
SCATTER_EVAL(tl_stablehlo_scatter_eval_s32, int32_t, (int32_t)((uint32_t)a + (uint32_t)u),
             (int32_t)((uint32_t)a * (uint32_t)u))
SCATTER_EVAL(tl_stablehlo_scatter_eval_s64, int64_t, (int64_t)((uint64_t)a + (uint64_t)u),
             (int64_t)((uint64_t)a * (uint64_t)u))
SCATTER_EVAL(tl_stablehlo_scatter_eval_b, uint8_t, (uint8_t)(a || u), (uint8_t)(a && u))

static int32_t computation(int32_t builtin) {
    switch (builtin) {
    case 163: return ADD;  /* STABLEHLO_ADD */
    case 165: return MUL;  /* STABLEHLO_MULTIPLY */
    case 166: return MAX;  /* STABLEHLO_MAXIMUM */
    case 181: return MIN;  /* STABLEHLO_MINIMUM */
    default: return -1;
    }
}

tl_status tl_stablehlo_scatter_prepare(tl_interpreter *it, tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0), *idx = tl_node_input(it, node, 1);
    const tl_tensor *upd = tl_node_input(it, node, 2), *out = tl_node_output(it, node, 0);
    scatter_data *d;
    int64_t ivd, s;
    int32_t r, b, w, i, sub;
    tl_status st;
    if (tl_node_num_inputs(node) != 3 || tl_node_num_outputs(node) != 1 || !in || !idx || !upd || !out)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "only one input (with indices and updates) and one output");
    if (idx->type != TL_TYPE_INT32 && idx->type != TL_TYPE_INT64)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "scatter_indices must be int32 or int64");
    if (upd->type != in->type || out->type != in->type || !tl_same_shape(in, out))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "updates and output must have the input's type, output its shape");
    if (!node->options.pos) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "StablehloScatterOptions are missing");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if ((st = tl_shlo_dims(it, node, OPT_UPDATE_WINDOW_DIMS, upd->ndim, d->window, &d->n_window, "update_window_dims")) ||
        (st = tl_shlo_dims(it, node, OPT_INSERTED, in->ndim, d->inserted, &d->n_inserted, "inserted_window_dims")) ||
        (st = tl_shlo_dims(it, node, OPT_TO_OPERAND, in->ndim, d->map, &d->n_map, "scatter_dims_to_operand_dims")))
        return st;
    if (tl_fb_i64(&it->fb, node->options, OPT_INDEX_VECTOR_DIM, 0, &ivd) ||
        tl_fb_i32(&it->fb, node->options, OPT_COMPUTATION, -1, &sub))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (ivd < 0 || ivd >= idx->ndim)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "index_vector_dim must be below the scatter_indices' rank");
    d->ivd = (int32_t)ivd;
    if (idx->dims[ivd] != d->n_map)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "scatter_dims_to_operand_dims must have one entry per index vector element");
    if (d->n_window != in->ndim - d->n_inserted || upd->ndim != d->n_window + idx->ndim - 1)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "updates' rank differs from the scatter's");
    for (r = 0, b = 0, w = 0, i = 0; r < upd->ndim; r++) {
        if (tl_shlo_has(d->window, d->n_window, r)) {
            while (tl_shlo_has(d->inserted, d->n_inserted, i)) i++;
            d->in_dim_of_window[w++] = i;
            if (upd->dims[r] > in->dims[i])
                return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "an update window is larger than the input");
            i++;
        } else {
            if (upd->dims[r] != idx->dims[b < d->ivd ? b : b + 1])
                return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "updates' scatter dims differ from the indices'");
            b++;
        }
    }
    if (sub < 0 || sub >= it->n_subgraphs)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "update_computation_subgraph_index is not a subgraph of the model");
    if (it->subgraphs[sub].n_nodes == 0) {
        d->fn = UPDATE;
    } else if (it->subgraphs[sub].n_nodes != 1 || (d->fn = computation(it->subgraphs[sub].nodes[0].builtin)) < 0) {
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED,
                       "the update computation must be empty or one STABLEHLO_ADD, _MULTIPLY, _MAXIMUM or _MINIMUM");
    }
    d->upd_rank = upd->ndim;
    d->in_rank = in->ndim;
    for (s = 1, r = idx->ndim - 1; r >= 0; r--) {
        d->idx_stride[r] = s;
        s *= idx->dims[r];
    }
    for (s = 1, r = in->ndim - 1; r >= 0; r--) {
        d->in_stride[r] = s;
        d->in_dims[r] = in->dims[r];
        s *= in->dims[r];
    }
    for (r = 0; r < upd->ndim; r++) d->upd_dims[r] = upd->dims[r];
    d->numel = tl_tensor_numel(in) ? tl_tensor_numel(upd) : 0;
    d->bytes = in->bytes;
    d->wide = idx->type == TL_TYPE_INT64;
    switch (in->type) {
    case TL_TYPE_FLOAT32: node->eval = tl_stablehlo_scatter_eval_f32; return TL_STATUS_OK;
    case TL_TYPE_INT8: node->eval = tl_stablehlo_scatter_eval_s8; return TL_STATUS_OK;
    case TL_TYPE_UINT8: node->eval = tl_stablehlo_scatter_eval_u8; return TL_STATUS_OK;
    case TL_TYPE_INT16: node->eval = tl_stablehlo_scatter_eval_s16; return TL_STATUS_OK;
    case TL_TYPE_INT32: node->eval = tl_stablehlo_scatter_eval_s32; return TL_STATUS_OK;
    case TL_TYPE_INT64: node->eval = tl_stablehlo_scatter_eval_s64; return TL_STATUS_OK;
    case TL_TYPE_BOOL: node->eval = tl_stablehlo_scatter_eval_b; return TL_STATUS_OK;
    default: return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "input must be float32, int8, uint8, int16, int32, int64 or bool");
    }
}
