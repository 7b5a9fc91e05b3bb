/* The hybrid kernels' output rows (hybrid_s8.h) in AVX-512 (16 lanes, masked tails) and AVX2 (8
 * lanes, the tail in C): int32 to float conversions, multiplies, adds and the clamp as separate
 * instructions in the reference's order. The clamp is max(lo, v) then min(hi, v) with v second:
 * those return their second operand for NaN, which is how the reference's comparisons let NaN
 * through, and v itself when v equals the bound. */
#include "hybrid_s8.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#include "requant_x86.h"

AVX512 void tl_hybrid_row_avx512(const int32_t *s, int32_t n, const tl_hybrid_out *o, float row_scale, int32_t zp, float *y) {
    const __m512 lo = _mm512_set1_ps(o->lo), hi = _mm512_set1_ps(o->hi), rs = _mm512_set1_ps(row_scale);
    const __m512i z = _mm512_set1_epi32(zp);
    int32_t j;
    for (j = 0; j < n; j += 16) {
        __mmask16 m = (__mmask16)(n - j >= 16 ? 0xFFFFu : (1u << (n - j)) - 1u);
        __m512i acc = _mm512_sub_epi32(_mm512_maskz_loadu_epi32(m, s + j),
                                       _mm512_mullo_epi32(z, _mm512_maskz_loadu_epi32(m, o->colsum + j)));
        __m512 v = _mm512_cvtepi32_ps(acc);
        if (o->kind == TL_HYBRID_FC) {
            __m512 b = o->bias ? _mm512_maskz_loadu_ps(m, o->bias + j) : _mm512_setzero_ps();
            v = _mm512_add_ps(b, _mm512_mul_ps(v, _mm512_mul_ps(rs, _mm512_maskz_loadu_ps(m, o->w_scale + j))));
        } else {
            v = o->kind == TL_HYBRID_CONV ? _mm512_mul_ps(v, rs)
                                          : _mm512_mul_ps(_mm512_mul_ps(v, _mm512_maskz_loadu_ps(m, o->w_scale + j)), rs);
            if (o->bias) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, o->bias + j));
        }
        _mm512_mask_storeu_ps(y + j, m, _mm512_max_ps(lo, _mm512_min_ps(hi, v)));
    }
}

AVX2 void tl_hybrid_row_avx2(const int32_t *s, int32_t n, const tl_hybrid_out *o, float row_scale, int32_t zp, float *y) {
    const __m256 lo = _mm256_set1_ps(o->lo), hi = _mm256_set1_ps(o->hi), rs = _mm256_set1_ps(row_scale);
    const __m256i z = _mm256_set1_epi32(zp);
    int32_t j;
    for (j = 0; j + 8 <= n; j += 8) {
        __m256i acc = _mm256_sub_epi32(_mm256_loadu_si256((const __m256i *)(s + j)),
                                       _mm256_mullo_epi32(z, _mm256_loadu_si256((const __m256i *)(o->colsum + j))));
        __m256 v = _mm256_cvtepi32_ps(acc);
        if (o->kind == TL_HYBRID_FC) {
            __m256 b = o->bias ? _mm256_loadu_ps(o->bias + j) : _mm256_setzero_ps();
            v = _mm256_add_ps(b, _mm256_mul_ps(v, _mm256_mul_ps(rs, _mm256_loadu_ps(o->w_scale + j))));
        } else {
            v = o->kind == TL_HYBRID_CONV ? _mm256_mul_ps(v, rs)
                                          : _mm256_mul_ps(_mm256_mul_ps(v, _mm256_loadu_ps(o->w_scale + j)), rs);
            if (o->bias) v = _mm256_add_ps(v, _mm256_loadu_ps(o->bias + j));
        }
        _mm256_storeu_ps(y + j, _mm256_min_ps(hi, _mm256_max_ps(lo, v)));
    }
    if (j < n) {
        tl_hybrid_out tail = *o;
        tail.colsum += j;
        tail.w_scale += j;
        if (tail.bias) tail.bias += j;
        tl_hybrid_row_portable(s + j, n - j, &tail, row_scale, zp, y + j);
    }
}

#else
typedef int tl_hybrid_s8_x86_unused; /* ISO C: a translation unit holds at least one declaration */
#endif
