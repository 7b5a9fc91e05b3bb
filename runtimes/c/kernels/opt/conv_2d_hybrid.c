/* Hybrid CONV_2D (float32 input and output, int8 filter, float32 bias) through the int8 GEMM (the
 * optimized tier; kernels/conv_2d.c is the definition). The input is quantized per batch by the
 * reference's own function (common/hybrid.h: symmetric with one filter scale, asymmetric per
 * channel); im2col fills taps over the border with the batch's zero point, so q - zp is 0 there as
 * the reference's skipped taps are; the GEMM's raw kernels sum q * w (the bias array taking back
 * the GEMM's own A offset), and hybrid_s8.h's rows subtract zp * sum(w) and apply the reference's
 * float operations in its order: bit-identical outputs. Not taken: grouped convolutions, a filter
 * that is not constant, CPUs without an x86 SIMD tier (the portable GEMM is no faster there).
 * Threads take blocks of output pixels within a batch. */
#include "../common/hybrid.h"
#include "gemm_s8.h"
#include "hybrid_s8.h"
#include "im2col.h"
#include "opt_kernels.h"

#define BLOCK 48 /* output pixels gathered at a time */

typedef struct {
    const tl_conv_hybrid_data *hy;
    tl_gemm_s8_params params; /* packed filter; bias: -(the GEMM's A offset) * sum(w) */
    tl_gemm_s8_raw_fn gemm;
    tl_hybrid_row_fn row;
    const int32_t *colsum;
    int32_t k, direct;
    tl_scratch *cols, *a16, *sums; /* per thread: im2col block, the GEMM's A scratch, BLOCK x out_c int32 */
} conv_hybrid_opt;

typedef struct {
    const conv_hybrid_opt *o;
    tl_hybrid_rows rows;
    const float *bias;
    float *y;
    int8_t *cols;
    int16_t *a16;
    int32_t *sums;
    int64_t pixels, per_task;
} conv_hybrid_job;

static void task_hybrid(void *ctx, int32_t t) {
    const conv_hybrid_job *j = ctx;
    const conv_hybrid_opt *o = j->o;
    const tl_conv_hybrid_data *h = o->hy;
    const tl_conv_data *d = &h->conv;
    int64_t first = t * j->per_task, last = first + j->per_task < j->pixels ? first + j->per_task : j->pixels;
    int64_t per_image = (int64_t)d->win.out_h * d->win.out_w;
    int16_t *a16 = (int16_t *)((uint8_t *)j->a16 + (size_t)t * tl_gemm_s8_scratch_bytes(o->k));
    int8_t *cols = j->cols ? j->cols + (int64_t)t * BLOCK * o->k : NULL;
    int32_t *sums = j->sums + (int64_t)t * BLOCK * d->out_c, r;
    tl_hybrid_out out;
    out.colsum = o->colsum;
    out.w_scale = h->w_scale;
    out.bias = j->bias;
    out.lo = d->f_lo;
    out.hi = d->f_hi;
    out.kind = h->per_channel ? TL_HYBRID_CONV_PER_CHANNEL : TL_HYBRID_CONV;
    while (first < last) {
        int32_t b = (int32_t)(first / per_image), zp = j->rows.zero_point[b];
        int64_t end = (b + 1) * per_image < last ? (b + 1) * per_image : last; /* blocks stay inside a batch */
        int32_t rows = (int32_t)(end - first < BLOCK ? end - first : BLOCK);
        /* the reference folds the filter's one scale into the row scale, in float */
        float scale = h->per_channel ? j->rows.scale[b] : j->rows.scale[b] * h->w_scale[0];
        if (o->direct) {
            o->gemm(rows, d->out_c, o->k, j->rows.q + first * d->in_c, d->in_c, &o->params, sums, d->out_c, a16);
        } else {
            tl_im2col(d, j->rows.q, 1, (uint8_t)(int8_t)zp, (int32_t)first, rows, cols);
            o->gemm(rows, d->out_c, o->k, cols, o->k, &o->params, sums, d->out_c, a16);
        }
        for (r = 0; r < rows; r++)
            o->row(sums + (int64_t)r * d->out_c, d->out_c, &out, scale, zp, j->y + (first + r) * d->out_c);
        first += rows;
    }
}

