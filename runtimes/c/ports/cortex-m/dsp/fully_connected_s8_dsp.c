/* FULLY_CONNECTED int8 on the DSP extension (see dsp_kernels.h; kernels/fully_connected.c is the
 * definition). Two units at a time: each four input values are extended once to the pairs
 * (x0, x2), (x1, x3) with the input offset added (SXTAB16), each unit's four weights (read in
 * place) likewise with the weight offset (so a weight zero point costs nothing), and multiplied in
 * with two SMLADs per unit: 13 instructions for 8 products, no scratch. The sums are the
 * reference's int32 sums exactly (prepare bounds depth * 255 * 255), requantized as the reference
 * does: in double, rounded half away from zero. */
#include "dsp_kernels.h"

#if defined(TL_ARM_DSP)
#include <math.h>

#include "dsp_math.h"

typedef struct {
    tl_fc_s8_params p;
} fc_dsp;

tl_status tl_fully_connected_dsp_eval_s8(tl_interpreter *it, tl_node *node);

static int8_t finish(const tl_fc_s8_params *p, int32_t acc, int32_t bias, int32_t unit) {
    double r = round((double)tl_add_sat(acc, bias) * (p->scales ? p->scales[unit] : p->scale)) + p->out_offset;
    r = r < p->q_lo ? p->q_lo : r > p->q_hi ? p->q_hi : r;
    return (int8_t)r;
}

tl_status tl_fully_connected_dsp_eval_s8(tl_interpreter *it, tl_node *node) {
    const fc_dsp *o = node->op_data;
    const tl_fc_s8_params *p = &o->p;
    const int8_t *x = tl_node_input(it, node, 0)->data, *w = tl_node_input(it, node, 1)->data;
    const tl_tensor *bt = tl_node_input(it, node, 2);
    const int32_t *bias = bt ? bt->data : NULL;
    int8_t *y = tl_node_output(it, node, 0)->data;
    const int32_t depth = p->depth, dq = depth & ~3;
    const uint32_t in2 = tl_dsp_pair(p->in_offset), w2 = tl_dsp_pair(p->w_offset);
    int32_t b, u, i;
    for (b = 0; b < p->batches; b++) {
        const int8_t *xb = x + (int64_t)b * depth;
        int8_t *yb = y + (int64_t)b * p->units;
        for (u = 0; u + 2 <= p->units; u += 2) {
            const int8_t *w0 = w + (int64_t)u * depth, *w1 = w0 + depth;
            int32_t s0 = 0, s1 = 0;
            for (i = 0; i < dq; i += 4) {
                uint32_t xv = tl_dsp_load32(xb + i), v0 = tl_dsp_load32(w0 + i), v1 = tl_dsp_load32(w1 + i);
                int32_t xe = tl_dsp_even(in2, xv), xo = tl_dsp_odd(in2, xv);
                s0 = __smlad(xe, tl_dsp_even(w2, v0), s0);
                s0 = __smlad(xo, tl_dsp_odd(w2, v0), s0);
                s1 = __smlad(xe, tl_dsp_even(w2, v1), s1);
                s1 = __smlad(xo, tl_dsp_odd(w2, v1), s1);
            }
            for (; i < depth; i++) {
                s0 += (xb[i] + p->in_offset) * (w0[i] + p->w_offset);
                s1 += (xb[i] + p->in_offset) * (w1[i] + p->w_offset);
            }
            yb[u] = finish(p, s0, bias ? bias[u] : 0, u);
            yb[u + 1] = finish(p, s1, bias ? bias[u + 1] : 0, u + 1);
        }
        if (u < p->units) {
            const int8_t *w0 = w + (int64_t)u * depth;
            int32_t s0 = 0;
            for (i = 0; i < dq; i += 4) {
                uint32_t xv = tl_dsp_load32(xb + i), v0 = tl_dsp_load32(w0 + i);
                s0 = __smlad(tl_dsp_even(in2, xv), tl_dsp_even(w2, v0), s0);
                s0 = __smlad(tl_dsp_odd(in2, xv), tl_dsp_odd(w2, v0), s0);
            }
            for (; i < depth; i++) s0 += (xb[i] + p->in_offset) * (w0[i] + p->w_offset);
            yb[u] = finish(p, s0, bias ? bias[u] : 0, u);
        }
    }
    return TL_STATUS_OK;
}

tl_status tl_fully_connected_dsp_s8_prepare(tl_interpreter *it, tl_node *node, const tl_fc_s8_params *params) {
    fc_dsp *o = tl_alloc_persistent(it, sizeof *o);
    if (!o) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "DSP FULLY_CONNECTED op data");
    o->p = *params;
    node->op_data = o;
    node->eval = tl_fully_connected_dsp_eval_s8;
    return TL_STATUS_OK;
}

#else
typedef int tl_fully_connected_dsp_unused; /* ISO C: a translation unit holds at least one declaration */
#endif
