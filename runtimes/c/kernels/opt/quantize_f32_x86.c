/* QUANTIZE float32 -> int8 / uint8 in AVX-512 (16 lanes, masked tail) and AVX2 (8 lanes, the tail
 * through a padded copy); the arithmetic and why it is the reference's: quantize_f32.h. */
#include "quantize_f32.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#include <string.h>

#define Q_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl")))
#define Q_AVX2 __attribute__((target("avx2")))

Q_AVX512 static inline __m512i quantize16(__m512 x, __m512 scale, __m512i zp, __m512i lo, __m512i hi) {
    const __m512i sign = _mm512_set1_epi32((int32_t)0x80000000u), one = _mm512_castps_si512(_mm512_set1_ps(1.0f));
    __m512 q = _mm512_div_ps(x, scale), t = _mm512_roundscale_ps(q, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    __m512 frac = _mm512_castsi512_ps(_mm512_andnot_si512(sign, _mm512_castps_si512(_mm512_sub_ps(q, t))));
    __mmask16 away = _mm512_cmp_ps_mask(frac, _mm512_set1_ps(0.5f), _CMP_GE_OQ);
    __m512 step = _mm512_castsi512_ps(_mm512_or_si512(one, _mm512_and_si512(sign, _mm512_castps_si512(q))));
    __m512i v = _mm512_cvttps_epi32(_mm512_mask_add_ps(t, away, t, step));
    return _mm512_max_epi32(lo, _mm512_min_epi32(hi, _mm512_add_epi32(v, zp)));
}

Q_AVX512 void tl_quantize_f32_avx512(const float *x, int64_t n, const tl_quantize_f32_params *p, uint8_t *y) {
    const __m512 scale = _mm512_set1_ps(p->scale);
    const __m512i zp = _mm512_set1_epi32(p->zp), lo = _mm512_set1_epi32(p->qmin), hi = _mm512_set1_epi32(p->qmax);
    int64_t i;
    for (i = 0; i + 16 <= n; i += 16)
        _mm_storeu_si128((__m128i *)(void *)(y + i), _mm512_cvtepi32_epi8(quantize16(_mm512_loadu_ps(x + i), scale, zp, lo, hi)));
    if (i < n) {
        __mmask16 m = (__mmask16)((1u << (n - i)) - 1u); /* n - i < 16 */
        _mm_mask_storeu_epi8(y + i, m, _mm512_cvtepi32_epi8(quantize16(_mm512_maskz_loadu_ps(m, x + i), scale, zp, lo, hi)));
    }
}

Q_AVX2 static inline __m256i quantize8(__m256 x, __m256 scale, __m256i zp, __m256i lo, __m256i hi) {
    const __m256 sign = _mm256_castsi256_ps(_mm256_set1_epi32((int32_t)0x80000000u)), one = _mm256_set1_ps(1.0f);
    __m256 q = _mm256_div_ps(x, scale), t = _mm256_round_ps(q, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    __m256 away = _mm256_cmp_ps(_mm256_andnot_ps(sign, _mm256_sub_ps(q, t)), _mm256_set1_ps(0.5f), _CMP_GE_OQ);
    __m256 step = _mm256_and_ps(away, _mm256_or_ps(one, _mm256_and_ps(sign, q)));
    __m256i v = _mm256_cvttps_epi32(_mm256_add_ps(t, step));
    return _mm256_max_epi32(lo, _mm256_min_epi32(hi, _mm256_add_epi32(v, zp)));
}

Q_AVX2 void tl_quantize_f32_avx2(const float *x, int64_t n, const tl_quantize_f32_params *p, uint8_t *y) {
    const __m256 scale = _mm256_set1_ps(p->scale);
    const __m256i zp = _mm256_set1_epi32(p->zp), lo = _mm256_set1_epi32(p->qmin), hi = _mm256_set1_epi32(p->qmax);
    /* the 8 clamped int32 lanes' low bytes, in order */
    const __m256i pick = _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 4, 8, 12, -1, -1,
                                          -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
    float tail[8] = {0};
    uint8_t out[8];
    int64_t i = 0;
    for (;; i += 8) {
        const float *src = x + i;
        __m256i b;
        uint32_t w0, w1;
        if (i + 8 > n) {
            if (i >= n) break;
            memcpy(tail, x + i, (size_t)(n - i) * sizeof(float));
            src = tail;
        }
        b = _mm256_shuffle_epi8(quantize8(_mm256_loadu_ps(src), scale, zp, lo, hi), pick);
        w0 = (uint32_t)_mm256_extract_epi32(b, 0);
        w1 = (uint32_t)_mm256_extract_epi32(b, 4);
        memcpy(out, &w0, 4);
        memcpy(out + 4, &w1, 4);
        memcpy(y + i, out, (size_t)(n - i < 8 ? n - i : 8));
    }
}

#endif
