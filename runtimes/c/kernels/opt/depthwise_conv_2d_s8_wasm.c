/* DEPTHWISE_CONV_2D int8 micro-kernel for WebAssembly SIMD128 (see depthwise_conv_2d_s8.c): per output
 * row and block of 8 channels, the window's weights are widened to int16 once; each output pixel then
 * costs, per tap, one 8-byte load widened to int16 plus the input offset (x + in_offset is inside
 * [-255, 255]), and two widening multiplies into int32 lanes (i32x4.extmul_*_i16x8_s), added exactly.
 * The int32 sums plus the bias are then requantized four lanes at a time by requant_wasm.h (equal to the
 * reference's scalar arithmetic; shifts outside [-31, 31] use the scalar), so outputs equal the
 * reference's bit for bit. A last block
 * of fewer than 8 channels goes through small zero-padded buffers. Built with -msimd128
 * (runtimes/wasm/build.sh); other targets compile this file to nothing. */
#include "depthwise_s8.h"

#if defined(__wasm_simd128__)
#include <string.h>
#include <wasm_simd128.h>

#include "../common/quant_math.h"
#include "requant_wasm.h"

static v128_t load8_s16(const int8_t *p, int32_t n) { /* n <= 8 bytes as int16, zeros past n */
    int8_t tmp[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    if (n == 8) return wasm_i16x8_load8x8(p);
    memcpy(tmp, p, (size_t)n);
    return wasm_i16x8_load8x8(tmp);
}

void tl_dw_s8_wasm(const tl_conv_data *d, const int8_t *x, const int8_t *f, const int32_t *bias, int8_t *y,
                   int64_t first_row, int64_t last_row) {
    const tl_window *w = &d->win;
    const int32_t c_all = d->out_c, kw = w->filter_w;
    const v128_t in_offset = wasm_i16x8_splat((int16_t)d->in_offset), zero = wasm_i32x4_splat(0);
    const v128_t bound = wasm_i32x4_splat(1 << 16), nbound = wasm_i32x4_splat(-(1 << 16));
    const v128_t offset = wasm_i32x4_splat(d->out_offset), lo = wasm_i32x4_splat(d->q_lo), hi = wasm_i32x4_splat(d->q_hi);
    v128_t taps[TL_DW_MAX_TAPS];
    int64_t line;
    int32_t ox, c, ky, kx, j;
    for (line = first_row; line < last_row; line++) {
        int32_t b = (int32_t)(line / w->out_h), oy = (int32_t)(line % w->out_h);
        int32_t oy0 = oy * w->stride_h - w->pad_h, ky0, ky1;
        const int8_t *in = x + (int64_t)b * d->in_h * d->in_w * c_all;
        int8_t *out_row = y + ((int64_t)b * w->out_h + oy) * w->out_w * c_all;
        tl_window_taps(oy0, w->dil_h, w->filter_h, d->in_h, &ky0, &ky1);
        for (c = 0; c < c_all; c += 8) {
            const int32_t n = c_all - c < 8 ? c_all - c : 8;
            int32_t m8[8] = {0}, s8[8] = {0}, b8[8] = {0};
            tl_requant_wasm q0, q1;
            v128_t b0, b1;
            int vector_requant = 1;
            for (j = 0; j < n; j++) {
                m8[j] = d->mult[c + j], s8[j] = tl_conv_shift(d)[c + j], b8[j] = bias ? bias[c + j] : 0;
                if (s8[j] < -31 || s8[j] > 31) vector_requant = 0; /* outside requant_wasm.h's range: scalar */
            }
            q0 = tl_requant_wasm_setup(m8, s8);
            q1 = tl_requant_wasm_setup(m8 + 4, s8 + 4);
            b0 = wasm_v128_load(b8);
            b1 = wasm_v128_load(b8 + 4);
            for (ky = ky0; ky < ky1; ky++)
                for (kx = 0; kx < kw; kx++) taps[ky * kw + kx] = load8_s16(f + (int64_t)(ky * kw + kx) * c_all + c, n);
            for (ox = 0; ox < w->out_w; ox++) {
                int32_t ox0 = ox * w->stride_w - w->pad_w, kx0, kx1, acc[8];
                v128_t a0 = zero, a1 = zero;
                int8_t *out = out_row + (int64_t)ox * c_all + c;
                tl_window_taps(ox0, w->dil_w, kw, d->in_w, &kx0, &kx1);
                for (ky = ky0; ky < ky1; ky++) {
                    const int8_t *row = in + ((int64_t)(oy0 + ky * w->dil_h) * d->in_w + ox0) * c_all + c;
                    for (kx = kx0; kx < kx1; kx++) {
                        v128_t v = wasm_i16x8_add(load8_s16(row + (int64_t)kx * w->dil_w * c_all, n), in_offset);
                        a0 = wasm_i32x4_add(a0, wasm_i32x4_extmul_low_i16x8(v, taps[ky * kw + kx]));
                        a1 = wasm_i32x4_add(a1, wasm_i32x4_extmul_high_i16x8(v, taps[ky * kw + kx]));
                    }
                }
                if (vector_requant) {
                    int8_t bytes[16];
                    a0 = tl_requant_wasm_apply(wasm_i32x4_add(a0, b0), &q0);
                    a1 = tl_requant_wasm_apply(wasm_i32x4_add(a1, b1), &q1);
                    a0 = wasm_i32x4_add(wasm_i32x4_min(wasm_i32x4_max(a0, nbound), bound), offset);
                    a1 = wasm_i32x4_add(wasm_i32x4_min(wasm_i32x4_max(a1, nbound), bound), offset);
                    a0 = wasm_i16x8_narrow_i32x4(wasm_i32x4_min(wasm_i32x4_max(a0, lo), hi),
                                                 wasm_i32x4_min(wasm_i32x4_max(a1, lo), hi));
                    wasm_v128_store(bytes, wasm_i8x16_narrow_i16x8(a0, a0)); /* in int8 already: values kept */
                    memcpy(out, bytes, (size_t)n);
                    continue;
                }
                wasm_v128_store(acc, a0);
                wasm_v128_store(acc + 4, a1);
                for (j = 0; j < n; j++) {
                    int32_t r = tl_multiply_by_quantized_multiplier(acc[j] + (bias ? bias[c + j] : 0), d->mult[c + j],
                                                                    tl_conv_shift(d)[c + j]);
                    r = tl_clamp_i32(r, -(1 << 16), 1 << 16); /* as the reference: the offset cannot overflow */
                    out[j] = (int8_t)tl_clamp_i32(r + d->out_offset, d->q_lo, d->q_hi);
                }
            }
        }
    }
}

#else
typedef int tl_dw_s8_wasm_unused; /* ISO C: a translation unit holds at least one declaration */
#endif
