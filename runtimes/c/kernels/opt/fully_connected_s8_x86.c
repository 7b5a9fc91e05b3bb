/* The optimized int8 FULLY_CONNECTED's double requantization (fully_connected_s8.h) in AVX-512 (8
 * lanes) and AVX2 (4 lanes): int32 to double (exact), one IEEE multiply as the reference's, C's
 * round() as trunc(x) + trunc(2 * (x - trunc(x))) (all exact: x - trunc(x) and its double are
 * exact, and the second trunc is -1, 0 or 1 exactly where round() moves away from trunc()), the
 * offset added in double, clamped, converted. */
#include "fully_connected_s8.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#include "requant_x86.h"

#define TRUNC (_MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC)

AVX512 static __m256i rows8_512(__m256i s, __m512d scale, __m512d offset, __m512d lo, __m512d hi) {
    __m512d x = _mm512_mul_pd(_mm512_cvtepi32_pd(s), scale), t = _mm512_roundscale_pd(x, TRUNC), d = _mm512_sub_pd(x, t);
    x = _mm512_add_pd(_mm512_add_pd(t, _mm512_roundscale_pd(_mm512_add_pd(d, d), TRUNC)), offset);
    return _mm512_cvtpd_epi32(_mm512_min_pd(_mm512_max_pd(x, lo), hi));
}

AVX512 void tl_fc_s8_rows_avx512(const int32_t *s, int32_t lds, int32_t rows, int32_t n, const double *scale,
                                 int32_t out_offset, int32_t lo, int32_t hi, int8_t *y, int32_t ldy) {
    const __m512d off = _mm512_set1_pd((double)out_offset), vlo = _mm512_set1_pd((double)lo), vhi = _mm512_set1_pd((double)hi);
    int32_t r, j;
    for (r = 0; r < rows; r++) {
        const int32_t *sr = s + (int64_t)r * lds;
        int8_t *yr = y + (int64_t)r * ldy;
        for (j = 0; j < n; j += 8) {
            __mmask8 m = (__mmask8)(n - j >= 8 ? 0xFFu : (1u << (n - j)) - 1u);
            __m256i v = rows8_512(_mm256_maskz_loadu_epi32(m, sr + j), _mm512_maskz_loadu_pd(m, scale + j), off, vlo, vhi);
            _mm_mask_storeu_epi8(yr + j, (__mmask16)m, _mm256_cvtepi32_epi8(v));
        }
    }
}

AVX2 void tl_fc_s8_rows_avx2(const int32_t *s, int32_t lds, int32_t rows, int32_t n, const double *scale,
                             int32_t out_offset, int32_t lo, int32_t hi, int8_t *y, int32_t ldy) {
    const __m256d off = _mm256_set1_pd((double)out_offset), vlo = _mm256_set1_pd((double)lo), vhi = _mm256_set1_pd((double)hi);
    int32_t r, j;
    for (r = 0; r < rows; r++) {
        const int32_t *sr = s + (int64_t)r * lds;
        int8_t *yr = y + (int64_t)r * ldy;
        for (j = 0; j + 4 <= n; j += 4) {
            __m256d x = _mm256_mul_pd(_mm256_cvtepi32_pd(_mm_loadu_si128((const __m128i *)(sr + j))), _mm256_loadu_pd(scale + j));
            __m256d t = _mm256_round_pd(x, TRUNC), d = _mm256_sub_pd(x, t);
            __m128i v;
            x = _mm256_add_pd(_mm256_add_pd(t, _mm256_round_pd(_mm256_add_pd(d, d), TRUNC)), off);
            v = _mm256_cvtpd_epi32(_mm256_min_pd(_mm256_max_pd(x, vlo), vhi));
            v = _mm_packs_epi16(_mm_packs_epi32(v, v), v); /* inside int8 already: no saturation */
            _mm_storeu_si32(yr + j, v);
        }
        if (j < n) tl_fc_s8_rows_portable(sr + j, lds, 1, n - j, scale + j, out_offset, lo, hi, yr + j, ldy);
    }
}

#else
typedef int tl_fully_connected_s8_x86_unused; /* ISO C: a translation unit holds at least one declaration */
#endif
