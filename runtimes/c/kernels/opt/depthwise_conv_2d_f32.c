/* DEPTHWISE_CONV_2D float32, vectorised across channels (the optimized tier;
 * kernels/depthwise_conv_2d.c is the definition). NHWC keeps a pixel's channels
 * side by side, so each output pixel is computed 16 channels at a time, with the window's taps
 * accumulated in registers. The taps are summed in the reference kernel's order and the bias added
 * last, so the results are the reference's bit for bit. Here: the portable C loop and the choice of
 * micro-kernel (depthwise_conv_2d_f32_x86.c has the x86 ones, _neon.c and _wasm.c theirs). A depth
 * multiplier above 1 over several input channels repeats the input's channels into scratch first
 * (tl_dw_repeat_channels), where a SIMD kernel exists and weight packing is on; otherwise the
 * reference runs, in a smaller arena. Over one input channel, where the SIMD kernels cannot run (no SIMD,
 * or windows over TL_DW_MAX_TAPS taps on x86 and wasm), it is a CONV_2D with m output channels and runs as
 * one (conv_2d_f32.c: im2col rows of the taps times the filter, packed once); at small windows the SIMD
 * kernels on the repeated channel measured faster. */
#include "opt_kernels.h"

#include "../../src/cpu.h"
#include "depthwise_f32.h"

#define CB 16 /* channels per block, which compilers vectorise */

typedef void (*dw_fn)(const tl_conv_data *d, const float *x, const float *f, const float *bias, float *y,
                       int64_t first_row, int64_t last_row);

typedef struct {
    const tl_conv_data *conv;
    dw_fn run;
    tl_scratch *expanded; /* depth multiplier > 1: the input with each channel repeated, else NULL */
} dw_f32_opt;

void tl_dw_repeat_channels(const tl_conv_data *d, const void *x, size_t elem_bytes, void *e) {
    const int64_t pixels = (int64_t)d->batches * d->in_h * d->in_w;
    const int32_t in_c = d->in_c, m = d->depth_mult;
    int64_t p;
    int32_t c, k;
    if (elem_bytes == 1) {
        const int8_t *xs = x;
        int8_t *es = e;
        for (p = 0; p < pixels; p++, xs += in_c)
            for (c = 0; c < in_c; c++)
                for (k = 0; k < m; k++) *es++ = xs[c];
    } else {
        const float *xs = x;
        float *es = e;
        for (p = 0; p < pixels; p++, xs += in_c)
            for (c = 0; c < in_c; c++)
                for (k = 0; k < m; k++) *es++ = xs[c];
    }
}

void tl_dw_f32_portable(const tl_conv_data *d, const float *x, const float *f, const float *bias, float *y,
                        int64_t first_row, int64_t last_row) {
    const tl_window *w = &d->win;
    int64_t line;
    int32_t c_all = d->out_c, ox, c, j, ky, kx;
    for (line = first_row; line < last_row; line++)
        for (ox = 0; ox < w->out_w; ox++) {
            int32_t b = (int32_t)(line / w->out_h), oy = (int32_t)(line % w->out_h);
            int32_t oy0 = oy * w->stride_h - w->pad_h, ox0 = ox * w->stride_w - w->pad_w, ky0, ky1, kx0, kx1;
            float *out = y + (((int64_t)b * w->out_h + oy) * w->out_w + ox) * c_all;
            tl_window_taps(oy0, w->dil_h, w->filter_h, d->in_h, &ky0, &ky1);
            tl_window_taps(ox0, w->dil_w, w->filter_w, d->in_w, &kx0, &kx1);
            for (c = 0; c < c_all; c += CB) {
                int32_t n = c_all - c < CB ? c_all - c : CB;
                float acc[CB];
                for (j = 0; j < CB; j++) acc[j] = 0.0f;
                for (ky = ky0; ky < ky1; ky++) {
                    const float *row = x + (((int64_t)b * d->in_h + oy0 + ky * w->dil_h) * d->in_w) * c_all + c;
                    const float *taps = f + (int64_t)ky * w->filter_w * c_all + c;
                    for (kx = kx0; kx < kx1; kx++) {
                        const float *px = row + (int64_t)(ox0 + kx * w->dil_w) * c_all, *pw = taps + (int64_t)kx * c_all;
                        if (n == CB)
                            for (j = 0; j < CB; j++) acc[j] += px[j] * pw[j];
                        else
                            for (j = 0; j < n; j++) acc[j] += px[j] * pw[j];
                    }
                }
                for (j = 0; j < n; j++) {
                    float v = acc[j] + (bias ? bias[c + j] : 0.0f);
                    out[c + j] = v < d->f_lo ? d->f_lo : (v > d->f_hi ? d->f_hi : v);
                }
            }
        }
}

