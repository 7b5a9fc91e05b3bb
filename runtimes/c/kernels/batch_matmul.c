/* BATCH_MATMUL: out[..., m, n] = sum_k lhs[..., m, k] * rhs[..., k, n], float32, with adj_x /
 * adj_y taking lhs as [..., k, m] / rhs as [..., n, k]; the batch dims (all but the last two)
 * broadcast NumPy's way (up to 6-D in all). Sums in float in k order, as LiteRT's reference. */
#include "../src/kernel_api.h"

enum { OPT_ADJ_X = 0, OPT_ADJ_Y = 1 };

typedef struct {
    int32_t nb; /* batch dims of the output */
    int32_t batch_dims[TL_MAX_DIMS], lhs_bstride[TL_MAX_DIMS], rhs_bstride[TL_MAX_DIMS];
    int64_t batches;
    int32_t m, n, k;
    int32_t lhs_m, lhs_k, rhs_k, rhs_n; /* element strides of m / k in lhs and k / n in rhs */
} bmm_data;

static tl_status tl_batch_matmul_eval_f32(tl_interpreter *it, tl_node *node) {
    const bmm_data *d = node->op_data;
    const float *lhs = tl_node_input(it, node, 0)->data, *rhs = tl_node_input(it, node, 1)->data;
    float *y = tl_node_output(it, node, 0)->data;
    int64_t b;
    int32_t i, j, k;
    for (b = 0; b < d->batches; b++) {
        int64_t rest = b, lo = 0, ro = 0;
        int32_t q;
        for (q = d->nb - 1; q >= 0; q--) {
            int64_t c = rest % d->batch_dims[q];
            rest /= d->batch_dims[q];
            lo += c * d->lhs_bstride[q];
            ro += c * d->rhs_bstride[q];
        }
        for (i = 0; i < d->m; i++)
            for (j = 0; j < d->n; j++) {
                float acc = 0.0f;
                for (k = 0; k < d->k; k++)
                    acc += lhs[lo + (int64_t)i * d->lhs_m + (int64_t)k * d->lhs_k] *
                           rhs[ro + (int64_t)k * d->rhs_k + (int64_t)j * d->rhs_n];
                *y++ = acc;
            }
    }
    return TL_STATUS_OK;
}

tl_status tl_batch_matmul_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *l = tl_node_input(it, node, 0), *r = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    bmm_data *d;
    uint8_t adj_x, adj_y;
    int32_t q, lb, rb;
    int64_t ls, rs;
    if (!l || !r || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs lhs, rhs and output");
    if (l->type != TL_TYPE_FLOAT32 || r->type != TL_TYPE_FLOAT32 || out->type != TL_TYPE_FLOAT32)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "BATCH_MATMUL supports float32 only");
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
    node->eval = tl_batch_matmul_eval_f32;
    return TL_STATUS_OK;
}
