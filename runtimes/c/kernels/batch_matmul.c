/* BATCH_MATMUL: out[..., m, n] = sum_k lhs[..., m, k] * rhs[..., k, n], with adj_x / adj_y taking
 * lhs as [..., k, m] / rhs as [..., n, k]; the batch dims (all but the last two) broadcast NumPy's
 * way (up to 6-D in all). float32 sums in float in k order, as LiteRT's reference. int8 as LiteRT's
 * reference: int32 sums of (lhs - zp_l) * (rhs - zp_r), requantized by s_l * s_r / s_out with the
 * 32-bit multiplier + shift, plus zp_out, clamped; int16 (zero points 0): int64 sums and the 64-bit
 * requantization. */
#include "../src/kernel_api.h"
#include "common/quant_math.h"

enum { OPT_ADJ_X = 0, OPT_ADJ_Y = 1 };

typedef struct {
    int32_t nb; /* batch dims of the output */
    int32_t batch_dims[TL_MAX_DIMS], lhs_bstride[TL_MAX_DIMS], rhs_bstride[TL_MAX_DIMS];
    int64_t batches;
    int32_t m, n, k;
    int32_t lhs_m, lhs_k, rhs_k, rhs_n; /* element strides of m / k in lhs and k / n in rhs */
    int32_t lhs_offset, rhs_offset, out_offset, mult, shift; /* quantized */
} bmm_data;

/* The loop of every type: ACC_T acc summed over k from `(lhs + LHS_OFF) * (rhs + RHS_OFF)`, then
 * *y++ = FINISH (of acc). */
#define BMM_EVAL(NAME, T, OUT_T, ACC_T, LHS_OFF, RHS_OFF, FINISH)                                     \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {                                        \
        const bmm_data *d = node->op_data;                                                           \
        const T *lhs = tl_node_input(it, node, 0)->data, *rhs = tl_node_input(it, node, 1)->data;     \
        OUT_T *y = tl_node_output(it, node, 0)->data;                                                 \
        int64_t b;                                                                                    \
        int32_t i, j, k;                                                                              \
        for (b = 0; b < d->batches; b++) {                                                            \
            int64_t rest = b, lo = 0, ro = 0;                                                         \
            int32_t q;                                                                                \
            for (q = d->nb - 1; q >= 0; q--) {                                                        \
                int64_t c = rest % d->batch_dims[q];                                                  \
                rest /= d->batch_dims[q];                                                             \
                lo += c * d->lhs_bstride[q];                                                          \
                ro += c * d->rhs_bstride[q];                                                          \
            }                                                                                         \
            for (i = 0; i < d->m; i++)                                                                \
                for (j = 0; j < d->n; j++) {                                                          \
                    ACC_T acc = 0;                                                                    \
                    for (k = 0; k < d->k; k++)                                                        \
                        acc += (lhs[lo + (int64_t)i * d->lhs_m + (int64_t)k * d->lhs_k] + (LHS_OFF)) * \
                               (ACC_T)(rhs[ro + (int64_t)k * d->rhs_k + (int64_t)j * d->rhs_n] + (RHS_OFF)); \
                    *y++ = (FINISH);                                                                  \
                }                                                                                     \
        }                                                                                             \
        return TL_STATUS_OK;                                                                          \
    }

BMM_EVAL(tl_batch_matmul_eval_f32, float, float, float, 0.0f, 0.0f, acc)
BMM_EVAL(tl_batch_matmul_eval_s8, int8_t, int8_t, int32_t, d->lhs_offset, d->rhs_offset,
         (int8_t)tl_clamp_i32(tl_add_sat(tl_multiply_by_quantized_multiplier(acc, d->mult, d->shift), d->out_offset),
                              INT8_MIN, INT8_MAX))
BMM_EVAL(tl_batch_matmul_eval_s16, int16_t, int16_t, int64_t, 0, 0,
         (int16_t)tl_clamp_i32(tl_multiply_by_quantized_multiplier_64(acc, d->mult, d->shift), INT16_MIN, INT16_MAX))

