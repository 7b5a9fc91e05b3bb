/* DEPTHWISE_CONV_2D float32 micro-kernels for x86-64 (see depthwise_conv_2d_f32.c), compiled for
 * their instruction set by function attributes. Per output row and block of 16 (AVX-512) or 8
 * (AVX2) channels, the window's weights are loaded once into registers; each output pixel then
 * costs one load, one multiply and one add per tap. Products and sums are separate statements, in
 * the reference kernel's order, so no compiler fuses them: results equal the reference's. */
#include "depthwise_f32.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl")))

/* One input row's three taps added to an output's sum: in the reference's order, product then sum. */
#define DW3_ROW(acc, r0, r1, r2, t0, t1, t2)            \
    do {                                                \
        acc = _mm512_add_ps(acc, _mm512_mul_ps(r0, t0)); \
        acc = _mm512_add_ps(acc, _mm512_mul_ps(r1, t1)); \
        acc = _mm512_add_ps(acc, _mm512_mul_ps(r2, t2)); \
    } while (0)

/* Outputs ox in [from, to) of one row whose 3x3 window (dilation 1) lies wholly inside the input:
 * the nine taps stay in registers, no per-pixel bounds, and at stride 1 four neighbouring outputs
 * share the six input columns they read (18 loads for 4 outputs instead of 36). rows[ky] points at
 * input row ky's column 0, channel c. */
AVX512 static void dw3_interior_avx512(const float *const rows[3], int64_t cs, int32_t stride, int32_t pad_w,
                                       int32_t from, int32_t to, const __m512 t[9], __mmask16 m, __m512 vb,
                                       __m512 lo, __m512 hi, float *out) {
    const __m512 t0 = t[0], t1 = t[1], t2 = t[2], t3 = t[3], t4 = t[4], t5 = t[5], t6 = t[6], t7 = t[7], t8 = t[8];
    int32_t ox = from, ky, j;
    if (stride == 1)
        for (; ox + 4 <= to; ox += 4) {
            __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, v[6];
            for (ky = 0; ky < 3; ky++) {
                const float *src = rows[ky] + (int64_t)(ox - pad_w) * cs;
                const __m512 w0 = ky == 0 ? t0 : ky == 1 ? t3 : t6, w1 = ky == 0 ? t1 : ky == 1 ? t4 : t7,
                             w2 = ky == 0 ? t2 : ky == 1 ? t5 : t8;
                for (j = 0; j < 6; j++) v[j] = _mm512_maskz_loadu_ps(m, src + j * cs);
                DW3_ROW(a0, v[0], v[1], v[2], w0, w1, w2);
                DW3_ROW(a1, v[1], v[2], v[3], w0, w1, w2);
                DW3_ROW(a2, v[2], v[3], v[4], w0, w1, w2);
                DW3_ROW(a3, v[3], v[4], v[5], w0, w1, w2);
            }
            _mm512_mask_storeu_ps(out + (int64_t)ox * cs, m, _mm512_min_ps(_mm512_max_ps(_mm512_add_ps(a0, vb), lo), hi));
            _mm512_mask_storeu_ps(out + (int64_t)(ox + 1) * cs, m, _mm512_min_ps(_mm512_max_ps(_mm512_add_ps(a1, vb), lo), hi));
            _mm512_mask_storeu_ps(out + (int64_t)(ox + 2) * cs, m, _mm512_min_ps(_mm512_max_ps(_mm512_add_ps(a2, vb), lo), hi));
            _mm512_mask_storeu_ps(out + (int64_t)(ox + 3) * cs, m, _mm512_min_ps(_mm512_max_ps(_mm512_add_ps(a3, vb), lo), hi));
        }
    for (; ox < to; ox++) {
        const int64_t at = (int64_t)(ox * stride - pad_w) * cs;
        __m512 a = _mm512_setzero_ps();
        DW3_ROW(a, _mm512_maskz_loadu_ps(m, rows[0] + at), _mm512_maskz_loadu_ps(m, rows[0] + at + cs),
                _mm512_maskz_loadu_ps(m, rows[0] + at + 2 * cs), t0, t1, t2);
        DW3_ROW(a, _mm512_maskz_loadu_ps(m, rows[1] + at), _mm512_maskz_loadu_ps(m, rows[1] + at + cs),
                _mm512_maskz_loadu_ps(m, rows[1] + at + 2 * cs), t3, t4, t5);
        DW3_ROW(a, _mm512_maskz_loadu_ps(m, rows[2] + at), _mm512_maskz_loadu_ps(m, rows[2] + at + cs),
                _mm512_maskz_loadu_ps(m, rows[2] + at + 2 * cs), t6, t7, t8);
        _mm512_mask_storeu_ps(out + (int64_t)ox * cs, m, _mm512_min_ps(_mm512_max_ps(_mm512_add_ps(a, vb), lo), hi));
    }
}

