/* int8 CONV_2D with few output channels (id_model's 3x3 convolutions to 2 and 4 channels at 96x96) as
 * the int8 GEMM over groups of P neighbouring output pixels of one row: a GEMM row is the group's whole
 * input window (kh rows of span = (P - 1) * stride_w + (kw - 1) * dilation_w + 1 pixels, all channels),
 * and its P * out_c columns are the group's outputs, pixel after pixel, so they are NHWC's own order and
 * the GEMM stores them in place. The weights W'[(ky, j, c)][(p, oc)] hold w[oc][ky][kx][c] where
 * j = p * stride_w + kx * dilation_w, zero elsewhere: each column sums the same taps as the plain path
 * (taps over the border read the input zero point, whose (x + in_offset) is 0, and the bias absorbs
 * in_offset * sum(w)), so the int32 sums and the requantized outputs are the reference's. With 2 or 4
 * channels the plain GEMM fills 2 or 4 of each panel's 16 or 32 lanes and requantizes a panel per pixel;
 * here P * out_c fills them (P = 32 / out_c, 4 to 16) and the gather copies a span per window row.
 * A DEPTHWISE_CONV_2D over one input channel (person_detect's first layer, multiplier 8) is such a
 * convolution with its filter [1, kh, kw, m] read as W[kk][oc]. */
#include "conv_2d_s8_narrow.h"

#include <string.h>

#include "../common/conv.h"
#include "gemm_s8.h"
#include "opt_kernels.h"

#define BLOCK 16 /* pixel groups gathered at a time */

typedef struct {
    const tl_conv_data *conv;
    tl_gemm_s8_params params;
    tl_gemm_s8_fn gemm;
    int32_t p, span, k, n; /* pixels per group, input pixels a window row spans, GEMM depth and width */
    uint8_t pad;           /* the input zero point's byte */
    tl_scratch *cols, *a16;
} narrow_opt;

static tl_status eval_narrow(tl_interpreter *it, tl_node *node);

tl_status tl_conv_2d_opt_s8_narrow_prepare(tl_interpreter *it, tl_node *node, int depthwise) {
    const tl_conv_data *d = node->op_data;
    const tl_window *w = &d->win;
    const tl_tensor *filter = tl_node_input(it, node, 1), *bt = tl_node_input(it, node, 2);
    const int8_t *f = filter->data;
    const int32_t *bias = bt ? bt->data : NULL;
    int32_t taps = w->filter_h * w->filter_w * d->in_c, p, span, k, n, ch, oc, ky, j, c, q, kk;
    int64_t sn = depthwise ? 1 : taps, sk = depthwise ? d->out_c : 1; /* tap kk of channel oc: f[oc * sn + kk * sk] */
    int32_t *b_eff, *mult, *shift;
    int8_t *wide;
    narrow_opt *o;
    if (it->no_weight_packing || d->out_c > 8 || d->filter_c != d->in_c || (depthwise && d->in_c != 1) ||
        !filter->is_constant || (bt && !bt->is_constant) || w->filter_h * w->filter_w == 1)
        return TL_STATUS_OK;
    p = 32 / (d->out_c > 2 ? (d->out_c > 4 ? 8 : 4) : 2); /* 16, 8 or 4 pixels: 32 columns at most */
    while (p > 1 && w->out_w % p != 0) p /= 2;
    if (p < 4) return TL_STATUS_OK;
    span = (p - 1) * w->stride_w + (w->filter_w - 1) * w->dil_w + 1;
    k = w->filter_h * span * d->in_c;
    n = p * d->out_c;
    if (k > 1024) return TL_STATUS_OK;
    for (oc = 0; oc < d->out_c; oc++) /* the reference's sums must stay inside int32 (as conv_2d_s8.c) */
        if ((int64_t)taps * 255 * 128 + (bias ? (bias[oc] < 0 ? -(int64_t)bias[oc] : bias[oc]) : 0) > INT32_MAX)
            return TL_STATUS_OK;
    ch = tl_gemm_s8_channels(n);
    o = tl_alloc_persistent(it, sizeof *o);
    b_eff = tl_alloc_persistent(it, sizeof(int32_t) * (size_t)ch);
    mult = tl_alloc_persistent(it, sizeof(int32_t) * (size_t)ch);
    shift = tl_alloc_persistent(it, sizeof(int32_t) * (size_t)ch);
    wide = tl_alloc_persistent(it, (size_t)n * (size_t)k); /* W' row by row, zeroed */
    if (!o || !b_eff || !mult || !shift || !wide) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "optimized CONV_2D op data");
    for (oc = 0; oc < d->out_c; oc++) {
        int32_t sum = 0;
        for (kk = 0; kk < taps; kk++) sum += f[oc * sn + kk * sk];
        for (q = 0; q < p; q++) {
            b_eff[q * d->out_c + oc] = (bias ? bias[oc] : 0) + (d->in_offset - tl_gemm_s8_a_offset(it->cpu)) * sum;
            mult[q * d->out_c + oc] = d->mult[oc];
            shift[q * d->out_c + oc] = tl_conv_shift(d)[oc];
        }
    }
    for (q = 0; q < p; q++)
        for (oc = 0; oc < d->out_c; oc++)
            for (ky = 0; ky < w->filter_h; ky++)
                for (j = 0; j < span; j++) {
                    int32_t off = j - q * w->stride_w, kx = off / w->dil_w;
                    if (off < 0 || off % w->dil_w != 0 || kx >= w->filter_w) continue;
                    for (c = 0; c < d->in_c; c++)
                        wide[(int64_t)(q * d->out_c + oc) * k + (ky * span + j) * d->in_c + c] =
                            f[oc * sn + (((int64_t)ky * w->filter_w + kx) * d->in_c + c) * sk];
                }
    o->params.packed = tl_alloc_persistent_aligned(it, tl_gemm_s8_packed_bytes(n, k), 16);
    if (!o->params.packed) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "packed CONV_2D weights");
    tl_gemm_s8_pack_for_strided(it->cpu, (int16_t *)o->params.packed, wide, n, k, k, 1);
    o->params.bias = b_eff;
    o->params.mult = mult;
    o->params.shift = shift;
    o->params.out_offset = d->out_offset;
    o->params.q_lo = d->q_lo;
    o->params.q_hi = d->q_hi;
    o->conv = d;
    o->gemm = tl_gemm_s8_select(it->cpu);
    o->p = p;
    o->span = span;
    o->k = k;
    o->n = n;
    o->pad = (uint8_t)(int8_t)(-d->in_offset);
    o->a16 = tl_request_scratch(it, node, tl_gemm_s8_scratch_bytes(k) * (size_t)tl_threads(it));
    o->cols = tl_request_scratch(it, node, (size_t)BLOCK * (size_t)k * (size_t)tl_threads(it));
    if (!o->a16 || !o->cols) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "CONV_2D scratch");
    node->op_data = o;
    node->eval = eval_narrow;
    return TL_STATUS_OK;
}