static tl_status eval_hybrid(tl_interpreter *it, tl_node *node) {
    const conv_hybrid_opt *o = node->op_data;
    const tl_conv_hybrid_data *h = o->hy;
    const tl_conv_data *d = &h->conv;
    const tl_tensor *bt = tl_node_input(it, node, 2);
    conv_hybrid_job j;
    int32_t tasks;
    j.o = o;
    j.rows = tl_hybrid_quantize_rows(h->scratch, tl_node_input(it, node, 0)->data, d->batches,
                                     (int64_t)d->in_h * d->in_w * d->in_c, h->per_channel);
    j.bias = bt ? bt->data : NULL;
    j.y = tl_node_output(it, node, 0)->data;
    j.cols = o->cols ? o->cols->data : NULL;
    j.a16 = o->a16->data;
    j.sums = o->sums->data;
    j.pixels = (int64_t)d->batches * d->win.out_h * d->win.out_w;
    j.per_task = tl_split(j.pixels, tl_threads(it), BLOCK, &tasks);
    tl_parallel(it, tasks, task_hybrid, &j);
    return TL_STATUS_OK;
}

tl_status tl_conv_2d_opt_hybrid_prepare(tl_interpreter *it, tl_node *node) {
    const tl_conv_hybrid_data *h = node->op_data;
    const tl_conv_data *d = &h->conv;
    const tl_window *w = &d->win;
    const tl_tensor *filter = tl_node_input(it, node, 1);
    const int8_t *f = filter->data;
    tl_gemm_s8_raw_fn gemm = tl_gemm_s8_select_raw(it->cpu);
    int32_t k = w->filter_h * w->filter_w * d->in_c, ch = tl_gemm_s8_channels(d->out_c), oc, kk;
    int32_t a_offset = tl_gemm_s8_a_offset(it->cpu), *colsum, *bias;
    conv_hybrid_opt *o;
    if (it->no_weight_packing || !gemm || gemm == tl_gemm_s8_raw_portable) return TL_STATUS_OK; /* the reference runs */
    if (d->filter_c != d->in_c || !filter->is_constant) return TL_STATUS_OK;
    o = tl_alloc_persistent(it, sizeof *o);
    colsum = tl_alloc_persistent(it, sizeof(int32_t) * (size_t)ch);
    bias = tl_alloc_persistent(it, sizeof(int32_t) * (size_t)ch);
    if (!o || !colsum || !bias) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "optimized CONV_2D op data");
    for (oc = 0; oc < d->out_c; oc++) { /* prepare bounds k * 255 * 128: no overflow here or in the GEMM */
        int32_t sum = 0;
        for (kk = 0; kk < k; kk++) sum += f[(int64_t)oc * k + kk];
        colsum[oc] = sum;
        bias[oc] = -a_offset * sum;
    }
    o->params.packed = tl_alloc_persistent_aligned(it, tl_gemm_s8_packed_bytes(d->out_c, k), 16);
    if (!o->params.packed) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "packed CONV_2D weights");
    tl_gemm_s8_pack_for(it->cpu, (int16_t *)o->params.packed, f, d->out_c, k);
    o->params.bias = bias;
    o->hy = h;
    o->colsum = colsum;
    o->k = k;
    o->gemm = gemm;
    o->row = tl_hybrid_row_select(it->cpu);
    o->direct = w->filter_h == 1 && w->filter_w == 1 && w->stride_h == 1 && w->stride_w == 1 && w->pad_h == 0 &&
                w->pad_w == 0;
    o->a16 = tl_request_scratch(it, node, tl_gemm_s8_scratch_bytes(k) * (size_t)tl_threads(it));
    o->sums = tl_request_scratch(it, node, sizeof(int32_t) * BLOCK * (size_t)d->out_c * (size_t)tl_threads(it));
    o->cols = o->direct ? NULL : tl_request_scratch(it, node, (size_t)BLOCK * (size_t)k * (size_t)tl_threads(it));
    if (!o->a16 || !o->sums || (!o->direct && !o->cols)) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "CONV_2D scratch");
    node->op_data = o;
    node->eval = eval_hybrid;
    return TL_STATUS_OK;
}
