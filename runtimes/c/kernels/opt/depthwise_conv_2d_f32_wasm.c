/* DEPTHWISE_CONV_2D float32 micro-kernel for WebAssembly SIMD128 (see depthwise_conv_2d_f32.c): per
 * output row and block of 8 channels (two v128), the window's weights are loaded once; each output
 * pixel then costs two loads, two multiplies and two adds per tap. Products and sums are separate
 * operations (wasm SIMD has no fused multiply-add) in the reference kernel's order: results equal the
 * reference's. 3x3 windows (MobileNet's) inside the input take row3x3, 4 channels with the taps kept in
 * registers; the others an unrolled path. A last block of fewer than 8 channels goes through small zero-padded buffers. Built with
 * -msimd128 (runtimes/wasm/build.sh); other targets compile this file to nothing. */
#include "depthwise_f32.h"

#if defined(__wasm_simd128__)
#include <string.h>
#include <wasm_simd128.h>

static void load8(const float *p, int32_t n, v128_t *v0, v128_t *v1) { /* n <= 8 floats, zeros past n */
    float tmp[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    if (n == 8) {
        *v0 = wasm_v128_load(p);
        *v1 = wasm_v128_load(p + 4);
        return;
    }
    memcpy(tmp, p, (size_t)n * sizeof *p);
    *v0 = wasm_v128_load(tmp);
    *v1 = wasm_v128_load(tmp + 4);
}

/* acc plus a full 3x3 window's 9 products (4 channels), in the reference's order: rows, then columns. */
static v128_t tap3x3(v128_t acc, const float *r, int64_t sx, int64_t sy, const v128_t *t) {
    int32_t ky;
    for (ky = 0; ky < 3; ky++, r += sy, t += 6) {
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r), t[0]));
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r + sx), t[2]));
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r + 2 * sx), t[4]));
    }
    return acc;
}

/* Output pixels [ox_lo, ox_hi) of one row whose 3x3 windows lie inside the input, 4 channels: the 9 taps
 * stay in registers (engines have 16), each pixel takes 9 loads, 9 multiplies and 9 adds in the
 * reference's order, then the bias and the clamp. r: the first pixel's window, step: to the next pixel's. */
static void row3x3(const float *r, int64_t step, int64_t sx, int64_t sy, const float *f, int64_t fs, v128_t vb,
                   v128_t lo, v128_t hi, float *out, int64_t ostep, int32_t count) {
    const v128_t t0 = wasm_v128_load(f), t1 = wasm_v128_load(f + fs), t2 = wasm_v128_load(f + 2 * fs);
    const v128_t t3 = wasm_v128_load(f + 3 * fs), t4 = wasm_v128_load(f + 4 * fs), t5 = wasm_v128_load(f + 5 * fs);
    const v128_t t6 = wasm_v128_load(f + 6 * fs), t7 = wasm_v128_load(f + 7 * fs), t8 = wasm_v128_load(f + 8 * fs);
    int32_t i = 0;
#define MAC(a, v, t) a = wasm_f32x4_add(a, wasm_f32x4_mul(v, t));
#define ROW2(o, tA, tB, tC) \
    v = wasm_v128_load(r + (o)); MAC(a0, v, tA) \
    v = wasm_v128_load(r + (o) + sx); MAC(a0, v, tB) MAC(a1, v, tA) \
    v = wasm_v128_load(r + (o) + 2 * sx); MAC(a0, v, tC) MAC(a1, v, tB) \
    v = wasm_v128_load(r + (o) + 3 * sx); MAC(a1, v, tC)
    /* the next pixel's window one column over (stride equal to the dilation, MobileNet's stride 1): two pixels
     * at a time share 2 of their 3 input columns, 12 loads for 18 products, each pixel still summed in the
     * reference's order (about 10% faster on MobileNetV2's stride-1 layers) */
    if (step == sx)
        for (; i + 2 <= count; i += 2, r += 2 * step, out += 2 * ostep) {
            v128_t a0 = wasm_f32x4_splat(0.0f), a1 = a0, v;
            ROW2(0, t0, t1, t2) ROW2(sy, t3, t4, t5) ROW2(2 * sy, t6, t7, t8)
            wasm_v128_store(out, wasm_f32x4_pmin(wasm_f32x4_pmax(wasm_f32x4_add(a0, vb), lo), hi));
            wasm_v128_store(out + ostep, wasm_f32x4_pmin(wasm_f32x4_pmax(wasm_f32x4_add(a1, vb), lo), hi));
        }
#undef ROW2
#undef MAC
    for (; i < count; i++, r += step, out += ostep) {
        v128_t acc = wasm_f32x4_splat(0.0f);
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r), t0));
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r + sx), t1));
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r + 2 * sx), t2));
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r + sy), t3));
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r + sy + sx), t4));
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r + sy + 2 * sx), t5));
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r + 2 * sy), t6));
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r + 2 * sy + sx), t7));
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r + 2 * sy + 2 * sx), t8));
        wasm_v128_store(out, wasm_f32x4_pmin(wasm_f32x4_pmax(wasm_f32x4_add(acc, vb), lo), hi));
    }
}

