/* DEPTHWISE_CONV_2D int8 micro-kernel for AArch64 NEON (see depthwise_conv_2d_s8.c): per output row
 * and block of 16 channels, the window's weights are widened to int16 once; each output pixel then
 * costs, per tap, one 16-byte load, its widening to int16 plus the input offset (x + in_offset is
 * inside [-255, 255]), and four widening multiply-accumulates into int32 (SMLAL / SMLAL2), and per
 * block one requantization (requant_neon.h). Exact integer arithmetic: the reference's results. A
 * last block of fewer than 16 channels is read and written through small buffers. Other targets
 * compile this file to nothing. */
#include "depthwise_s8.h"

#if defined(__aarch64__) && defined(__ARM_NEON)
#include <arm_neon.h>
#include <string.h>

#include "requant_neon.h"

static int8x16_t load16(const int8_t *p, int32_t n) { /* n <= 16 bytes, zeros past n */
    int8_t tmp[16] = {0};
    if (n == 16) return vld1q_s8(p);
    memcpy(tmp, p, (size_t)n);
    return vld1q_s8(tmp);
}

static int32x4_t load4_s32(const int32_t *p, int32_t n) { /* lanes [0, 4) of p, zeros at n and past */
    int32_t tmp[4] = {0, 0, 0, 0};
    int32_t j;
    if (n >= 4) return vld1q_s32(p);
    for (j = 0; j < n; j++) tmp[j] = p[j];
    return vld1q_s32(tmp);
}

static int32x4_t load4_s8_s32(const int8_t *p, int32_t n) { /* as load4_s32, from bytes (the shifts) */
    int32_t tmp[4] = {0, 0, 0, 0};
    int32_t j;
    for (j = 0; j < n && j < 4; j++) tmp[j] = p[j];
    return vld1q_s32(tmp);
}

void tl_dw_s8_neon(const tl_conv_data *d, const int8_t *x, const int8_t *f, const int32_t *bias, int8_t *y,
                   int64_t first_row, int64_t last_row) {
    const tl_window *w = &d->win;
    const int32_t c_all = d->out_c, kw = w->filter_w;
    const int16x8_t in_offset = vdupq_n_s16((int16_t)d->in_offset);
    const int32x4_t out_offset = vdupq_n_s32(d->out_offset), lo = vdupq_n_s32(d->q_lo), hi = vdupq_n_s32(d->q_hi);
    int16x8_t taps[TL_DW_MAX_TAPS][2];
    int64_t line;
    int32_t ox, c, ky, kx, q;
    for (line = first_row; line < last_row; line++) {
        int32_t b = (int32_t)(line / w->out_h), oy = (int32_t)(line % w->out_h);
        int32_t oy0 = oy * w->stride_h - w->pad_h, ky0, ky1;
        const int8_t *in = x + (int64_t)b * d->in_h * d->in_w * c_all;
        int8_t *out_row = y + ((int64_t)b * w->out_h + oy) * w->out_w * c_all;
        tl_window_taps(oy0, w->dil_h, w->filter_h, d->in_h, &ky0, &ky1);
        for (c = 0; c < c_all; c += 16) {
            int32_t n = c_all - c < 16 ? c_all - c : 16;
            int32x4_t vb[4], mult[4], shift[4];
            for (q = 0; q < 4; q++) {
                int32_t lanes = n - 4 * q;
                vb[q] = bias ? load4_s32(bias + c + 4 * q, lanes) : vdupq_n_s32(0);
                mult[q] = load4_s32(d->mult + c + 4 * q, lanes);
                shift[q] = load4_s8_s32(tl_conv_shift(d) + c + 4 * q, lanes);
            }
            for (ky = ky0; ky < ky1; ky++)
                for (kx = 0; kx < kw; kx++) {
                    int8x16_t v = load16(f + (int64_t)(ky * kw + kx) * c_all + c, n);
                    taps[ky * kw + kx][0] = vmovl_s8(vget_low_s8(v));
                    taps[ky * kw + kx][1] = vmovl_high_s8(v);
                }
            for (ox = 0; ox < w->out_w; ox++) {
                int32_t ox0 = ox * w->stride_w - w->pad_w, kx0, kx1;
                int32x4_t a0 = vdupq_n_s32(0), a1 = a0, a2 = a0, a3 = a0;
                int8_t *out = out_row + (int64_t)ox * c_all + c;
                int8x16_t r;
                tl_window_taps(ox0, w->dil_w, kw, d->in_w, &kx0, &kx1);
                for (ky = ky0; ky < ky1; ky++) {
                    const int8_t *row = in + ((int64_t)(oy0 + ky * w->dil_h) * d->in_w + ox0) * c_all + c;
                    for (kx = kx0; kx < kx1; kx++) {
                        int8x16_t v = load16(row + (int64_t)kx * w->dil_w * c_all, n);
                        int16x8_t v0 = vaddq_s16(vmovl_s8(vget_low_s8(v)), in_offset);
                        int16x8_t v1 = vaddq_s16(vmovl_high_s8(v), in_offset);
                        const int16x8_t *t = taps[ky * kw + kx];
                        a0 = vmlal_s16(a0, vget_low_s16(v0), vget_low_s16(t[0]));
                        a1 = vmlal_high_s16(a1, v0, t[0]);
                        a2 = vmlal_s16(a2, vget_low_s16(v1), vget_low_s16(t[1]));
                        a3 = vmlal_high_s16(a3, v1, t[1]);
                    }
                }
                a0 = tl_requantize_clamp_neon(vaddq_s32(a0, vb[0]), mult[0], shift[0], out_offset, lo, hi);
                a1 = tl_requantize_clamp_neon(vaddq_s32(a1, vb[1]), mult[1], shift[1], out_offset, lo, hi);
                a2 = tl_requantize_clamp_neon(vaddq_s32(a2, vb[2]), mult[2], shift[2], out_offset, lo, hi);
                a3 = tl_requantize_clamp_neon(vaddq_s32(a3, vb[3]), mult[3], shift[3], out_offset, lo, hi);
                r = tl_narrow_s8_neon(a0, a1, a2, a3);
                if (n == 16) {
                    vst1q_s8(out, r);
                } else {
                    int8_t tmp[16];
                    vst1q_s8(tmp, r);
                    memcpy(out, tmp, (size_t)n);
                }
            }
        }
    }
}

#else
typedef int tl_dw_s8_neon_unused; /* ISO C: a translation unit holds at least one declaration */
#endif
