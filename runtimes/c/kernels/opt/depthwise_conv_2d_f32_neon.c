/* DEPTHWISE_CONV_2D float32 micro-kernel for AArch64 NEON (see depthwise_conv_2d_f32.c): per output
 * pixel, 16 channels at a time in four q registers; each tap costs a load of the input and of the
 * weights, a multiply and an add. Products and sums are separate operations in the reference
 * kernel's order (taps row by row, the bias last), never fused, so the results are the reference's
 * bit for bit. A last block of fewer than 16 channels goes 4 at a time, the final partial group
 * through a small buffer. Other targets compile this file to nothing. */
#include "depthwise_f32.h"

#if defined(__aarch64__) && defined(__ARM_NEON)
#include <arm_neon.h>

static float32x4_t load_n(const float *p, int32_t n) { /* n <= 4 floats, zeros past n */
    float tmp[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    int32_t j;
    if (n >= 4) return vld1q_f32(p);
    for (j = 0; j < n; j++) tmp[j] = p[j];
    return vld1q_f32(tmp);
}

static float32x4_t mul_add(float32x4_t acc, float32x4_t a, float32x4_t b) {
    float32x4_t p = vmulq_f32(a, b); /* rounded product, then the sum: as the reference, no FMA */
    return vaddq_f32(acc, p);
}

void tl_dw_f32_neon(const tl_conv_data *d, const float *x, const float *f, const float *bias, float *y,
                    int64_t first_row, int64_t last_row) {
    const tl_window *w = &d->win;
    const int32_t c_all = d->out_c, kw = w->filter_w;
    const float32x4_t lo = vdupq_n_f32(d->f_lo), hi = vdupq_n_f32(d->f_hi);
    int64_t line;
    int32_t ox, c, ky, kx, j;
    for (line = first_row; line < last_row; line++) {
        int32_t b = (int32_t)(line / w->out_h), oy = (int32_t)(line % w->out_h);
        int32_t oy0 = oy * w->stride_h - w->pad_h, ky0, ky1;
        const float *in = x + (int64_t)b * d->in_h * d->in_w * c_all;
        float *out_row = y + ((int64_t)b * w->out_h + oy) * w->out_w * c_all;
        tl_window_taps(oy0, w->dil_h, w->filter_h, d->in_h, &ky0, &ky1);
        for (c = 0; c + 16 <= c_all; c += 16) {
            float32x4_t b0 = vdupq_n_f32(0.0f), b1 = b0, b2 = b0, b3 = b0;
            if (bias) b0 = vld1q_f32(bias + c), b1 = vld1q_f32(bias + c + 4), b2 = vld1q_f32(bias + c + 8), b3 = vld1q_f32(bias + c + 12);
            for (ox = 0; ox < w->out_w; ox++) {
                int32_t ox0 = ox * w->stride_w - w->pad_w, kx0, kx1;
                float32x4_t a0 = vdupq_n_f32(0.0f), a1 = a0, a2 = a0, a3 = a0;
                float *out = out_row + (int64_t)ox * c_all + c;
                tl_window_taps(ox0, w->dil_w, kw, d->in_w, &kx0, &kx1);
                for (ky = ky0; ky < ky1; ky++) {
                    const float *row = in + ((int64_t)(oy0 + ky * w->dil_h) * d->in_w + ox0) * c_all + c;
                    const float *taps = f + (int64_t)ky * kw * c_all + c;
                    for (kx = kx0; kx < kx1; kx++) {
                        const float *px = row + (int64_t)kx * w->dil_w * c_all, *pw = taps + (int64_t)kx * c_all;
                        a0 = mul_add(a0, vld1q_f32(px), vld1q_f32(pw));
                        a1 = mul_add(a1, vld1q_f32(px + 4), vld1q_f32(pw + 4));
                        a2 = mul_add(a2, vld1q_f32(px + 8), vld1q_f32(pw + 8));
                        a3 = mul_add(a3, vld1q_f32(px + 12), vld1q_f32(pw + 12));
                    }
                }
                vst1q_f32(out, vminq_f32(vmaxq_f32(vaddq_f32(a0, b0), lo), hi));
                vst1q_f32(out + 4, vminq_f32(vmaxq_f32(vaddq_f32(a1, b1), lo), hi));
                vst1q_f32(out + 8, vminq_f32(vmaxq_f32(vaddq_f32(a2, b2), lo), hi));
                vst1q_f32(out + 12, vminq_f32(vmaxq_f32(vaddq_f32(a3, b3), lo), hi));
            }
        }
        for (; c < c_all; c += 4) { /* the last channels, 4 at a time */
            int32_t n = c_all - c < 4 ? c_all - c : 4;
            float32x4_t vb = bias ? load_n(bias + c, n) : vdupq_n_f32(0.0f);
            for (ox = 0; ox < w->out_w; ox++) {
                int32_t ox0 = ox * w->stride_w - w->pad_w, kx0, kx1;
                float32x4_t acc = vdupq_n_f32(0.0f);
                float *out = out_row + (int64_t)ox * c_all + c, tmp[4];
                tl_window_taps(ox0, w->dil_w, kw, d->in_w, &kx0, &kx1);
                for (ky = ky0; ky < ky1; ky++) {
                    const float *row = in + ((int64_t)(oy0 + ky * w->dil_h) * d->in_w + ox0) * c_all + c;
                    const float *taps = f + (int64_t)ky * kw * c_all + c;
                    for (kx = kx0; kx < kx1; kx++)
                        acc = mul_add(acc, load_n(row + (int64_t)kx * w->dil_w * c_all, n), load_n(taps + (int64_t)kx * c_all, n));
                }
                acc = vminq_f32(vmaxq_f32(vaddq_f32(acc, vb), lo), hi);
                if (n == 4) {
                    vst1q_f32(out, acc);
                } else {
                    vst1q_f32(tmp, acc);
                    for (j = 0; j < n; j++) out[j] = tmp[j];
                }
            }
        }
    }
}

#else
typedef int tl_dw_f32_neon_unused; /* ISO C: a translation unit holds at least one declaration */
#endif
