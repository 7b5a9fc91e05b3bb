/* DEPTHWISE_CONV_2D int8 micro-kernels for x86-64 (see depthwise_conv_2d_s8.c): per output row and
 * block of 16 (AVX-512) or 8 (AVX2) channels, the window's weights are widened to int32 once; each
 * output pixel then costs, per tap, one load, a widening, the input offset (AVX2, and AVX-512 at the
 * border), a multiply and an add, and per block one requantization (requant_x86.h). 3x3 windows at dilation 1
 * take the AVX-512 kernel on packed int16 pairs instead (depthwise_s8_pairs_x86.h, included below twice). */
#include "depthwise_s8.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <string.h>

#include "requant_x86.h"

/* Requantize, offset, clamp and store one pixel's block of channels (m: its lanes). */
AVX512 static inline void store_512(int8_t *y, __mmask16 m, __m512i acc, const tl_requant_512 *q, int left,
                                    const tl_conv_data *d) {
    const __m512i bound = _mm512_set1_epi32(1 << 16);
    acc = tl_requant_512_apply(acc, q, left);
    acc = _mm512_min_epi32(_mm512_max_epi32(acc, _mm512_sub_epi32(_mm512_setzero_si512(), bound)), bound);
    acc = _mm512_add_epi32(acc, _mm512_set1_epi32(d->out_offset));
    acc = _mm512_min_epi32(_mm512_max_epi32(acc, _mm512_set1_epi32(d->q_lo)), _mm512_set1_epi32(d->q_hi));
    _mm_mask_storeu_epi8(y, m, _mm512_cvtepi32_epi8(acc));
}

AVX512 static inline __m512i load_512(__mmask16 m, const int8_t *p) {
    return _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m, p));
}

/* Where the whole window lies inside the input, sum (x + in_offset) * w = sum x * w + in_offset * sum w:
 * the second term joins the bias once per row block, and four output pixels share each tap's weights.
 * Pixels whose window is clipped by the border add in_offset tap by tap over the taps inside. The int32
 * sums are the same either way (prepare bounds them inside int32; lane adds wrap, so the order of the
 * terms cannot change the result). */
