/* CONV_2D int8 (per-channel int8 weights, int32 bias) as a GEMM with exact requantization (the
 * optimized tier; kernels/conv_2d.c is the definition). The reference sums (x + in_offset) * w over
 * the taps inside the input; here the GEMM sums x * w and the bias absorbs in_offset * sum(w), with
 * taps over the border filled with the input's zero point, whose (x + in_offset) is 0: the same
 * int32 sums, so the same outputs. Taken when those sums cannot overflow int32 (the reference
 * saturates there); not taken: grouped convolutions. A DEPTHWISE_CONV_2D over one input channel is
 * such a convolution with its filter [1, kh, kw, m] read as W[k][oc] (depthwise_conv_2d_s8.c hands it here). */
#include "opt_kernels.h"

#include "../../ports/cortex-m/dsp/dsp_kernels.h"
#include "gemm_s8.h"
#include "im2col.h"

#define BLOCK 48 /* output pixels gathered at a time */

typedef struct {
    const tl_conv_data *conv;
    tl_gemm_s8_params params;
    tl_gemm_s8_fn gemm;
    int32_t k;
    int direct;
    uint8_t pad;            /* the input zero point's byte */
    tl_scratch *cols, *a16; /* per thread: im2col block (BLOCK x k int8), the GEMM's widened rows */
} conv_s8_opt;

static tl_status eval_s8(tl_interpreter *it, tl_node *node);

tl_status tl_conv_2d_opt_s8_prepare(tl_interpreter *it, tl_node *node) {
#if defined(TL_ARM_DSP)
    return tl_conv_2d_dsp_s8_prepare(it, node); /* Cortex-M with the DSP extension: SMLAD, the filter read in place */
#else
    return tl_conv_2d_opt_s8_gemm(it, node, 0);
#endif
}

tl_status tl_conv_2d_opt_s8_gemm(tl_interpreter *it, tl_node *node, int depthwise) {
    const tl_conv_data *d = node->op_data;
    const tl_window *w = &d->win;
    const tl_tensor *filter = tl_node_input(it, node, 1), *bt = tl_node_input(it, node, 2);
    const int8_t *f = filter->data;
    const int32_t *bias = bt ? bt->data : NULL;
    int32_t k = w->filter_h * w->filter_w * d->in_c, ch = tl_gemm_s8_channels(d->out_c), oc, kk;
    int64_t sn = depthwise ? 1 : k, sk = depthwise ? d->out_c : 1; /* W[oc][kk] is f[oc * sn + kk * sk] */
    int32_t *b_eff, *mult, *shift;
    int64_t acc_max = 0; /* the largest |sum + bias| */
    conv_s8_opt *o;
    if (it->no_weight_packing) return TL_STATUS_OK; /* tl_interpreter_set_pack_weights(it, 0): the reference runs */
    if (d->filter_c != d->in_c || (depthwise && d->in_c != 1) || !filter->is_constant || (bt && !bt->is_constant))
        return TL_STATUS_OK;
    for (oc = 0; oc < d->out_c; oc++) { /* the reference's sums must stay inside int32 */
        int64_t most = (int64_t)k * 255 * 128 + (bias ? (bias[oc] < 0 ? -(int64_t)bias[oc] : bias[oc]) : 0);
        if (most > INT32_MAX) return TL_STATUS_OK;
        if (most > acc_max) acc_max = most;
    }
    o = tl_alloc_persistent(it, sizeof *o);
    b_eff = tl_alloc_persistent(it, sizeof(int32_t) * (size_t)ch);
    mult = tl_alloc_persistent(it, sizeof(int32_t) * (size_t)ch);
    shift = tl_alloc_persistent(it, sizeof(int32_t) * (size_t)ch);
    if (!o || !b_eff || !mult || !shift) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "optimized CONV_2D op data");
    for (oc = 0; oc < d->out_c; oc++) {
        int32_t sum = 0;
        for (kk = 0; kk < k; kk++) sum += f[oc * sn + kk * sk];
        /* the GEMM's own offset to A (tl_gemm_s8_a_offset) taken back too; inside int32 by the check above */
        b_eff[oc] = (bias ? bias[oc] : 0) + (d->in_offset - tl_gemm_s8_a_offset(it->cpu)) * sum;
        mult[oc] = d->mult[oc];
        shift[oc] = tl_conv_shift(d)[oc];
    }
    o->params.packed = tl_alloc_persistent_aligned(it, tl_gemm_s8_packed_bytes(d->out_c, k), 16);
    if (!o->params.packed) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "packed CONV_2D weights");
    tl_gemm_s8_pack_for_strided(it->cpu, (int16_t *)o->params.packed, f, d->out_c, k, sn, sk);
    o->params.bias = b_eff;
    o->params.mult = mult;
    o->params.shift = shift;
    o->params.out_offset = d->out_offset;
    o->params.q_lo = d->q_lo;
    o->params.q_hi = d->q_hi;
    if (tl_gemm_s8_reads_rq(it->cpu)) { /* the requantization with one rounding (gemm_s8.h) */
        tl_gemm_s8_rq *rq = tl_alloc_persistent(it, tl_gemm_s8_rq_bytes(d->out_c));
        if (!rq) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "CONV_2D requantization table");
        tl_gemm_s8_rq_build(rq, d->out_c, mult, shift, d->out_offset, acc_max);
        o->params.rq = rq;
    }
    o->conv = d;
    o->k = k;
    o->gemm = tl_gemm_s8_select(it->cpu);
    o->pad = (uint8_t)(int8_t)(-d->in_offset);
    o->direct = w->filter_h == 1 && w->filter_w == 1 && w->stride_h == 1 && w->stride_w == 1 && w->pad_h == 0 &&
                w->pad_w == 0;
    o->a16 = tl_request_scratch(it, node, tl_gemm_s8_scratch_bytes(k) * (size_t)tl_threads(it));
    o->cols = o->direct ? NULL : tl_request_scratch(it, node, (size_t)BLOCK * (size_t)k * (size_t)tl_threads(it));
    if (!o->a16 || (!o->direct && !o->cols)) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "CONV_2D scratch");
    node->op_data = o;
    node->eval = eval_s8;
    return TL_STATUS_OK;
}