typedef struct {
    const dw_f32_opt *o;
    const float *x, *f;
    const float *bias;
    float *y;
    int64_t rows, per_task;
} dw_f32_job;

static void task_f32(void *ctx, int32_t t) {
    const dw_f32_job *j = ctx;
    int64_t first = t * j->per_task, last = first + j->per_task < j->rows ? first + j->per_task : j->rows;
    j->o->run(j->o->conv, j->x, j->f, j->bias, j->y, first, last);
}

static tl_status eval_f32(tl_interpreter *it, tl_node *node) {
    const tl_tensor *bt = tl_node_input(it, node, 2);
    dw_f32_job j;
    int32_t tasks;
    j.o = node->op_data;
    j.x = tl_node_input(it, node, 0)->data;
    if (j.o->expanded) {
        tl_dw_repeat_channels(j.o->conv, j.x, sizeof(float), j.o->expanded->data);
        j.x = j.o->expanded->data;
    }
    j.f = tl_node_input(it, node, 1)->data;
    j.bias = bt ? bt->data : NULL;
    j.y = tl_node_output(it, node, 0)->data;
    j.rows = (int64_t)j.o->conv->batches * j.o->conv->win.out_h;   /* output rows, over the batch */
    j.per_task = tl_split(j.rows, tl_threads(it), 1, &tasks);
    tl_parallel(it, tasks, task_f32, &j);
    return TL_STATUS_OK;
}

tl_status tl_depthwise_conv_2d_opt_f32_prepare(tl_interpreter *it, tl_node *node) {
    const tl_conv_data *d = node->op_data;
    dw_f32_opt *o;
    dw_fn simd = NULL, run;
    int big = d->win.filter_h * d->win.filter_w > TL_DW_MAX_TAPS; /* more taps than the x86/wasm registers hold */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (it->cpu & TL_CPU_AVX512)
        simd = tl_dw_f32_avx512;
    else if (it->cpu & TL_CPU_AVX2)
        simd = tl_dw_f32_avx2;
#elif defined(__aarch64__) && defined(__ARM_NEON)
    if (it->cpu & TL_CPU_NEON) simd = tl_dw_f32_neon;
    big = 0; /* any window */
#elif defined(__wasm_simd128__)
    if (it->cpu & TL_CPU_WASM_SIMD) simd = tl_dw_f32_wasm;
#endif
    run = simd && !big ? simd : tl_dw_f32_portable;
    if (d->in_c == 1 && d->depth_mult > 1 && run == tl_dw_f32_portable) { /* see above: a CONV_2D, as a GEMM */
        tl_status s = tl_conv_2d_opt_f32_gemm(it, node, 1);
        if (s != TL_STATUS_OK || node->op_data != d) return s;
    }
    if (d->depth_mult != 1 && (!simd || it->no_weight_packing)) return TL_STATUS_OK;
    o = tl_alloc_persistent(it, sizeof *o);
    if (!o) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "optimized DEPTHWISE_CONV_2D op data");
    o->conv = d;
    o->run = run;
    o->expanded = NULL;
    if (d->depth_mult != 1) {
        o->expanded = tl_request_scratch(it, node, (size_t)d->batches * (size_t)d->in_h * (size_t)d->in_w *
                                                   (size_t)d->out_c * sizeof(float));
        if (!o->expanded) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "DEPTHWISE_CONV_2D repeated input");
    }
    node->op_data = o;
    node->eval = eval_f32;
    return TL_STATUS_OK;
}
