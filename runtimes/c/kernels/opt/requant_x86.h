/* LiteRT's MultiplyByQuantizedMultiplier (quant_math.h) lane by lane, for the x86-64 int8 kernels:
 * the saturating rounding doubling high multiply in 64-bit lanes (even and odd lanes apart), then
 * the rounding right shift in 32-bit lanes; per-lane multipliers and shifts, results equal to the
 * scalar function's for every multiplier but INT32_MIN (quantized multipliers are positive). Included only by files compiled for x86-64 with GCC or clang. */
#ifndef TL_REQUANT_X86_H
#define TL_REQUANT_X86_H

#include <immintrin.h>
#include <stdint.h>

#include "gemm_s8.h" /* tl_gemm_s8_rq */

#define AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl")))
#define AVX2 __attribute__((target("avx2")))
#define AVX512VNNI __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vnni")))

/* LiteRT's saturating rounding doubling high multiply is (a * b + nudge) / 2^31 rounded toward zero,
 * with nudge 2^30, or 1 - 2^30 for a negative product; that equals floor((a * b + 2^30) / 2^31) for
 * every product (the tie cases agree), which fits int32 unless a = b = INT32_MIN, the saturating case
 * no multiplier reaches (multipliers are positive). Even lanes: the 64-bit result's low half, shifted
 * down; odd lanes: its bits 31..62 shifted up into the high half. */
AVX512 static inline __m512i tl_srdhm_512(__m512i a, __m512i b) {
    const __m512i nudge = _mm512_set1_epi64((int64_t)1 << 30);
    __m512i even = _mm512_mul_epi32(a, b), odd = _mm512_mul_epi32(_mm512_srli_epi64(a, 32), _mm512_srli_epi64(b, 32));
    even = _mm512_srli_epi64(_mm512_add_epi64(even, nudge), 31);
    odd = _mm512_slli_epi64(_mm512_add_epi64(odd, nudge), 1);
    return _mm512_mask_blend_epi32(0xAAAA, even, odd);
}

/* A panel's multipliers and shifts, prepared once for many tl_requant_512_apply calls. */
typedef struct {
    __m512i mult, mult_odd, left, right, mask, half;
} tl_requant_512;

AVX512 static inline tl_requant_512 tl_requant_512_setup(__m512i mult, __m512i shift) {
    const __m512i zero = _mm512_setzero_si512(), one = _mm512_set1_epi32(1);
    tl_requant_512 q;
    q.mult = mult;
    q.mult_odd = _mm512_srli_epi64(mult, 32);
    q.left = _mm512_max_epi32(shift, zero);
    q.right = _mm512_max_epi32(_mm512_sub_epi32(zero, shift), zero);
    q.mask = _mm512_sub_epi32(_mm512_sllv_epi32(one, q.right), one);
    q.half = _mm512_srai_epi32(q.mask, 1);
    return q;
}

/* acc requantized; `left`: whether any lane shifts left (most models' multipliers are below one) */
AVX512 static inline __m512i tl_requant_512_apply(__m512i acc, const tl_requant_512 *q, int left) {
    const __m512i nudge = _mm512_set1_epi64((int64_t)1 << 30), one = _mm512_set1_epi32(1);
    __m512i x = left ? _mm512_sllv_epi32(acc, q->left) : acc, even, odd, remainder, threshold, r;
    even = _mm512_srli_epi64(_mm512_add_epi64(_mm512_mul_epi32(x, q->mult), nudge), 31);
    odd = _mm512_slli_epi64(_mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(x, 32), q->mult_odd), nudge), 1);
    x = _mm512_mask_blend_epi32(0xAAAA, even, odd);
    /* rounding division by 2^right, ties away from zero */
    remainder = _mm512_and_si512(x, q->mask);
    threshold = _mm512_add_epi32(q->half, _mm512_srli_epi32(x, 31));
    r = _mm512_srav_epi32(x, q->right);
    return _mm512_mask_add_epi32(r, _mm512_cmpgt_epi32_mask(remainder, threshold), r, one);
}

AVX512 static inline __m512i tl_requantize_512(__m512i acc, __m512i mult, __m512i shift) {
    const tl_requant_512 q = tl_requant_512_setup(mult, shift);
    return tl_requant_512_apply(acc, &q, 1);
}

/* requantize(acc) + out_offset for a panel whose tl_gemm_s8_rq table is usable (gemm_s8.h gives the
 * identity): mult as loaded (vpmuldq reads each 64-bit lane's low half, the even channels), mult_odd
 * it shifted down by 32. One vpermt2d gathers the 16 products' high halves (u), to which acc's sign
 * (-1 or 0) is added before the shift by r. */
AVX512 static inline __m512i tl_requant_512_rq(__m512i acc, __m512i mult, __m512i mult_odd, const tl_gemm_s8_rq *rq) {
    const __m512i highs = _mm512_setr_epi32(1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31);
    __m512i twice = _mm512_add_epi32(acc, acc);
    __m512i even = _mm512_mul_epi32(twice, mult), odd = _mm512_mul_epi32(_mm512_srli_epi64(twice, 32), mult_odd);
    even = _mm512_add_epi64(even, _mm512_loadu_si512(rq->add_even));
    odd = _mm512_add_epi64(odd, _mm512_loadu_si512(rq->add_odd));
    return _mm512_srav_epi32(_mm512_add_epi32(_mm512_permutex2var_epi32(even, highs, odd), _mm512_srai_epi32(acc, 31)),
                             _mm512_loadu_si512(rq->shift));
}

/* As tl_srdhm_512; the even lanes' logical shift leaves the same low 32 bits as an arithmetic one. */
AVX2 static inline __m256i tl_srdhm_256(__m256i a, __m256i b) {
    const __m256i nudge = _mm256_set1_epi64x((int64_t)1 << 30);
    __m256i even = _mm256_mul_epi32(a, b), odd = _mm256_mul_epi32(_mm256_srli_epi64(a, 32), _mm256_srli_epi64(b, 32));
    even = _mm256_srli_epi64(_mm256_add_epi64(even, nudge), 31);
    odd = _mm256_slli_epi64(_mm256_add_epi64(odd, nudge), 1);
    return _mm256_blend_epi32(even, odd, 0xAA);
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

/* tl_requant_512_rq with AVX2, for the channels 8 * half .. 8 * half + 7 of a panel: a shift and a blend
 * gather the high halves. */
AVX2 static inline __m256i tl_requant_256_rq(__m256i acc, __m256i mult, __m256i mult_odd, const tl_gemm_s8_rq *rq,
                                             int half) {
    __m256i twice = _mm256_add_epi32(acc, acc);
    __m256i even = _mm256_mul_epi32(twice, mult), odd = _mm256_mul_epi32(_mm256_srli_epi64(twice, 32), mult_odd);
    even = _mm256_add_epi64(even, _mm256_loadu_si256((const __m256i *)(rq->add_even + 4 * half)));
    odd = _mm256_add_epi64(odd, _mm256_loadu_si256((const __m256i *)(rq->add_odd + 4 * half)));
    return _mm256_srav_epi32(_mm256_add_epi32(_mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA),
                                              _mm256_srai_epi32(acc, 31)),
                             _mm256_loadu_si256((const __m256i *)(rq->shift + 8 * half)));
}

#endif
