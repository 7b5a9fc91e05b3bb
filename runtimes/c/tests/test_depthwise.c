/* The optimized depthwise micro-kernels (kernels/opt/depthwise_f32.h, depthwise_s8.h), multiplier 1,
 * in every tier this CPU runs (portable C, AVX2, AVX-512 on x86-64; NEON on AArch64) against scalar
 * loops written like the reference kernel (kernels/depthwise_conv_2d.c): SAME and VALID padding,
 * strides, dilations, windows 1x1 to 7x7, channel counts around the vector widths, two batches, and
 * each call split into two row ranges (as threads split it), the float input at every 4-byte offset within a
 * 64-byte line (the AVX-512 kernel aligns its channel blocks to the input's lines). int8: random input offsets including
 * -127 and 128, per-channel multipliers from 1e-10 to 40 (left shifts included), small and large biases, output
 * offsets and clamps; every byte must be equal. float32, with and without bias and clamps: within 1e-5
 * relative (the tiers sum in the reference's order, without fused multiply-adds). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "../kernels/common/quant_math.h"
#include "../kernels/opt/depthwise_s8.h"
#include "cpu.h"

typedef void (*dw_f32_fn)(const tl_conv_data *d, const float *x, const float *f, const float *bias, float *y,
                          int64_t first_row, int64_t last_row);
typedef void (*dw_s8_fn)(const tl_conv_data *d, const int8_t *x, const int8_t *f, const int32_t *bias, int8_t *y,
                         int64_t first_row, int64_t last_row);

static const struct {
    const char *name;
    uint32_t needs;
    dw_f32_fn f32;
    dw_s8_fn s8;
} tiers[] = {
    {"portable", 0, tl_dw_f32_portable, tl_dw_s8_portable},
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    {"avx2", TL_CPU_AVX2, tl_dw_f32_avx2, tl_dw_s8_avx2},
    {"avx512", TL_CPU_AVX512, tl_dw_f32_avx512, tl_dw_s8_avx512},
#elif defined(__aarch64__) && defined(__ARM_NEON)
    {"neon", TL_CPU_NEON, tl_dw_f32_neon, tl_dw_s8_neon},
#elif defined(__wasm_simd128__)
    {"wasm_simd", TL_CPU_WASM_SIMD, tl_dw_f32_wasm, tl_dw_s8_wasm},
#endif
};

static uint32_t next(uint32_t *s) {
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

/* One geometry: both types, every tier this CPU runs; returns the number of wrong cases. */
static int check(uint32_t cpu, int32_t batches, int32_t in_h, int32_t in_w, int32_t ch, int32_t kh, int32_t kw,
                 int32_t stride, int32_t dil, int8_t padding, uint32_t seed) {
    const int32_t off = (int32_t)(seed / 7 % 16); /* floats past malloc's 16-byte alignment */
    tl_conv_data d = {0};
    int32_t rows, taps = kh * kw, nx, ny, i, c, b, oy, ox, ky, kx, bad = 0, with_bias = (int32_t)(seed & 1);
    size_t t;
    float *xf, *ff, *bf, *yf, *want_f;
    int8_t *xs, *fs, *ys, *want_s;
    int32_t *bs, *mult, *shift;
    d.win.stride_h = d.win.stride_w = stride;
    d.win.dil_h = d.win.dil_w = dil;
    d.win.filter_h = kh;
    d.win.filter_w = kw;
    if (!tl_window_init(&d.win, padding, in_h, in_w) || d.win.out_h <= 0 || d.win.out_w <= 0) return 0;
    d.batches = batches;
    d.in_h = in_h;
    d.in_w = in_w;
    d.in_c = d.out_c = ch;
    d.filter_c = 1;
    d.depth_mult = 1;
    rows = batches * d.win.out_h;
    nx = batches * in_h * in_w * ch;
    ny = rows * d.win.out_w * ch;
    xf = (float *)malloc(sizeof(float) * (size_t)(nx + 16)) + off, ff = malloc(sizeof(float) * (size_t)(taps * ch));
    bf = malloc(sizeof(float) * (size_t)ch), yf = malloc(sizeof(float) * (size_t)ny), want_f = malloc(sizeof(float) * (size_t)ny);
    xs = malloc((size_t)nx), fs = malloc((size_t)(taps * ch)), ys = malloc((size_t)ny), want_s = malloc((size_t)ny);
    bs = malloc(sizeof(int32_t) * (size_t)ch), mult = malloc((sizeof(int32_t) + 1) * (size_t)ch), shift = malloc(sizeof(int32_t) * (size_t)ch);
    for (i = 0; i < nx; i++) {
        xf[i] = (float)((int32_t)(next(&seed) % 2001) - 1000) / 500.0f;
        xs[i] = (int8_t)(next(&seed) % 5 == 0 ? (next(&seed) & 1 ? 127 : -128) : (int32_t)(next(&seed) % 256) - 128);
    }
    for (i = 0; i < taps * ch; i++) {
        ff[i] = (float)((int32_t)(next(&seed) % 2001) - 1000) / 700.0f;
        fs[i] = (int8_t)(next(&seed) % 7 == 0 ? (next(&seed) & 1 ? 127 : -127) : (int32_t)(next(&seed) % 255) - 127);
    }
    for (c = 0; c < ch; c++) {
        /* mostly scales that keep outputs inside int8 (1.0 / (taps * 64)), some tiny, some above 1 */
        double real = (double)(next(&seed) % 100000 + 1) / 1e5 *
                      (next(&seed) % 4 == 0 ? 1e-5 : (next(&seed) % 6 == 0 ? 40.0 : 2.0 / (taps * 64.0)));
        tl_quantize_multiplier(real, &mult[c], &shift[c]);
        bf[c] = (float)((int32_t)(next(&seed) % 2001) - 1000) / 300.0f;
        bs[c] = next(&seed) % 10 == 0 ? (int32_t)(next(&seed) % 2000001) - 1000000 : (int32_t)(next(&seed) % 8001) - 4000;
    }
    d.mult = mult; /* the shifts as bytes right after the multipliers, as tl_prepare_channel_multipliers lays them */
    for (c = 0; c < ch; c++) ((int8_t *)(mult + ch))[c] = (int8_t)shift[c];
    d.in_offset = (int16_t)(next(&seed) % 4 == 0 ? (next(&seed) & 1 ? 128 : -127) : (int32_t)(next(&seed) % 256) - 127);
    d.out_offset = (int16_t)((int32_t)(next(&seed) % 256) - 128);
    d.q_lo = (int16_t)(-128 + (int32_t)(next(&seed) % 3) * 30);
    d.q_hi = (int16_t)(127 - (int32_t)(next(&seed) % 3) * 30);
    d.f_lo = next(&seed) & 1 ? -INFINITY : -1.5f;
    d.f_hi = next(&seed) & 1 ? INFINITY : 2.0f;
    /* the reference kernel's loops */
    for (b = 0; b < batches; b++)
        for (oy = 0; oy < d.win.out_h; oy++)
            for (ox = 0; ox < d.win.out_w; ox++)
                for (c = 0; c < ch; c++) {
                    int32_t o = ((b * d.win.out_h + oy) * d.win.out_w + ox) * ch + c, acc = 0, r;
                    float accf = 0.0f, v;
                    for (ky = 0; ky < kh; ky++)
                        for (kx = 0; kx < kw; kx++) {
                            int32_t iy = oy * stride - d.win.pad_h + ky * dil, ix = ox * stride - d.win.pad_w + kx * dil, at;
                            if (iy < 0 || iy >= in_h || ix < 0 || ix >= in_w) continue;
                            at = ((b * in_h + iy) * in_w + ix) * ch + c;
                            acc += (xs[at] + d.in_offset) * fs[(ky * kw + kx) * ch + c];
                            accf += xf[at] * ff[(ky * kw + kx) * ch + c];
                        }
                    r = tl_multiply_by_quantized_multiplier(tl_add_sat(acc, bs[c]), mult[c], shift[c]);
                    want_s[o] = (int8_t)tl_clamp_i32(tl_add_sat(r, d.out_offset), d.q_lo, d.q_hi);
                    v = accf + (with_bias ? bf[c] : 0.0f);
                    want_f[o] = v < d.f_lo ? d.f_lo : (v > d.f_hi ? d.f_hi : v);
                }
    for (t = 0; t < sizeof tiers / sizeof *tiers; t++) {
        int32_t mid = rows / 2;
        if ((cpu & tiers[t].needs) != tiers[t].needs) continue;
        for (i = 0; i < ny; i++) yf[i] = NAN, ys[i] = 0x5a;
        tiers[t].s8(&d, xs, fs, bs, ys, 0, mid);
        tiers[t].s8(&d, xs, fs, bs, ys, mid, rows);
        tiers[t].f32(&d, xf, ff, with_bias ? bf : NULL, yf, 0, mid);
        tiers[t].f32(&d, xf, ff, with_bias ? bf : NULL, yf, mid, rows);
        for (i = 0; i < ny; i++) {
            float wf = want_f[i];
            if (ys[i] != want_s[i]) {
                printf("%s s8 %dx%dx%dx%d k%dx%d s%d d%d pad%d: y[%d] = %d, want %d\n", tiers[t].name, batches, in_h, in_w, ch,
                       kh, kw, stride, dil, padding, i, ys[i], want_s[i]);
                bad++;
                break;
            }
            if (!(fabsf(yf[i] - wf) <= 1e-5f * (1.0f + fabsf(wf)))) {
                printf("%s f32 %dx%dx%dx%d k%dx%d s%d d%d pad%d: y[%d] = %.9g, want %.9g\n", tiers[t].name, batches, in_h,
                       in_w, ch, kh, kw, stride, dil, padding, i, yf[i], wf);
                bad++;
                break;
            }
        }
    }
    free(xf - off), free(ff), free(bf), free(yf), free(want_f), free(xs), free(fs), free(ys), free(want_s), free(bs), free(mult),
        free(shift);
    return bad;
}

