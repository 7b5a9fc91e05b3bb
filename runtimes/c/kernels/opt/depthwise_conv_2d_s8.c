/* DEPTHWISE_CONV_2D int8, vectorised across channels (the optimized tier; kernels/depthwise_conv_2d.c
 * is the definition): per output pixel, 16 channels at a time, acc = sum over the taps inside the
 * input of (x + in_offset) * w, then the reference's requantization, offset and clamp per channel:
 * exact integer arithmetic, so equal results. Here: the portable C loop and the choice of
 * micro-kernel (x86 ones in depthwise_conv_2d_s8_x86.c). The micro-kernels read one input channel
 * per output channel; a depth multiplier m > 1 over several input channels (output channel c reads input
 * channel c / m) first copies each input channel m times into a
 * scratch input, where a SIMD kernel exists and weight packing is on (otherwise the reference runs, in a
 * smaller arena). Windows over TL_DW_MAX_TAPS taps run the portable loop, except over one input channel
 * (micro_speech: 49 x 40 x 1, a 10 x 8 window, m = 8), which is a CONV_2D with m output channels and runs
 * as one (conv_2d_s8.c: im2col rows of the taps times the filter, packed once, in the int8 GEMM), as it does
 * where no SIMD kernel exists. Not at small windows where the SIMD kernels run: there the GEMM (m of its 16
 * lanes, short rows) measured up to 2x slower than repeating the channel. Not taken: sums that could leave
 * int32 (the reference saturates there). */
#include "opt_kernels.h"

#include "../../src/cpu.h"
#include "../../ports/cortex-m/dsp/dsp_kernels.h"
#include "../common/quant_math.h"
#include "depthwise_s8.h"

#define CB 16

typedef void (*dw_s8_fn)(const tl_conv_data *d, const int8_t *x, const int8_t *f, const int32_t *bias, int8_t *y,
                       int64_t first_row, int64_t last_row);

typedef void (*pairs_s8_fn)(const tl_dw_s8_pairs *p, const int8_t *x, int8_t *y, int64_t first_row, int64_t last_row);

typedef struct {
    const tl_conv_data *conv;
    dw_s8_fn run;
    pairs_s8_fn run_pairs; /* the kernel on packed int16 pairs of taps (pairs), or NULL: run */
    tl_dw_s8_pairs *pairs; /* in the arena only where used: weight packing off keeps the op data small */
    tl_scratch *expanded; /* depth multiplier > 1: the input with each channel repeated, else NULL */
} dw_s8_opt;

void tl_dw_s8_pairs_pack(tl_dw_s8_pairs *p, const tl_conv_data *d, const int8_t *f, const int32_t *bias) {
    const int32_t c_all = d->out_c, blocks = p->flat ? 1 : (c_all + TL_DWP_CB - 1) / TL_DWP_CB;
    const int32_t kh = d->win.filter_h, kw = d->win.filter_w, pairs = (kh + 1) / 2;
    const int32_t zp_bytes = p->flat ? d->in_w * c_all : c_all;
    int32_t blk, half, i, t, k, r;
    p->conv = d;
    p->pairs = pairs;
    p->left = 0;
    for (i = 0; i < zp_bytes; i++) p->zp[i] = (int8_t)-d->in_offset;
    for (i = 0; i < c_all; i++)
        if (tl_conv_shift(d)[i] > 0) p->left = 1;
    for (blk = 0; blk < blocks; blk++)
        for (half = 0; half < 2; half++)
            for (i = 0; i < 16; i++) {
                /* int32 lane i of this half holds channel 8 * (i / 4) + 4 * half + i % 4 of the block */
                const int32_t v = 8 * (i / 4) + 4 * half + i % 4, lane = blk * TL_DWP_CB + half * 16 + i;
                const int32_t ch = p->flat ? v % c_all : blk * TL_DWP_CB + v;
                const int in = ch < c_all;
                int32_t wsum = 0;
                for (t = 0; t < kh * kw; t++) wsum += in ? f[(int64_t)t * c_all + ch] : 0;
                p->bias[lane] = in ? (bias ? bias[ch] : 0) + d->in_offset * wsum : 0;
                p->mult[lane] = in ? d->mult[ch] : 0;
                p->shift[lane] = in ? tl_conv_shift(d)[ch] : 0;
                for (k = 0; k < kw; k++)
                    for (r = 0; r < pairs; r++) { /* window rows 2r and 2r + 1 (none past the window: 0) */
                        int16_t *wv = p->w + ((((int64_t)blk * kw + k) * pairs + r) * 2 + half) * 32;
                        wv[2 * i] = (int16_t)(in ? f[((int64_t)2 * r * kw + k) * c_all + ch] : 0);
                        wv[2 * i + 1] = (int16_t)(in && 2 * r + 1 < kh ? f[((int64_t)(2 * r + 1) * kw + k) * c_all + ch] : 0);
                    }
            }
}

