/* TOPK_V2: the k largest values of each row (the last dimension) and their positions, largest
 * first; equal values in the order of their positions (LiteRT's order: a before b when
 * x[b] < x[a], or neither is less and a < b). Values float32, int8, uint8, int16, int32 or int64
 * (quantized ones compared as stored, keeping their parameters); k an int32 or int16 scalar;
 * positions int32 or int16. Output shapes are the input's with the last dimension max(k, 0): a
 * constant k is checked against them in prepare, a runtime one at invoke (shapes are planned before
 * invoke). A float32 NaN ranks below every number (-inf included), NaNs by position, as in LiteRT 2.3.0
 * (checked against it: test_indexing_ops.py); -0 and 0 are equal. */
#include <string.h>

#include "../src/kernel_api.h"

typedef struct {
    int32_t rows, row_size, k, idx16, k16;
    tl_scratch *best; /* k int32 positions, kept in output order */
} topk_data;

static int32_t read_k(const tl_tensor *t, int k16) {
    if (k16) {
        int16_t v;
        memcpy(&v, t->data, sizeof v);
        return v;
    } else {
        int32_t v;
        memcpy(&v, t->data, sizeof v);
        return v;
    }
}

/* BELOW(p, q): a value p ranks below q. */
#define BELOW(p, q) ((p) < (q))
#define BELOW_F32(p, q) ((q) == (q) && ((p) != (p) || (p) < (q)))

/* Insertion of each position into the sorted list of the best k so far: O(row * k). */
#define TOPK_EVAL(NAME, T, BELOW_)                                                                     \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {                                         \
        const topk_data *d = node->op_data;                                                            \
        const T *x = tl_node_input(it, node, 0)->data;                                                 \
        T *vals = tl_node_output(it, node, 0)->data;                                                   \
        void *pos = tl_node_output(it, node, 1)->data;                                                 \
        int32_t *best = d->best ? d->best->data : NULL;                                                \
        int32_t r, c, n, j, kv = read_k(tl_node_input(it, node, 1), d->k16);                           \
        if (kv > d->row_size || (kv > 0 ? kv : 0) != d->k)                                             \
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH,                                         \
                           "k differs from the outputs' last dimension (shapes are planned before invoke)"); \
        for (r = 0; r < d->rows && d->k > 0; r++, x += d->row_size) {                                  \
            for (n = 0, c = 0; c < d->row_size; c++) {                                                 \
                /* j: where c goes; it comes after every kept b with x[b] not below x[c] */            \
                for (j = n; j > 0 && BELOW_(x[best[j - 1]], x[c]); j--) {}                             \
                if (j >= d->k) continue;                                                               \
                if (n < d->k) n++;                                                                     \
                memmove(best + j + 1, best + j, (size_t)(n - 1 - j) * sizeof *best);                   \
                best[j] = c;                                                                           \
            }                                                                                          \
            for (j = 0; j < d->k; j++) {                                                               \
                vals[(size_t)r * d->k + j] = x[best[j]];                                               \
                if (d->idx16) ((int16_t *)pos)[(size_t)r * d->k + j] = (int16_t)best[j];               \
                else ((int32_t *)pos)[(size_t)r * d->k + j] = best[j];                                 \
            }                                                                                          \
        }                                                                                              \
        return TL_STATUS_OK;                                                                           \
    }

TOPK_EVAL(tl_topk_v2_eval_f32, float, BELOW_F32)
TOPK_EVAL(tl_topk_v2_eval_s8, int8_t, BELOW)
TOPK_EVAL(tl_topk_v2_eval_u8, uint8_t, BELOW)
TOPK_EVAL(tl_topk_v2_eval_s16, int16_t, BELOW)
TOPK_EVAL(tl_topk_v2_eval_s32, int32_t, BELOW)
TOPK_EVAL(tl_topk_v2_eval_s64, int64_t, BELOW)

tl_status tl_topk_v2_prepare(tl_interpreter *it, tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0), *k = tl_node_input(it, node, 1);
    const tl_tensor *vals = tl_node_output(it, node, 0), *pos = tl_node_output(it, node, 1);
    topk_data *d;
    int32_t i, kout;
    if (tl_node_num_inputs(node) != 2 || tl_node_num_outputs(node) != 2 || !in || !k || !vals || !pos)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs input and k, values and positions");
    if (k->type != TL_TYPE_INT32 && k->type != TL_TYPE_INT16)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "k must be int32 or int16");
    if (tl_tensor_numel(k) != 1) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "k must hold one value");
    if (pos->type != TL_TYPE_INT32 && pos->type != TL_TYPE_INT16)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "positions must be int32 or int16");
    if (vals->type != in->type) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "values must have the input's type");
    if (in->ndim < 1) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input must have at least 1 dimension");
    if (vals->ndim != in->ndim || pos->ndim != in->ndim)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "outputs must have the input's rank");
    for (i = 0; i + 1 < in->ndim; i++)
        if (vals->dims[i] != in->dims[i] || pos->dims[i] != in->dims[i])
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "outputs must have the input's leading dimensions");
    kout = vals->dims[in->ndim - 1];
    if (pos->dims[in->ndim - 1] != kout) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "values and positions differ in shape");
    if (kout > in->dims[in->ndim - 1]) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "k is higher than the last dimension");
    if (pos->type == TL_TYPE_INT16 && in->dims[in->ndim - 1] > 32768)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "int16 positions for a last dimension above 32768");
    if (k->is_constant) {
        int32_t kv = read_k(k, k->type == TL_TYPE_INT16);
        if (kv > in->dims[in->ndim - 1]) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "k is higher than the last dimension");
        if ((kv > 0 ? kv : 0) != kout) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "outputs' last dimension differs from k");
    }
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->row_size = in->dims[in->ndim - 1];
    d->rows = d->row_size ? (int32_t)(tl_tensor_numel(in) / d->row_size) : 0;
    d->k = kout;
    d->idx16 = pos->type == TL_TYPE_INT16;
    d->k16 = k->type == TL_TYPE_INT16;
    if (kout > 0) {
        d->best = tl_request_scratch(it, node, (size_t)kout * sizeof(int32_t));
        if (!d->best) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "scratch");
    }
    switch (in->type) {
    case TL_TYPE_FLOAT32: node->eval = tl_topk_v2_eval_f32; return TL_STATUS_OK;
    case TL_TYPE_INT8: node->eval = tl_topk_v2_eval_s8; return TL_STATUS_OK;
    case TL_TYPE_UINT8: node->eval = tl_topk_v2_eval_u8; return TL_STATUS_OK;
    case TL_TYPE_INT16: node->eval = tl_topk_v2_eval_s16; return TL_STATUS_OK;
    case TL_TYPE_INT32: node->eval = tl_topk_v2_eval_s32; return TL_STATUS_OK;
    case TL_TYPE_INT64: node->eval = tl_topk_v2_eval_s64; return TL_STATUS_OK;
    default: return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "input must be float32, int8, uint8, int16, int32 or int64");
    }
}