AVX512 void tl_dw_s8_avx512(const tl_conv_data *d, const int8_t *x, const int8_t *f, const int32_t *bias, int8_t *y,
                            int64_t first_row, int64_t last_row) {
    const tl_window *w = &d->win;
    const int32_t c_all = d->out_c, kh = w->filter_h, kw = w->filter_w, ntaps = kh * kw;
    const int64_t px_step = (int64_t)w->stride_w * c_all, col_step = (int64_t)w->dil_w * c_all;
    const int64_t row_step = (int64_t)w->dil_h * d->in_w * c_all;
    const __m512i in_offset = _mm512_set1_epi32(d->in_offset);
    /* output columns whose window lies inside the input's width: [ox_lo, ox_hi) */
    const int32_t ox_lo = (w->pad_w + w->stride_w - 1) / w->stride_w;
    const int32_t span = (kw - 1) * w->dil_w + 1;
    const int32_t ox_hi_raw = d->in_w - span + w->pad_w >= 0 ? (d->in_w - span + w->pad_w) / w->stride_w + 1 : 0;
    const int32_t ox_hi = ox_hi_raw < w->out_w ? ox_hi_raw : w->out_w;
    __m512i taps[TL_DW_MAX_TAPS];
    int64_t line;
    int32_t ox, c, ky, kx, t;
    for (line = first_row; line < last_row; line++) {
        int32_t b = (int32_t)(line / w->out_h), oy = (int32_t)(line % w->out_h);
        int32_t oy0 = oy * w->stride_h - w->pad_h, ky0, ky1;
        const int64_t in_row = ((int64_t)b * d->in_h + oy0) * d->in_w * c_all; /* index; negative above the top */
        int8_t *out_row = y + ((int64_t)b * w->out_h + oy) * w->out_w * c_all;
        int full_rows;
        tl_window_taps(oy0, w->dil_h, kh, d->in_h, &ky0, &ky1);
        full_rows = ky0 == 0 && ky1 == kh;
        for (c = 0; c < c_all; c += 16) {
            __mmask16 m = (__mmask16)(c_all - c >= 16 ? 0xFFFFu : (1u << (c_all - c)) - 1u);
            __m512i vb = bias ? _mm512_maskz_loadu_epi32(m, bias + c) : _mm512_setzero_si512(), wsum, folded;
            __m512i shift = _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m, tl_conv_shift(d) + c));
            const tl_requant_512 q = tl_requant_512_setup(_mm512_maskz_loadu_epi32(m, d->mult + c), shift);
            const int left = _mm512_cmpgt_epi32_mask(shift, _mm512_setzero_si512()) != 0;
            int32_t first_full = full_rows ? ox_lo : w->out_w, last_full = full_rows ? ox_hi : w->out_w;
            wsum = _mm512_setzero_si512();
            for (t = 0; t < ntaps; t++) {
                taps[t] = load_512(m, f + (int64_t)t * c_all + c);
                wsum = _mm512_add_epi32(wsum, taps[t]);
            }
            folded = _mm512_add_epi32(vb, _mm512_mullo_epi32(in_offset, wsum));
            if (first_full > last_full) first_full = last_full;
            for (ox = 0; ox < w->out_w; ox++) {
                int32_t ox0 = ox * w->stride_w - w->pad_w, kx0, kx1;
                __m512i acc = vb;
                if (ox == first_full) { /* the inside pixels, four at a time, then one at a time */
                    for (; ox + 4 <= last_full; ox += 4) {
                        const int8_t *p = x + (in_row + (int64_t)(ox * w->stride_w - w->pad_w) * c_all + c);
                        __m512i a0 = folded, a1 = folded, a2 = folded, a3 = folded;
                        for (ky = 0, t = 0; ky < kh; ky++, p += row_step)
                            for (kx = 0; kx < kw; kx++, t++) {
                                const int8_t *q0 = p + kx * col_step;
                                a0 = _mm512_add_epi32(a0, _mm512_mullo_epi32(load_512(m, q0), taps[t]));
                                a1 = _mm512_add_epi32(a1, _mm512_mullo_epi32(load_512(m, q0 + px_step), taps[t]));
                                a2 = _mm512_add_epi32(a2, _mm512_mullo_epi32(load_512(m, q0 + 2 * px_step), taps[t]));
                                a3 = _mm512_add_epi32(a3, _mm512_mullo_epi32(load_512(m, q0 + 3 * px_step), taps[t]));
                            }
                        store_512(out_row + (int64_t)ox * c_all + c, m, a0, &q, left, d);
                        store_512(out_row + (int64_t)(ox + 1) * c_all + c, m, a1, &q, left, d);
                        store_512(out_row + (int64_t)(ox + 2) * c_all + c, m, a2, &q, left, d);
                        store_512(out_row + (int64_t)(ox + 3) * c_all + c, m, a3, &q, left, d);
                    }
                    for (; ox < last_full; ox++) {
                        const int8_t *p = x + (in_row + (int64_t)(ox * w->stride_w - w->pad_w) * c_all + c);
                        __m512i a0 = folded;
                        for (ky = 0, t = 0; ky < kh; ky++, p += row_step)
                            for (kx = 0; kx < kw; kx++, t++)
                                a0 = _mm512_add_epi32(a0, _mm512_mullo_epi32(load_512(m, p + kx * col_step), taps[t]));
                        store_512(out_row + (int64_t)ox * c_all + c, m, a0, &q, left, d);
                    }
                    if (ox == w->out_w) break;
                    ox0 = ox * w->stride_w - w->pad_w;
                }
                tl_window_taps(ox0, w->dil_w, kw, d->in_w, &kx0, &kx1);
                for (ky = ky0; ky < ky1; ky++) {
                    const int64_t row = in_row + ((int64_t)ky * w->dil_h * d->in_w + ox0) * c_all + c;
                    for (kx = kx0; kx < kx1; kx++) {
                        __m512i v = _mm512_add_epi32(load_512(m, x + (row + kx * col_step)), in_offset);
                        acc = _mm512_add_epi32(acc, _mm512_mullo_epi32(v, taps[ky * kw + kx]));
                    }
                }
                store_512(out_row + (int64_t)ox * c_all + c, m, acc, &q, left, d);
            }
        }
    }
}

AVX2 static __m256i load8(const int8_t *p, int32_t n) { /* n <= 8 int8 widened to int32, zeros past n */
    int8_t tmp[8] = {0};
    int64_t v;
    if (n == 8) {
        memcpy(&v, p, 8);
    } else {
        memcpy(tmp, p, (size_t)n);
        memcpy(&v, tmp, 8);
    }
    return _mm256_cvtepi8_epi32(_mm_cvtsi64_si128(v));
}

