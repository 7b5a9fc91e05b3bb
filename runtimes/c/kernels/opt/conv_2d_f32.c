/* CONV_2D float32 as a GEMM (the optimized tier; kernels/conv_2d.c is the definition):
 *
 *     out[pixel][oc] = act(sum_k patch[pixel][k] * filter[oc][k] + bias[oc]),  k = (ky, kx, ic)
 *
 * The filter is packed once at prepare (gemm_f32.h). A 1x1 convolution with stride 1 and no
 * padding is one GEMM straight on the input (each pixel's channels are already a row). Where the CPU has
 * a GEMM reading A in runs (tl_gemm_f32_seg_fn), the output pixels of a row whose window lies inside the
 * input (dilation 1 across) are one such GEMM on the input in place: each window row is kw * in_c
 * consecutive floats, and neighbouring pixels' windows start stride * in_c apart. The other pixels
 * (borders; every pixel without such a GEMM) gather their patches into a scratch buffer first
 * ("im2col"), with zeros where the window hangs over the border. Both give each output the same bits.
 * Not taken: grouped convolutions. A DEPTHWISE_CONV_2D over one
 * input channel is such a convolution, its filter [1, kh, kw, m] read as W[k][oc] (depthwise_conv_2d_f32.c). */
#include "opt_kernels.h"

#include "gemm_f32.h"
#include "im2col.h"

#define BLOCK 48 /* output pixels gathered at a time: a multiple of every micro-kernel's rows */

typedef struct {
    const tl_conv_data *conv;
    float *packed;
    tl_gemm_f32_fn gemm;
    tl_gemm_f32_seg_fn seg; /* NULL: im2col for every pixel */
    int32_t in_lo, in_hi;   /* the output columns whose window lies inside the input's width */
    int32_t k;
    int direct;        /* 1x1, stride 1, no padding: the input is the GEMM's A */
    tl_scratch *cols;  /* im2col blocks: BLOCK x k floats per thread */
} conv_f32_opt;

static tl_status eval_f32(tl_interpreter *it, tl_node *node);

tl_status tl_conv_2d_opt_f32_prepare(tl_interpreter *it, tl_node *node) { return tl_conv_2d_opt_f32_gemm(it, node, 0); }

tl_status tl_conv_2d_opt_f32_gemm(tl_interpreter *it, tl_node *node, int depthwise) {
    const tl_conv_data *d = node->op_data;
    const tl_window *w = &d->win;
    const tl_tensor *filter = tl_node_input(it, node, 1);
    conv_f32_opt *o;
    if (it->no_weight_packing) return TL_STATUS_OK; /* tl_interpreter_set_pack_weights(it, 0): the reference runs */
    if (d->filter_c != d->in_c || (depthwise && d->in_c != 1) || !filter->is_constant)
        return TL_STATUS_OK; /* grouped, or computed weights */
    o = tl_alloc_persistent(it, sizeof *o);
    if (!o) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "optimized CONV_2D op data");
    o->conv = d;
    o->k = w->filter_h * w->filter_w * d->in_c;
    o->direct = w->filter_h == 1 && w->filter_w == 1 && w->stride_h == 1 && w->stride_w == 1 && w->pad_h == 0 &&
                w->pad_w == 0;
    /* on a 64-byte line: the GEMM loads a panel's 16 weights at a time */
    o->packed = tl_alloc_persistent_aligned(it, tl_gemm_f32_packed_bytes(d->out_c, o->k), 64);
    if (!o->packed) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "packed CONV_2D weights");
    /* W[oc][kk]: CONV_2D's filter [oc, kh, kw, ic]; a one-channel depthwise filter [1, kh, kw, oc] is W[kk][oc] */
    tl_gemm_f32_pack_strided(o->packed, filter->data, d->out_c, o->k, depthwise ? 1 : o->k, depthwise ? d->out_c : 1);
    o->gemm = tl_gemm_f32_select(it->cpu);
    o->seg = o->direct || w->dil_w != 1 ? NULL : tl_gemm_f32_seg_select(it->cpu);
    o->in_lo = (w->pad_w + w->stride_w - 1) / w->stride_w;
    o->in_hi = d->in_w - w->filter_w + w->pad_w < 0 ? 0 : (d->in_w - w->filter_w + w->pad_w) / w->stride_w + 1;
    if (o->in_hi > w->out_w) o->in_hi = w->out_w;
    if (!o->direct) {
        o->cols = tl_request_scratch(it, node, sizeof(float) * (size_t)BLOCK * (size_t)o->k * (size_t)tl_threads(it));
        if (!o->cols) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "CONV_2D im2col scratch");
    }
    node->op_data = o;
    node->eval = eval_f32;
    return TL_STATUS_OK;
}