int main(void) {
    static const int32_t sizes[][2] = {{1, 1}, {5, 7}, {9, 8}}, chans[] = {1, 3, 4, 8, 15, 16, 17, 33, 64, 96};
    static const int32_t kernels[][2] = {{1, 1}, {3, 3}, {5, 5}, {3, 1}, {7, 7}};
    uint32_t cpu = tl_cpu_detect(), seed = 11;
    int failures = 0, runs = 0;
    size_t s, c, k, t;
    int32_t stride, dil, pad;
    for (t = 0; t < sizeof tiers / sizeof *tiers; t++)
        if ((cpu & tiers[t].needs) != tiers[t].needs) printf("depthwise: %s not run (the CPU lacks it)\n", tiers[t].name);
    for (s = 0; s < sizeof sizes / sizeof *sizes; s++)
        for (c = 0; c < sizeof chans / sizeof *chans; c++)
            for (k = 0; k < sizeof kernels / sizeof *kernels; k++)
                for (stride = 1; stride <= 2; stride++)
                    for (dil = 1; dil <= 2; dil++)
                        for (pad = 0; pad <= 1; pad++, seed += 17) {
                            failures += check(cpu, 1 + (int32_t)(seed % 2), sizes[s][0], sizes[s][1], chans[c], kernels[k][0],
                                              kernels[k][1], stride, dil, (int8_t)pad, seed);
                            runs++;
                        }
    printf("depthwise: %d of %d geometries wrong\n", failures, runs);
    return failures != 0;
}