AVX2 void tl_dw_s8_avx2(const tl_conv_data *d, const int8_t *x, const int8_t *f, const int32_t *bias, int8_t *y,
                        int64_t first_row, int64_t last_row) {
    const tl_window *w = &d->win;
    const int32_t c_all = d->out_c, kw = w->filter_w;
    const __m256i in_offset = _mm256_set1_epi32(d->in_offset), out_offset = _mm256_set1_epi32(d->out_offset);
    const __m256i lo = _mm256_set1_epi32(d->q_lo), hi = _mm256_set1_epi32(d->q_hi), bound = _mm256_set1_epi32(1 << 16);
    __m256i taps[TL_DW_MAX_TAPS];
    int64_t line;
    int32_t ox, c, ky, kx, j;
    for (line = first_row; line < last_row; line++) {
        int32_t b = (int32_t)(line / w->out_h), oy = (int32_t)(line % w->out_h);
        int32_t oy0 = oy * w->stride_h - w->pad_h, ky0, ky1;
        tl_window_taps(oy0, w->dil_h, w->filter_h, d->in_h, &ky0, &ky1);
        for (c = 0; c < c_all; c += 8) {
            int32_t n = c_all - c < 8 ? c_all - c : 8, lanes[8] = {0}, mults[8] = {0}, shifts[8] = {0};
            __m256i vb, mult, shift;
            for (j = 0; j < n; j++) {
                lanes[j] = bias ? bias[c + j] : 0;
                mults[j] = d->mult[c + j];
                shifts[j] = tl_conv_shift(d)[c + j];
            }
            vb = _mm256_loadu_si256((const __m256i *)lanes);
            mult = _mm256_loadu_si256((const __m256i *)mults);
            shift = _mm256_loadu_si256((const __m256i *)shifts);
            for (ky = ky0; ky < ky1; ky++)
                for (kx = 0; kx < kw; kx++) taps[ky * kw + kx] = load8(f + (int64_t)(ky * kw + kx) * c_all + c, n);
            for (ox = 0; ox < w->out_w; ox++) {
                int32_t ox0 = ox * w->stride_w - w->pad_w, kx0, kx1, out[8];
                __m256i acc = _mm256_setzero_si256();
                tl_window_taps(ox0, w->dil_w, kw, d->in_w, &kx0, &kx1);
                for (ky = ky0; ky < ky1; ky++) {
                    const int8_t *row = x + (((int64_t)b * d->in_h + oy0 + ky * w->dil_h) * d->in_w + ox0) * c_all + c;
                    for (kx = kx0; kx < kx1; kx++) {
                        __m256i v = _mm256_add_epi32(load8(row + (int64_t)kx * w->dil_w * c_all, n), in_offset);
                        acc = _mm256_add_epi32(acc, _mm256_mullo_epi32(v, taps[ky * kw + kx]));
                    }
                }
                acc = tl_requantize_256(_mm256_add_epi32(acc, vb), mult, shift);
                acc = _mm256_min_epi32(_mm256_max_epi32(acc, _mm256_sub_epi32(_mm256_setzero_si256(), bound)), bound);
                acc = _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(acc, out_offset), lo), hi);
                _mm256_storeu_si256((__m256i *)out, acc);
                for (j = 0; j < n; j++) y[(((int64_t)b * w->out_h + oy) * w->out_w + ox) * c_all + c + j] = (int8_t)out[j];
            }
        }
    }
}

#define DWP_TARGET AVX512
#define DWP_NAME(n) n##_avx512
#define DWP_DOT(acc, a, b) _mm512_add_epi32(acc, _mm512_madd_epi16(a, b))
#include "depthwise_s8_pairs_x86.h"
#undef DWP_TARGET
#undef DWP_NAME
#undef DWP_DOT

#define DWP_TARGET AVX512VNNI
#define DWP_NAME(n) n##_avx512vnni
#define DWP_DOT(acc, a, b) _mm512_dpwssd_epi32(acc, a, b)
#include "depthwise_s8_pairs_x86.h"
#undef DWP_TARGET
#undef DWP_NAME
#undef DWP_DOT

#else
typedef int tl_dw_s8_x86_unused; /* ISO C: a translation unit holds at least one declaration */
#endif
