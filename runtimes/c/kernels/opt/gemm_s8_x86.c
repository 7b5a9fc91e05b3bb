/* The int8 GEMM's x86-64 micro-kernels (see gemm_s8.h), compiled for their instruction set by
 * function attributes: each tile of A (up to 12 rows, AVX2 6) is widened to int16 pairs in the
 * scratch, then a pair of A values is broadcast against a panel's 16 channels with `pmaddwd`
 * into int32 accumulators (AVX-512: one zmm per row, AVX2: two ymm), requantized lane by lane
 * (requant_x86.h). */
#include "gemm_s8.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <string.h>

#include "requant_x86.h"

#define MR5 12
#define MR2 6

/* rows x kpad int16 values of A, zero past k */
static void widen(int32_t rows, int32_t k, int32_t kpad, const int8_t *a, int32_t lda, int16_t *out) {
    int32_t r, kk;
    for (r = 0; r < rows; r++) {
        for (kk = 0; kk < k; kk++) out[(int64_t)r * kpad + kk] = a[(int64_t)r * lda + kk];
        if (kpad > k) out[(int64_t)r * kpad + k] = 0;
    }
}

static int32_t pair(const int16_t *p) {
    int32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* ---- AVX-512 ---- */

AVX512 void tl_gemm_s8_avx512(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda, const tl_gemm_s8_params *p,
                              int8_t *c, int32_t ldc, int16_t *scratch) {
    const int32_t kpad = tl_gemm_s8_kpad(k);
    const __m512i lo = _mm512_set1_epi32(p->q_lo), hi = _mm512_set1_epi32(p->q_hi);
    const __m512i offset = _mm512_set1_epi32(p->out_offset), bound = _mm512_set1_epi32(1 << 16);
    int32_t i, pn, r, kk;
    for (i = 0; i < m; i += MR5) {
        int32_t rows = m - i < MR5 ? m - i : MR5;
        widen(rows, k, kpad, a + (int64_t)i * lda, lda, scratch);
        for (pn = 0; pn < n; pn += TL_GEMM_NR) {
            const int16_t *panel = p->packed + (int64_t)pn * kpad;
            __mmask16 cols = (__mmask16)(n - pn >= 16 ? 0xFFFFu : (1u << (n - pn)) - 1u);
            __m512i acc[MR5], bias = _mm512_loadu_si512(p->bias + pn);
            __m512i mult = _mm512_loadu_si512(p->mult + pn), shift = _mm512_loadu_si512(p->shift + pn);
            for (r = 0; r < MR5; r++) acc[r] = _mm512_setzero_si512();
            if (rows == MR5) {
                for (kk = 0; kk < kpad; kk += 2) {
                    __m512i w = _mm512_loadu_si512(panel + (int64_t)kk * TL_GEMM_NR);
                    for (r = 0; r < MR5; r++)
                        acc[r] = _mm512_add_epi32(acc[r], _mm512_madd_epi16(_mm512_set1_epi32(pair(scratch + (int64_t)r * kpad + kk)), w));
                }
            } else {
                for (kk = 0; kk < kpad; kk += 2) {
                    __m512i w = _mm512_loadu_si512(panel + (int64_t)kk * TL_GEMM_NR);
                    for (r = 0; r < rows; r++)
                        acc[r] = _mm512_add_epi32(acc[r], _mm512_madd_epi16(_mm512_set1_epi32(pair(scratch + (int64_t)r * kpad + kk)), w));
                }
            }
            for (r = 0; r < rows; r++) {
                __m512i v = tl_requantize_512(_mm512_add_epi32(acc[r], bias), mult, shift);
                v = _mm512_min_epi32(_mm512_max_epi32(v, _mm512_sub_epi32(_mm512_setzero_si512(), bound)), bound);
                v = _mm512_min_epi32(_mm512_max_epi32(_mm512_add_epi32(v, offset), lo), hi);
                _mm_mask_storeu_epi8(c + (int64_t)(i + r) * ldc + pn, cols, _mm512_cvtepi32_epi8(v));
            }
        }
    }
}

/* ---- AVX2 ---- */

AVX2 static __m256i finish_256(__m256i acc, const tl_gemm_s8_params *p, int32_t ch) {
    const __m256i bound = _mm256_set1_epi32(1 << 16);
    __m256i v = tl_requantize_256(_mm256_add_epi32(acc, _mm256_loadu_si256((const __m256i *)(p->bias + ch))),
                               _mm256_loadu_si256((const __m256i *)(p->mult + ch)),
                               _mm256_loadu_si256((const __m256i *)(p->shift + ch)));
    v = _mm256_min_epi32(_mm256_max_epi32(v, _mm256_sub_epi32(_mm256_setzero_si256(), bound)), bound);
    v = _mm256_add_epi32(v, _mm256_set1_epi32(p->out_offset));
    return _mm256_min_epi32(_mm256_max_epi32(v, _mm256_set1_epi32(p->q_lo)), _mm256_set1_epi32(p->q_hi));
}

AVX2 void tl_gemm_s8_avx2(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda, const tl_gemm_s8_params *p,
                          int8_t *c, int32_t ldc, int16_t *scratch) {
    const int32_t kpad = tl_gemm_s8_kpad(k);
    int32_t i, pn, r, kk, j;
    for (i = 0; i < m; i += MR2) {
        int32_t rows = m - i < MR2 ? m - i : MR2;
        widen(rows, k, kpad, a + (int64_t)i * lda, lda, scratch);
        for (pn = 0; pn < n; pn += TL_GEMM_NR) {
            const int16_t *panel = p->packed + (int64_t)pn * kpad;
            int32_t cols = n - pn < TL_GEMM_NR ? n - pn : TL_GEMM_NR;
            __m256i acc[MR2][2];
            for (r = 0; r < MR2; r++) acc[r][0] = acc[r][1] = _mm256_setzero_si256();
            for (kk = 0; kk < kpad; kk += 2) {
                __m256i w0 = _mm256_loadu_si256((const __m256i *)(panel + (int64_t)kk * TL_GEMM_NR));
                __m256i w1 = _mm256_loadu_si256((const __m256i *)(panel + (int64_t)kk * TL_GEMM_NR + 16));
                for (r = 0; r < rows; r++) {
                    __m256i x = _mm256_set1_epi32(pair(scratch + (int64_t)r * kpad + kk));
                    acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_madd_epi16(x, w0));
                    acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_madd_epi16(x, w1));
                }
            }
            for (r = 0; r < rows; r++) {
                int32_t out[TL_GEMM_NR];
                _mm256_storeu_si256((__m256i *)out, finish_256(acc[r][0], p, pn));
                _mm256_storeu_si256((__m256i *)(out + 8), finish_256(acc[r][1], p, pn + 8));
                for (j = 0; j < cols; j++) c[(int64_t)(i + r) * ldc + pn + j] = (int8_t)out[j];
            }
        }
    }
}

#else
typedef int tl_gemm_s8_x86_unused; /* ISO C: a translation unit holds at least one declaration */
#endif