/* One thread's share: output pixels [first, last), with its own slices of the scratch. */
typedef struct {
    const conv_s8_opt *o;
    const int8_t *x;
    int8_t *y, *cols;
    int16_t *a16;
    int64_t pixels, per_task;
} conv_s8_job;

static void task_s8(void *ctx, int32_t t) {
    const conv_s8_job *j = ctx;
    const conv_s8_opt *o = j->o;
    const tl_conv_data *d = o->conv;
    int64_t first = t * j->per_task, last = first + j->per_task < j->pixels ? first + j->per_task : j->pixels;
    int16_t *a16 = (int16_t *)((uint8_t *)j->a16 + (size_t)t * tl_gemm_s8_scratch_bytes(o->k));
    int8_t *cols = j->cols ? j->cols + (int64_t)t * BLOCK * o->k : NULL;
    if (o->direct) {
        o->gemm((int32_t)(last - first), d->out_c, o->k, j->x + first * d->in_c, d->in_c, &o->params,
                j->y + first * d->out_c, d->out_c, a16);
        return;
    }
    for (; first < last; first += BLOCK) {
        int32_t rows = (int32_t)(last - first < BLOCK ? last - first : BLOCK);
        tl_im2col(d, j->x, 1, o->pad, (int32_t)first, rows, cols);
        o->gemm(rows, d->out_c, o->k, cols, o->k, &o->params, j->y + first * d->out_c, d->out_c, a16);
    }
}

static tl_status eval_s8(tl_interpreter *it, tl_node *node) {
    const conv_s8_opt *o = node->op_data;
    const tl_conv_data *d = o->conv;
    conv_s8_job j;
    int32_t tasks;
    j.o = o;
    j.x = tl_node_input(it, node, 0)->data;
    j.y = tl_node_output(it, node, 0)->data;
    j.cols = o->cols ? o->cols->data : NULL;
    j.a16 = o->a16->data;
    j.pixels = (int64_t)d->batches * d->win.out_h * d->win.out_w;
    j.per_task = tl_split(j.pixels, tl_threads(it), BLOCK, &tasks);
    tl_parallel(it, tasks, task_s8, &j);
    return TL_STATUS_OK;
}