AVX512 void tl_dw_f32_avx512(const tl_conv_data *d, const float *x, const float *f, const float *bias, float *y,
                             int64_t first_row, int64_t last_row) {
    const tl_window *w = &d->win;
    const int32_t c_all = d->out_c, kw = w->filter_w;
    const __m512 lo = _mm512_set1_ps(d->f_lo), hi = _mm512_set1_ps(d->f_hi);
    /* the outputs whose 3x3 window (dilation 1) lies inside the row: [in_lo, in_hi) */
    const int three = kw == 3 && w->filter_h == 3 && w->dil_w == 1 && w->dil_h == 1;
    const int32_t in_lo = (w->pad_w + w->stride_w - 1) / w->stride_w;
    const int32_t in_hi = d->in_w - 3 + w->pad_w < 0 ? 0 : (d->in_w - 3 + w->pad_w) / w->stride_w + 1;
    const int32_t end = in_hi < w->out_w ? in_hi : w->out_w;
    /* Where every pixel's channels start at the same offset within a 64-byte line (c_all a multiple of 16),
     * a first block of `head` channels puts the other blocks' loads on whole lines: an input 16 bytes off
     * a line (the arena aligns tensors to 16) made every 64-byte load span two lines, 1.25-1.5x slower
     * at 96-576 channels. Below 64 channels the extra block costs more than it saves. */
    const int32_t mis = (int32_t)((uintptr_t)x / sizeof(float) % 16);
    const int32_t head = c_all % 16 == 0 && c_all >= 64 && mis ? 16 - mis : 0;
    __m512 taps[TL_DW_MAX_TAPS];
    int64_t line;
    int32_t ox, c, ky, kx, n;
    for (line = first_row; line < last_row; line++) {
        int32_t b = (int32_t)(line / w->out_h), oy = (int32_t)(line % w->out_h);
        int32_t oy0 = oy * w->stride_h - w->pad_h, ky0, ky1;
        float *out_row = y + ((int64_t)b * w->out_h + oy) * w->out_w * c_all;
        tl_window_taps(oy0, w->dil_h, w->filter_h, d->in_h, &ky0, &ky1);
        for (c = 0; c < c_all; c += n) {
            n = c == 0 && head ? head : c_all - c < 16 ? c_all - c : 16;
            __mmask16 m = (__mmask16)((1u << n) - 1u);
            __m512 vb = bias ? _mm512_maskz_loadu_ps(m, bias + c) : _mm512_setzero_ps();
            for (ky = ky0; ky < ky1; ky++)
                for (kx = 0; kx < kw; kx++) taps[ky * kw + kx] = _mm512_maskz_loadu_ps(m, f + (int64_t)(ky * kw + kx) * c_all + c);
            for (ox = 0; ox < w->out_w; ox++) {
                int32_t ox0 = ox * w->stride_w - w->pad_w, kx0, kx1;
                __m512 acc = _mm512_setzero_ps();
                if (three && ky0 == 0 && ky1 == 3 && ox == in_lo && in_lo < end) {
                    const float *rows[3];
                    for (ky = 0; ky < 3; ky++) rows[ky] = x + ((int64_t)b * d->in_h + oy0 + ky) * d->in_w * c_all + c;
                    dw3_interior_avx512(rows, c_all, w->stride_w, w->pad_w, in_lo, end, taps, m, vb, lo, hi, out_row + c);
                    ox = end - 1;
                    continue;
                }
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
                _mm512_mask_storeu_ps(out_row + (int64_t)ox * c_all + c, m, _mm512_min_ps(_mm512_max_ps(acc, lo), hi));
            }
        }
    }
}

#define AVX2 __attribute__((target("avx2")))

#define DW3_ROW8(acc, r0, r1, r2, t0, t1, t2)           \
    do {                                                \
        acc = _mm256_add_ps(acc, _mm256_mul_ps(r0, t0)); \
        acc = _mm256_add_ps(acc, _mm256_mul_ps(r1, t1)); \
        acc = _mm256_add_ps(acc, _mm256_mul_ps(r2, t2)); \
    } while (0)

/* dw3_interior_avx512 for 8 channels (all 8 present): 16 ymm registers hold the nine taps, two
 * outputs and their four shared columns at stride 1. */