/* One thread's share: output pixels [first, last). */
typedef struct {
    const conv_f32_opt *o;
    const float *x, *bias;
    float *y, *cols;
    int64_t pixels, per_task;
} conv_f32_job;

/* Output pixels [first, last) through im2col blocks. */
static void gathered(const conv_f32_job *j, float *cols, int64_t first, int64_t last) {
    const conv_f32_opt *o = j->o;
    const tl_conv_data *d = o->conv;
    for (; first < last; first += BLOCK) {
        int32_t rows = (int32_t)(last - first < BLOCK ? last - first : BLOCK);
        tl_im2col(d, j->x, sizeof(float), 0, (int32_t)first, rows, cols);
        o->gemm(rows, d->out_c, o->k, cols, o->k, o->packed, j->bias, d->f_lo, d->f_hi, j->y + first * d->out_c,
                d->out_c);
    }
}

static void task_f32(void *ctx, int32_t t) {
    const conv_f32_job *j = ctx;
    const conv_f32_opt *o = j->o;
    const tl_conv_data *d = o->conv;
    const tl_window *w = &d->win;
    int64_t first = t * j->per_task, last = first + j->per_task < j->pixels ? first + j->per_task : j->pixels;
    float *cols = j->cols ? j->cols + (int64_t)t * BLOCK * o->k : NULL;
    if (o->direct) {
        o->gemm((int32_t)(last - first), d->out_c, o->k, j->x + first * d->in_c, d->in_c, o->packed, j->bias, d->f_lo,
                d->f_hi, j->y + first * d->out_c, d->out_c);
        return;
    }
    if (!o->seg) {
        gathered(j, cols, first, last);
        return;
    }
    while (first < last) { /* one output row (or the part of it in this task) at a time */
        const int64_t row = first / w->out_w, start = row * w->out_w;
        const int64_t end = start + w->out_w < last ? start + w->out_w : last;
        const int32_t b = (int32_t)(row / w->out_h), iy0 = (int32_t)(row % w->out_h) * w->stride_h - w->pad_h;
        int64_t lo = start + o->in_lo, hi = start + o->in_hi;
        if (iy0 < 0 || iy0 + (w->filter_h - 1) * w->dil_h >= d->in_h) lo = hi = end; /* window rows over the border */
        if (lo < first) lo = first;
        if (hi > end) hi = end;
        if (lo >= hi) {
            gathered(j, cols, first, end);
        } else {
            const int32_t ix0 = (int32_t)(lo - start) * w->stride_w - w->pad_w;
            gathered(j, cols, first, lo);
            o->seg((int32_t)(hi - lo), d->out_c, w->filter_h, w->filter_w * d->in_c, (int64_t)w->dil_h * d->in_w * d->in_c,
                   j->x + (((int64_t)b * d->in_h + iy0) * d->in_w + ix0) * d->in_c, w->stride_w * d->in_c, o->packed,
                   j->bias, d->f_lo, d->f_hi, j->y + lo * d->out_c, d->out_c);
            gathered(j, cols, hi, end);
        }
        first = end;
    }
}

static tl_status eval_f32(tl_interpreter *it, tl_node *node) {
    const conv_f32_opt *o = node->op_data;
    const tl_conv_data *d = o->conv;
    const tl_tensor *bt = tl_node_input(it, node, 2);
    conv_f32_job j;
    int32_t tasks;
    j.o = o;
    j.x = tl_node_input(it, node, 0)->data;
    j.bias = bt ? bt->data : NULL;
    j.y = tl_node_output(it, node, 0)->data;
    j.cols = o->cols ? o->cols->data : NULL;
    j.pixels = (int64_t)d->batches * d->win.out_h * d->win.out_w;
    j.per_task = tl_split(j.pixels, tl_threads(it), BLOCK, &tasks);
    tl_parallel(it, tasks, task_f32, &j);
    return TL_STATUS_OK;
}