void tl_dw_s8_portable(const tl_conv_data *d, const int8_t *x, const int8_t *f, const int32_t *bias, int8_t *y,
                       int64_t first_row, int64_t last_row) {
    const tl_window *w = &d->win;
    const int8_t *shift = tl_conv_shift(d);
    int64_t line;
    int32_t c_all = d->out_c, ox, c, j, ky, kx;
    for (line = first_row; line < last_row; line++)
        for (ox = 0; ox < w->out_w; ox++) {
            int32_t b = (int32_t)(line / w->out_h), oy = (int32_t)(line % w->out_h);
            int32_t oy0 = oy * w->stride_h - w->pad_h, ox0 = ox * w->stride_w - w->pad_w, ky0, ky1, kx0, kx1;
            int8_t *out = y + (((int64_t)b * w->out_h + oy) * w->out_w + ox) * c_all;
            tl_window_taps(oy0, w->dil_h, w->filter_h, d->in_h, &ky0, &ky1);
            tl_window_taps(ox0, w->dil_w, w->filter_w, d->in_w, &kx0, &kx1);
            for (c = 0; c < c_all; c += CB) {
                int32_t n = c_all - c < CB ? c_all - c : CB, acc[CB];
                for (j = 0; j < CB; j++) acc[j] = 0;
                for (ky = ky0; ky < ky1; ky++) {
                    const int8_t *row = x + (((int64_t)b * d->in_h + oy0 + ky * w->dil_h) * d->in_w) * c_all + c;
                    for (kx = kx0; kx < kx1; kx++) {
                        const int8_t *px = row + (int64_t)(ox0 + kx * w->dil_w) * c_all;
                        const int8_t *pw = f + ((int64_t)ky * w->filter_w + kx) * c_all + c;
                        for (j = 0; j < n; j++) acc[j] += (px[j] + d->in_offset) * pw[j];
                    }
                }
                for (j = 0; j < n; j++) {
                    int32_t r = tl_multiply_by_quantized_multiplier(acc[j] + (bias ? bias[c + j] : 0), d->mult[c + j],
                                                                    shift[c + j]);
                    r = tl_clamp_i32(r, -(1 << 16), 1 << 16);
                    out[c + j] = (int8_t)tl_clamp_i32(r + d->out_offset, d->q_lo, d->q_hi);
                }
            }
        }
}

typedef struct {
    const dw_s8_opt *o;
    const int8_t *x, *f;
    const int32_t *bias;
    int8_t *y;
    int64_t rows, per_task;
} dw_s8_job;

static void task_s8(void *ctx, int32_t t) {
    const dw_s8_job *j = ctx;
    int64_t first = t * j->per_task, last = first + j->per_task < j->rows ? first + j->per_task : j->rows;
    if (j->o->run_pairs)
        j->o->run_pairs(j->o->pairs, j->x, j->y, first, last);
    else
        j->o->run(j->o->conv, j->x, j->f, j->bias, j->y, first, last);
}

static tl_status eval_s8(tl_interpreter *it, tl_node *node) {
    const tl_tensor *bt = tl_node_input(it, node, 2);
    dw_s8_job j;
    int32_t tasks;
    j.o = node->op_data;
    j.x = tl_node_input(it, node, 0)->data;
    if (j.o->expanded) {
        tl_dw_repeat_channels(j.o->conv, j.x, 1, j.o->expanded->data);
        j.x = j.o->expanded->data;
    }
    j.f = tl_node_input(it, node, 1)->data;
    j.bias = bt ? bt->data : NULL;
    j.y = tl_node_output(it, node, 0)->data;
    j.rows = (int64_t)j.o->conv->batches * j.o->conv->win.out_h;   /* output rows, over the batch */
    j.per_task = tl_split(j.rows, tl_threads(it), 1, &tasks);
    tl_parallel(it, tasks, task_s8, &j);
    return TL_STATUS_OK;
}

