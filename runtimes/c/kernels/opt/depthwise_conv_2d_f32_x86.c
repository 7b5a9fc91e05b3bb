/* DEPTHWISE_CONV_2D float32 micro-kernels for x86-64 (see depthwise_conv_2d_f32.c), compiled for
 * their instruction set by function attributes. Per output row and block of 16 (AVX-512) or 8
 * (AVX2) channels, the window's weights are loaded once into registers; each output pixel then
 * costs one load, one multiply and one add per tap. Products and sums are separate statements, in
 * the reference kernel's order, so no compiler fuses them: results equal the reference's. */
#include "depthwise_f32.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl")))
void tl_dw_f32_avx512(const tl_conv_data *d, const float *x, const float *f, const float *bias, float *y, int64_t first_row,
                      int64_t last_row) {
    const tl_window *w = &d->win;
    const int32_t c_all = d->out_c, kw = w->filter_w;
    const __m512 lo = _mm512_set1_ps(d->f_lo), hi = _mm512_set1_ps(d->f_hi);
    __m512 taps[TL_DW_MAX_TAPS];
    int64_t line;
    int32_t ox, c, ky, kx;
    for (line = first_row; line < last_row; line++) {
        int32_t b = (int32_t)(line / w->out_h), oy = (int32_t)(line % w->out_h);
        int32_t oy0 = oy * w->stride_h - w->pad_h, ky0, ky1;
        tl_window_taps(oy0, w->dil_h, w->filter_h, d->in_h, &ky0, &ky1);
        for (c = 0; c < c_all; c += 16) {
            __mmask16 m = (__mmask16)(c_all - c >= 16 ? 0xFFFFu : (1u << (c_all - c)) - 1u);
            __m512 vb = bias ? _mm512_maskz_loadu_ps(m, bias + c) : _mm512_setzero_ps();
            for (ky = ky0; ky < ky1; ky++)
                for (kx = 0; kx < kw; kx++) taps[ky * kw + kx] = _mm512_maskz_loadu_ps(m, f + (int64_t)(ky * kw + kx) * c_all + c);
            for (ox = 0; ox < w->out_w; ox++) {
                int32_t ox0 = ox * w->stride_w - w->pad_w, kx0, kx1;
                __m512 acc = _mm512_setzero_ps();
                tl_window_taps(ox0, w->dil_w, kw, d->in_w, &kx0, &kx1);
                for (ky = ky0; ky < ky1; ky++) {
                    const float *row = x + (((int64_t)b * d->in_h + oy0 + ky * w->dil_h) * d->in_w + ox0) * c_all + c;
                    for (kx = kx0; kx < kx1; kx++) {
                        __m512 p = _mm512_mul_ps(_mm512_maskz_loadu_ps(m, row + (int64_t)kx * w->dil_w * c_all),
                                                 taps[ky * kw + kx]);
                        acc = _mm512_add_ps(acc, p);
                    }
                }
                acc = _mm512_add_ps(acc, vb);
                _mm512_mask_storeu_ps(y + (((int64_t)b * w->out_h + oy) * w->out_w + ox) * c_all + c, m,
                                      _mm512_min_ps(_mm512_max_ps(acc, lo), hi));
            }
        }
    }
}

__attribute__((target("avx2"))) void tl_dw_f32_avx2(const tl_conv_data *d, const float *x, const float *f,
                                                     const float *bias, float *y, int64_t first_row, int64_t last_row) {
    const tl_window *w = &d->win;
    const int32_t c_all = d->out_c, kw = w->filter_w;
    const __m256 lo = _mm256_set1_ps(d->f_lo), hi = _mm256_set1_ps(d->f_hi);
    __m256 taps[TL_DW_MAX_TAPS];
    int64_t line;
    int32_t ox, c, ky, kx, j;
    for (line = first_row; line < last_row; line++) {
        int32_t b = (int32_t)(line / w->out_h), oy = (int32_t)(line % w->out_h);
        int32_t oy0 = oy * w->stride_h - w->pad_h, ky0, ky1;
        tl_window_taps(oy0, w->dil_h, w->filter_h, d->in_h, &ky0, &ky1);
        for (c = 0; c < c_all; c += 8) {
            int32_t n = c_all - c < 8 ? c_all - c : 8;
            __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
            __m256 vb = bias ? _mm256_maskload_ps(bias + c, m) : _mm256_setzero_ps();
            for (ky = ky0; ky < ky1; ky++)
                for (kx = 0; kx < kw; kx++) taps[ky * kw + kx] = _mm256_maskload_ps(f + (int64_t)(ky * kw + kx) * c_all + c, m);
            for (ox = 0; ox < w->out_w; ox++) {
                int32_t ox0 = ox * w->stride_w - w->pad_w, kx0, kx1;
                __m256 acc = _mm256_setzero_ps();
                float *out = y + (((int64_t)b * w->out_h + oy) * w->out_w + ox) * c_all + c;
                tl_window_taps(ox0, w->dil_w, kw, d->in_w, &kx0, &kx1);
                for (ky = ky0; ky < ky1; ky++) {
                    const float *row = x + (((int64_t)b * d->in_h + oy0 + ky * w->dil_h) * d->in_w + ox0) * c_all + c;
                    for (kx = kx0; kx < kx1; kx++) {
                        __m256 p = _mm256_mul_ps(_mm256_maskload_ps(row + (int64_t)kx * w->dil_w * c_all, m),
                                                 taps[ky * kw + kx]);
                        acc = _mm256_add_ps(acc, p);
                    }
                }
                acc = _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(acc, vb), lo), hi);
                if (n == 8) {
                    _mm256_storeu_ps(out, acc);
                } else {
                    float tmp[8];
                    _mm256_storeu_ps(tmp, acc);
                    for (j = 0; j < n; j++) out[j] = tmp[j];
                }
            }
        }
    }
}

#else
typedef int tl_dw_f32_x86_unused; /* ISO C: a translation unit holds at least one declaration */
#endif
