/* LiteRT's MultiplyByQuantizedMultiplier (quant_math.h) lane by lane, for the x86-64 int8 kernels:
 * the saturating rounding doubling high multiply in 64-bit lanes (even and odd lanes apart), then
 * the rounding right shift in 32-bit lanes; per-lane multipliers and shifts, results equal to the
 * scalar function's. Included only by files compiled for x86-64 with GCC or clang. */
#ifndef TL_REQUANT_X86_H
#define TL_REQUANT_X86_H

#include <immintrin.h>
#include <stdint.h>

#define AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl")))
#define AVX2 __attribute__((target("avx2")))

AVX512 static inline __m512i tl_srdhm_512(__m512i a, __m512i b) {
    const __m512i nudge_pos = _mm512_set1_epi64((int64_t)1 << 30), nudge_neg = _mm512_set1_epi64(1 - ((int64_t)1 << 30));
    const __m512i round = _mm512_set1_epi64(((int64_t)1 << 31) - 1), zero = _mm512_setzero_si512();
    __m512i even = _mm512_mul_epi32(a, b), odd = _mm512_mul_epi32(_mm512_srli_epi64(a, 32), _mm512_srli_epi64(b, 32));
    even = _mm512_add_epi64(even, _mm512_mask_blend_epi64(_mm512_cmplt_epi64_mask(even, zero), nudge_pos, nudge_neg));
    odd = _mm512_add_epi64(odd, _mm512_mask_blend_epi64(_mm512_cmplt_epi64_mask(odd, zero), nudge_pos, nudge_neg));
    /* division by 2^31 rounding toward zero, as C's integer division */
    even = _mm512_srai_epi64(_mm512_mask_add_epi64(even, _mm512_cmplt_epi64_mask(even, zero), even, round), 31);
    odd = _mm512_srai_epi64(_mm512_mask_add_epi64(odd, _mm512_cmplt_epi64_mask(odd, zero), odd, round), 31);
    return _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
}

AVX512 static inline __m512i tl_requantize_512(__m512i acc, __m512i mult, __m512i shift) {
    const __m512i zero = _mm512_setzero_si512(), one = _mm512_set1_epi32(1);
    __m512i left = _mm512_max_epi32(shift, zero), right = _mm512_max_epi32(_mm512_sub_epi32(zero, shift), zero);
    __m512i x = tl_srdhm_512(_mm512_sllv_epi32(acc, left), mult);
    __m512i mask = _mm512_sub_epi32(_mm512_sllv_epi32(one, right), one);
    __m512i remainder = _mm512_and_si512(x, mask);
    __m512i threshold = _mm512_add_epi32(_mm512_srai_epi32(mask, 1), _mm512_srli_epi32(x, 31));
    __m512i q = _mm512_srav_epi32(x, right);
    return _mm512_mask_add_epi32(q, _mm512_cmpgt_epi32_mask(remainder, threshold), q, one);
}

AVX2 static inline __m256i tl_srdhm_256(__m256i a, __m256i b) {
    const __m256i zero = _mm256_setzero_si256(), round = _mm256_set1_epi64x(((int64_t)1 << 31) - 1);
    const __m256i nudge = _mm256_set1_epi64x((int64_t)1 << 30), flip = _mm256_set1_epi64x(1 - ((int64_t)1 << 31));
    __m256i even = _mm256_mul_epi32(a, b), odd = _mm256_mul_epi32(_mm256_srli_epi64(a, 32), _mm256_srli_epi64(b, 32));
    /* nudge 2^30, or 1 - 2^30 for a negative product */
    even = _mm256_add_epi64(even, _mm256_add_epi64(nudge, _mm256_and_si256(_mm256_cmpgt_epi64(zero, even), flip)));
    odd = _mm256_add_epi64(odd, _mm256_add_epi64(nudge, _mm256_and_si256(_mm256_cmpgt_epi64(zero, odd), flip)));
    /* toward zero, then the low 32 bits of the shift (logical and arithmetic shifts agree there) */
    even = _mm256_srli_epi64(_mm256_add_epi64(even, _mm256_and_si256(_mm256_cmpgt_epi64(zero, even), round)), 31);
    odd = _mm256_srli_epi64(_mm256_add_epi64(odd, _mm256_and_si256(_mm256_cmpgt_epi64(zero, odd), round)), 31);
    return _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
}

AVX2 static inline __m256i tl_requantize_256(__m256i acc, __m256i mult, __m256i shift) {
    const __m256i zero = _mm256_setzero_si256(), one = _mm256_set1_epi32(1);
    __m256i left = _mm256_max_epi32(shift, zero), right = _mm256_max_epi32(_mm256_sub_epi32(zero, shift), zero);
    __m256i x = tl_srdhm_256(_mm256_sllv_epi32(acc, left), mult);
    __m256i mask = _mm256_sub_epi32(_mm256_sllv_epi32(one, right), one);
    __m256i remainder = _mm256_and_si256(x, mask);
    __m256i threshold = _mm256_add_epi32(_mm256_srai_epi32(mask, 1), _mm256_srli_epi32(x, 31));
    __m256i q = _mm256_srav_epi32(x, right);
    return _mm256_sub_epi32(q, _mm256_cmpgt_epi32(remainder, threshold)); /* true lanes are -1 */
}

#endif