tl_status tl_depthwise_conv_2d_opt_s8_prepare(tl_interpreter *it, tl_node *node) {
    const tl_conv_data *d = node->op_data;
    const tl_tensor *bt = tl_node_input(it, node, 2);
    const int32_t *bias = bt ? bt->data : NULL;
    int64_t taps = (int64_t)d->win.filter_h * d->win.filter_w;
    int32_t c;
    dw_s8_opt *o;
#if defined(TL_ARM_DSP)
    return tl_depthwise_conv_2d_dsp_s8_prepare(it, node); /* Cortex-M with the DSP extension */
#endif
    dw_s8_fn simd = NULL, run;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (it->cpu & TL_CPU_AVX512)
        simd = tl_dw_s8_avx512;
    else if (it->cpu & TL_CPU_AVX2)
        simd = tl_dw_s8_avx2;
#elif defined(__aarch64__) && defined(__ARM_NEON)
    if (it->cpu & TL_CPU_NEON) simd = tl_dw_s8_neon;
#elif defined(__wasm_simd128__)
    if (it->cpu & TL_CPU_WASM_SIMD) simd = tl_dw_s8_wasm;
#endif
    /* the SIMD kernels keep the window's taps in registers; larger windows (micro_speech's 10 x 8) take the
     * portable loop */
    run = simd && taps <= TL_DW_MAX_TAPS ? simd : tl_dw_s8_portable;
    if (d->in_c == 1 && d->depth_mult > 1 && run == tl_dw_s8_portable) { /* see above: a CONV_2D, as a GEMM */
        tl_status s = tl_conv_2d_opt_s8_gemm(it, node, 1);
        if (s != TL_STATUS_OK || node->op_data != d) return s;
    }
    /* the repeated input costs in_h * in_w * out_c bytes of arena: only where a SIMD kernel exists (not on
     * microcontrollers) and weight packing is on (off is the arena-lean setting) */
    if (d->depth_mult != 1 && (!simd || it->no_weight_packing)) return TL_STATUS_OK;
    for (c = 0; c < d->out_c; c++) /* |sum| <= taps * 255 * 128, plus the bias, inside int32 */
        if (taps * 255 * 128 + (bias ? (bias[c] < 0 ? -(int64_t)bias[c] : bias[c]) : 0) > INT32_MAX) return TL_STATUS_OK;
    o = tl_alloc_persistent(it, sizeof *o);
    if (!o) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "optimized DEPTHWISE_CONV_2D op data");
    o->conv = d;
    o->run = run;
    o->expanded = NULL;
    o->run_pairs = NULL;
    o->pairs = NULL;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    /* windows up to 7x7 at dilation 1, AVX-512: weights packed as int16 pairs (depthwise_s8.h); the zero
     * point a tap outside the input reads must be an int8. Not at 16 channels or fewer, which would leave half
     * its 32-lane blocks or more empty: the 16-lane kernel measured faster there (id_model's 48x48x8, 24x24x16),
     * unless rows run flat (stride 1 without column padding: id_model's 96x96x4 and x8) */
    const int flat = TL_DWP_CB % d->out_c == 0 && d->win.stride_w == 1 && d->win.pad_w == 0 &&
           d->win.out_w - 1 + d->win.filter_w <= d->in_w; /* few channels, rows as runs (depthwise_s8.h) */
    if ((it->cpu & TL_CPU_AVX512) && !it->no_weight_packing && (d->out_c > 16 || flat) &&
        d->win.filter_h <= TL_DWP_MAX_SIDE && d->win.filter_w <= TL_DWP_MAX_SIDE && d->win.dil_h == 1 &&
        d->win.dil_w == 1 && d->in_offset >= -127 && d->in_offset <= 128) {
        const size_t blocks = flat ? 1 : (size_t)(d->out_c + TL_DWP_CB - 1) / TL_DWP_CB, lanes = blocks * TL_DWP_CB;
        o->pairs = tl_alloc_persistent(it, sizeof *o->pairs);
        if (!o->pairs) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "DEPTHWISE_CONV_2D packed weights");
        o->pairs->w = tl_alloc_persistent(it, lanes * (size_t)(d->win.filter_w * ((d->win.filter_h + 1) / 2) * 2) *
                                                 sizeof(int16_t));
        o->pairs->bias = tl_alloc_persistent(it, lanes * sizeof(int32_t));
        o->pairs->mult = tl_alloc_persistent(it, lanes * sizeof(int32_t));
        o->pairs->shift = tl_alloc_persistent(it, lanes * sizeof(int32_t));
        o->pairs->zp = tl_alloc_persistent(it, (size_t)d->out_c * (size_t)(flat ? d->in_w : 1));
        o->pairs->flat = flat;
        if (!o->pairs->w || !o->pairs->bias || !o->pairs->mult || !o->pairs->shift || !o->pairs->zp)
            return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "DEPTHWISE_CONV_2D packed weights");
        tl_dw_s8_pairs_pack(o->pairs, d, tl_node_input(it, node, 1)->data, bias);
        if (flat)
            o->run_pairs = (it->cpu & TL_CPU_AVX512VNNI) ? tl_dw_s8_flat_avx512vnni : tl_dw_s8_flat_avx512;
        else
            o->run_pairs = (it->cpu & TL_CPU_AVX512VNNI) ? tl_dw_s8_pairs_avx512vnni : tl_dw_s8_pairs_avx512;
    }
#endif
    if (d->depth_mult != 1) {
        o->expanded = tl_request_scratch(it, node, (size_t)d->batches * (size_t)d->in_h * (size_t)d->in_w *
                                                   (size_t)d->out_c);
        if (!o->expanded) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "DEPTHWISE_CONV_2D repeated input");
    }
    node->op_data = o;
    node->eval = eval_s8;
    return TL_STATUS_OK;
}