void tl_dw_f32_wasm(const tl_conv_data *d, const float *x, const float *f, const float *bias, float *y, int64_t first_row,
                    int64_t last_row) {
    const tl_window *w = &d->win;
    const int32_t c_all = d->out_c, kw = w->filter_w;
    const v128_t lo = wasm_f32x4_splat(d->f_lo), hi = wasm_f32x4_splat(d->f_hi), zero = wasm_f32x4_splat(0.0f);
    const int64_t sx = (int64_t)w->dil_w * c_all, sy = (int64_t)w->dil_h * d->in_w * c_all; /* tap steps */
    const int32_t c4 = c_all & ~3; /* channels row3x3 takes */
    /* output columns whose windows lie inside the input (for row3x3): ox * stride - pad in [0, in_w - 1 - 2 * dil] */
    const int32_t ox_lo = (w->pad_w + w->stride_w - 1) / w->stride_w;
    const int32_t last = d->in_w - 1 - 2 * w->dil_w + w->pad_w;
    const int32_t ox_hi = last < 0 ? 0 : (last / w->stride_w + 1 < w->out_w ? last / w->stride_w + 1 : w->out_w);
    v128_t taps[TL_DW_MAX_TAPS][2];
    int full3x3;
    int64_t line;
    int32_t ox, c, ky, kx;
    for (line = first_row; line < last_row; line++) {
        int32_t b = (int32_t)(line / w->out_h), oy = (int32_t)(line % w->out_h);
        int32_t oy0 = oy * w->stride_h - w->pad_h, ky0, ky1;
        tl_window_taps(oy0, w->dil_h, w->filter_h, d->in_h, &ky0, &ky1);
        full3x3 = kw == 3 && w->filter_h == 3 && ky0 == 0 && ky1 == 3;
        if (full3x3 && ox_hi > ox_lo) { /* the row's inner pixels, whole blocks of 4 channels */
            const float *r = x + (((int64_t)b * d->in_h + oy0) * d->in_w + (int64_t)ox_lo * w->stride_w - w->pad_w) * c_all;
            float *out = y + (((int64_t)b * w->out_h + oy) * w->out_w + ox_lo) * c_all;
            for (c = 0; c < c4; c += 4)
                row3x3(r + c, (int64_t)w->stride_w * c_all, sx, sy, f + c, c_all, bias ? wasm_v128_load(bias + c) : zero, lo,
                       hi, out + c, c_all, ox_hi - ox_lo);
        }
        for (c = 0; c < c_all; c += 8) {
            const int32_t n = c_all - c < 8 ? c_all - c : 8;
            v128_t b0 = zero, b1 = zero;
            if (bias) load8(bias + c, n, &b0, &b1);
            for (ky = ky0; ky < ky1; ky++)
                for (kx = 0; kx < kw; kx++) load8(f + (int64_t)(ky * kw + kx) * c_all + c, n, &taps[ky * kw + kx][0], &taps[ky * kw + kx][1]);
            for (ox = 0; ox < w->out_w; ox++) {
                int32_t ox0, kx0, kx1;
                v128_t acc0 = zero, acc1 = zero;
                float *out;
                if (full3x3 && ox == ox_lo && ox_hi > ox_lo && c + n <= c4) { /* row3x3 wrote these */
                    ox = ox_hi - 1;
                    continue;
                }
                ox0 = ox * w->stride_w - w->pad_w;
                out = y + (((int64_t)b * w->out_h + oy) * w->out_w + ox) * c_all + c;
                tl_window_taps(ox0, w->dil_w, kw, d->in_w, &kx0, &kx1);
                if (full3x3 && n == 8 && kx0 == 0 && kx1 == 3) { /* the common case, unrolled */
                    const float *r = x + (((int64_t)b * d->in_h + oy0) * d->in_w + ox0) * c_all + c;
                    acc0 = tap3x3(acc0, r, sx, sy, &taps[0][0]);
                    acc1 = tap3x3(acc1, r + 4, sx, sy, &taps[0][1]);
                    kx1 = 0; /* done: the general loop below adds nothing */
                }
                for (ky = ky0; ky < ky1; ky++) {
                    const float *row = x + (((int64_t)b * d->in_h + oy0 + ky * w->dil_h) * d->in_w + ox0) * c_all + c;
                    for (kx = kx0; kx < kx1; kx++) {
                        v128_t v0, v1;
                        load8(row + (int64_t)kx * w->dil_w * c_all, n, &v0, &v1);
                        acc0 = wasm_f32x4_add(acc0, wasm_f32x4_mul(v0, taps[ky * kw + kx][0]));
                        acc1 = wasm_f32x4_add(acc1, wasm_f32x4_mul(v1, taps[ky * kw + kx][1]));
                    }
                }
                /* max then min, the bound second: NaN stays NaN as the reference's comparisons leave it */
                acc0 = wasm_f32x4_pmin(wasm_f32x4_pmax(wasm_f32x4_add(acc0, b0), lo), hi);
                acc1 = wasm_f32x4_pmin(wasm_f32x4_pmax(wasm_f32x4_add(acc1, b1), lo), hi);
                if (n == 8) {
                    wasm_v128_store(out, acc0);
                    wasm_v128_store(out + 4, acc1);
                } else {
                    float tmp[8];
                    wasm_v128_store(tmp, acc0);
                    wasm_v128_store(tmp + 4, acc1);
                    memcpy(out, tmp, (size_t)n * sizeof *out);
                }
            }
        }
    }
}

#else
typedef int tl_dw_f32_wasm_unused; /* ISO C: a translation unit holds at least one declaration */
#endif