AVX2 static void dw3_interior_avx2(const float *const rows[3], int64_t cs, int32_t stride, int32_t pad_w, int32_t from,
                                   int32_t to, const __m256 t[9], __m256 vb, __m256 lo, __m256 hi, float *out) {
    const __m256 t0 = t[0], t1 = t[1], t2 = t[2], t3 = t[3], t4 = t[4], t5 = t[5], t6 = t[6], t7 = t[7], t8 = t[8];
    int32_t ox = from, ky;
    if (stride == 1)
        for (; ox + 2 <= to; ox += 2) {
            __m256 a0 = _mm256_setzero_ps(), a1 = a0;
            for (ky = 0; ky < 3; ky++) {
                const float *src = rows[ky] + (int64_t)(ox - pad_w) * cs;
                const __m256 w0 = ky == 0 ? t0 : ky == 1 ? t3 : t6, w1 = ky == 0 ? t1 : ky == 1 ? t4 : t7,
                             w2 = ky == 0 ? t2 : ky == 1 ? t5 : t8;
                const __m256 v0 = _mm256_loadu_ps(src), v1 = _mm256_loadu_ps(src + cs), v2 = _mm256_loadu_ps(src + 2 * cs),
                             v3 = _mm256_loadu_ps(src + 3 * cs);
                DW3_ROW8(a0, v0, v1, v2, w0, w1, w2);
                DW3_ROW8(a1, v1, v2, v3, w0, w1, w2);
            }
            _mm256_storeu_ps(out + (int64_t)ox * cs, _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(a0, vb), lo), hi));
            _mm256_storeu_ps(out + (int64_t)(ox + 1) * cs, _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(a1, vb), lo), hi));
        }
    for (; ox < to; ox++) {
        const int64_t at = (int64_t)(ox * stride - pad_w) * cs;
        __m256 a = _mm256_setzero_ps();
        DW3_ROW8(a, _mm256_loadu_ps(rows[0] + at), _mm256_loadu_ps(rows[0] + at + cs), _mm256_loadu_ps(rows[0] + at + 2 * cs),
                 t0, t1, t2);
        DW3_ROW8(a, _mm256_loadu_ps(rows[1] + at), _mm256_loadu_ps(rows[1] + at + cs), _mm256_loadu_ps(rows[1] + at + 2 * cs),
                 t3, t4, t5);
        DW3_ROW8(a, _mm256_loadu_ps(rows[2] + at), _mm256_loadu_ps(rows[2] + at + cs), _mm256_loadu_ps(rows[2] + at + 2 * cs),
                 t6, t7, t8);
        _mm256_storeu_ps(out + (int64_t)ox * cs, _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(a, vb), lo), hi));
    }
}

AVX2 void tl_dw_f32_avx2(const tl_conv_data *d, const float *x, const float *f,
                                                     const float *bias, float *y, int64_t first_row, int64_t last_row) {
    const tl_window *w = &d->win;
    const int32_t c_all = d->out_c, kw = w->filter_w;
    const __m256 lo = _mm256_set1_ps(d->f_lo), hi = _mm256_set1_ps(d->f_hi);
    const int three = kw == 3 && w->filter_h == 3 && w->dil_w == 1 && w->dil_h == 1;
    const int32_t in_lo = (w->pad_w + w->stride_w - 1) / w->stride_w;
    const int32_t in_hi = d->in_w - 3 + w->pad_w < 0 ? 0 : (d->in_w - 3 + w->pad_w) / w->stride_w + 1;
    const int32_t end = in_hi < w->out_w ? in_hi : w->out_w;
    __m256 taps[TL_DW_MAX_TAPS];
    int64_t line;
    int32_t ox, c, ky, kx, j;
    for (line = first_row; line < last_row; line++) {
        int32_t b = (int32_t)(line / w->out_h), oy = (int32_t)(line % w->out_h);
        int32_t oy0 = oy * w->stride_h - w->pad_h, ky0, ky1;
        float *out_row = y + ((int64_t)b * w->out_h + oy) * w->out_w * c_all;
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
                float *out = out_row + (int64_t)ox * c_all + c;
                if (three && n == 8 && ky0 == 0 && ky1 == 3 && ox == in_lo && in_lo < end) {
                    const float *rows[3];
                    for (ky = 0; ky < 3; ky++) rows[ky] = x + ((int64_t)b * d->in_h + oy0 + ky) * d->in_w * c_all + c;
                    dw3_interior_avx2(rows, c_all, w->stride_w, w->pad_w, in_lo, end, taps, vb, lo, hi, out_row + c);
                    ox = end - 1;
                    continue;
                }
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