/* int8 / int16: usable parameters, int16 zero points 0, sums that fit their accumulator, the multiplier. */
static tl_status prepare_quantized(tl_interpreter *it, tl_node *node, const tl_tensor *l, const tl_tensor *r,
                                   const tl_tensor *out, bmm_data *d) {
    tl_status st;
    if ((st = tl_check_quantized(it, node, l)) != TL_STATUS_OK || (st = tl_check_quantized(it, node, r)) != TL_STATUS_OK ||
        (st = tl_check_quantized(it, node, out)) != TL_STATUS_OK)
        return st;
    if (tl_tensor_quant_count(it, l) > 1 || tl_tensor_quant_count(it, r) > 1 || tl_tensor_quant_count(it, out) > 1)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "per-channel quantization");
    if (l->type == TL_TYPE_INT16 && (l->zero_point || r->zero_point || out->zero_point))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "int16 zero points must be 0");
    if (l->type == TL_TYPE_INT8 && (int64_t)d->k * 255 * 255 > INT32_MAX)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "depth too large for int32 accumulation");
    st = tl_quantize_multiplier_checked(it, node, (double)l->scale * (double)r->scale / (double)out->scale, &d->mult, &d->shift);
    if (st != TL_STATUS_OK) return st;
    if (l->type == TL_TYPE_INT16 && (d->shift < -31 || d->shift > 7))
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "int16 requantization shift out of range");
    d->lhs_offset = -l->zero_point;
    d->rhs_offset = -r->zero_point;
    d->out_offset = out->zero_point;
    return TL_STATUS_OK;
}

tl_status tl_batch_matmul_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *l = tl_node_input(it, node, 0), *r = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    bmm_data *d;
    uint8_t adj_x, adj_y;
    int32_t q, lb, rb;
    int64_t ls, rs;
    if (!l || !r || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs lhs, rhs and output");
    if (l->type != r->type || l->type != out->type ||
        (l->type != TL_TYPE_FLOAT32 && l->type != TL_TYPE_INT8 && l->type != TL_TYPE_INT16))
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "BATCH_MATMUL supports float32, int8 and int16");
    if (tl_fb_u8(&it->fb, node->options, OPT_ADJ_X, 0, &adj_x) != TL_STATUS_OK ||
        tl_fb_u8(&it->fb, node->options, OPT_ADJ_Y, 0, &adj_y) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (l->ndim < 2 || r->ndim < 2) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "inputs must have rank 2 or more");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    lb = l->ndim - 2;
    rb = r->ndim - 2;
    d->m = adj_x ? l->dims[lb + 1] : l->dims[lb];
    d->k = adj_x ? l->dims[lb] : l->dims[lb + 1];
    d->n = adj_y ? r->dims[rb] : r->dims[rb + 1];
    if ((adj_y ? r->dims[rb + 1] : r->dims[rb]) != d->k) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "inner dimensions differ");
    d->lhs_m = adj_x ? 1 : d->k;
    d->lhs_k = adj_x ? d->m : 1;
    d->rhs_k = adj_y ? 1 : d->n;
    d->rhs_n = adj_y ? d->k : 1;
    d->nb = out->ndim - 2;
    if (d->nb < 0 || d->nb < lb || d->nb < rb || out->dims[d->nb] != d->m || out->dims[d->nb + 1] != d->n)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output must be [batch..., m, n]");
    ls = (int64_t)d->m * d->k;
    rs = (int64_t)d->k * d->n;
    d->batches = 1;
    for (q = d->nb - 1; q >= 0; q--) {
        int32_t li = q - (d->nb - lb), ri = q - (d->nb - rb);
        int32_t ld = li >= 0 ? l->dims[li] : 1, rd = ri >= 0 ? r->dims[ri] : 1, od = out->dims[q];
        if ((ld != od && ld != 1) || (rd != od && rd != 1) || (od != ld && od != rd))
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "batch dimensions do not broadcast to the output's");
        d->batch_dims[q] = od;
        d->lhs_bstride[q] = ld == 1 ? 0 : (int32_t)ls;
        d->rhs_bstride[q] = rd == 1 ? 0 : (int32_t)rs;
        ls *= ld;
        rs *= rd;
        d->batches *= od;
    }
    if (l->type == TL_TYPE_FLOAT32) {
        node->eval = tl_batch_matmul_eval_f32;
        return TL_STATUS_OK;
    }
    node->eval = l->type == TL_TYPE_INT8 ? tl_batch_matmul_eval_s8 : tl_batch_matmul_eval_s16;
    return prepare_quantized(it, node, l, r, out, d);
}