/* GEMM rows for pixel groups [first, first + rows): each window row's span of input pixels, the input
 * zero point outside the image. */
static void gather(const narrow_opt *o, const int8_t *x, int64_t first, int32_t rows, int8_t *cols) {
    const tl_conv_data *d = o->conv;
    const tl_window *w = &d->win;
    int32_t groups_per_row = w->out_w / o->p, r, ky;
    size_t px = (size_t)d->in_c;
    for (r = 0; r < rows; r++) {
        int64_t g = first + r, row = g / groups_per_row; /* output row over all batches */
        int32_t b = (int32_t)(row / w->out_h), oy = (int32_t)(row % w->out_h);
        int32_t ix0 = (int32_t)(g % groups_per_row) * o->p * w->stride_w - w->pad_w;
        int32_t lo = ix0 < 0 ? -ix0 : 0, hi = ix0 + o->span > d->in_w ? d->in_w - ix0 : o->span; /* valid j */
        int8_t *dst = cols + (int64_t)r * o->k;
        for (ky = 0; ky < w->filter_h; ky++, dst += (int64_t)o->span * d->in_c) {
            int32_t iy = oy * w->stride_h - w->pad_h + ky * w->dil_h;
            if (iy < 0 || iy >= d->in_h || hi <= lo) {
                memset(dst, o->pad, (size_t)o->span * px);
                continue;
            }
            if (lo > 0) memset(dst, o->pad, (size_t)lo * px);
            memcpy(dst + (size_t)lo * px, x + (((int64_t)b * d->in_h + iy) * d->in_w + ix0 + lo) * d->in_c,
                   (size_t)(hi - lo) * px);
            if (hi < o->span) memset(dst + (size_t)hi * px, o->pad, (size_t)(o->span - hi) * px);
        }
    }
}

typedef struct {
    const narrow_opt *o;
    const int8_t *x;
    int8_t *y, *cols;
    int16_t *a16;
    int64_t groups, per_task;
} narrow_job;

static void task_narrow(void *ctx, int32_t t) {
    const narrow_job *j = ctx;
    const narrow_opt *o = j->o;
    int64_t first = t * j->per_task, last = first + j->per_task < j->groups ? first + j->per_task : j->groups;
    int16_t *a16 = (int16_t *)((uint8_t *)j->a16 + (size_t)t * tl_gemm_s8_scratch_bytes(o->k));
    int8_t *cols = j->cols + (int64_t)t * BLOCK * o->k;
    for (; first < last; first += BLOCK) {
        int32_t rows = (int32_t)(last - first < BLOCK ? last - first : BLOCK);
        gather(o, j->x, first, rows, cols);
        o->gemm(rows, o->n, o->k, cols, o->k, &o->params, j->y + first * o->n, o->n, a16);
    }
}

static tl_status eval_narrow(tl_interpreter *it, tl_node *node) {
    const narrow_opt *o = node->op_data;
    const tl_conv_data *d = o->conv;
    narrow_job j;
    int32_t tasks;
    j.o = o;
    j.x = tl_node_input(it, node, 0)->data;
    j.y = tl_node_output(it, node, 0)->data;
    j.cols = o->cols->data;
    j.a16 = o->a16->data;
    j.groups = (int64_t)d->batches * d->win.out_h * (d->win.out_w / o->p);
    j.per_task = tl_split(j.groups, tl_threads(it), BLOCK, &tasks);
    tl_parallel(it, tasks, task_narrow, &j);
    return TL_STATUS_OK;
}
