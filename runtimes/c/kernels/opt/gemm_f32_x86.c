/* The float GEMM's x86-64 micro-kernels (see gemm_f32.h), compiled for their instruction set by
 * function attributes, so the rest of the runtime stays baseline x86-64 and one binary runs
 * everywhere: AVX2+FMA keeps a 6 x 16 block of C in 12 ymm registers, AVX-512 a 12 x 16 block in
 * 12 zmm registers. Rows left over at the bottom go through the same code with fewer rows. */
#include "gemm_f32.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define MR2 6

__attribute__((target("avx2,fma"))) static void block_avx2(int32_t rows, int32_t cols, int32_t k, const float *a,
                                                            int32_t lda, const float *panel, const float *bias, float lo,
                                                            float hi, float *c, int32_t ldc) {
    __m256 acc[MR2][2];
    int32_t r, kk, j;
    for (r = 0; r < MR2; r++) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
    if (rows == MR2) {
        for (kk = 0; kk < k; kk++) {
            __m256 b0 = _mm256_loadu_ps(panel + (int64_t)kk * TL_GEMM_NR), b1 = _mm256_loadu_ps(panel + (int64_t)kk * TL_GEMM_NR + 8);
            for (r = 0; r < MR2; r++) {
                __m256 x = _mm256_broadcast_ss(a + (int64_t)r * lda + kk);
                acc[r][0] = _mm256_fmadd_ps(x, b0, acc[r][0]);
                acc[r][1] = _mm256_fmadd_ps(x, b1, acc[r][1]);
            }
        }
    } else {
        for (kk = 0; kk < k; kk++) {
            __m256 b0 = _mm256_loadu_ps(panel + (int64_t)kk * TL_GEMM_NR), b1 = _mm256_loadu_ps(panel + (int64_t)kk * TL_GEMM_NR + 8);
            for (r = 0; r < rows; r++) {
                __m256 x = _mm256_broadcast_ss(a + (int64_t)r * lda + kk);
                acc[r][0] = _mm256_fmadd_ps(x, b0, acc[r][0]);
                acc[r][1] = _mm256_fmadd_ps(x, b1, acc[r][1]);
            }
        }
    }
    {
        __m256 bias0 = bias ? _mm256_loadu_ps(bias) : _mm256_setzero_ps(), vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
        __m256 bias1 = bias ? _mm256_loadu_ps(bias + 8) : _mm256_setzero_ps();
        float tmp[TL_GEMM_NR];
        for (r = 0; r < rows; r++) {
            __m256 v0 = _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(acc[r][0], bias0), vlo), vhi);
            __m256 v1 = _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(acc[r][1], bias1), vlo), vhi);
            float *dst = c + (int64_t)r * ldc;
            if (cols == TL_GEMM_NR) {
                _mm256_storeu_ps(dst, v0);
                _mm256_storeu_ps(dst + 8, v1);
            } else {
                _mm256_storeu_ps(tmp, v0);
                _mm256_storeu_ps(tmp + 8, v1);
                for (j = 0; j < cols; j++) dst[j] = tmp[j];
            }
        }
    }
}

__attribute__((target("avx2,fma"))) void tl_gemm_f32_avx2(int32_t m, int32_t n, int32_t k, const float *a, int32_t lda,
                                                           const float *packed, const float *bias, float lo, float hi,
                                                           float *c, int32_t ldc) {
    int32_t i, p;
    float padded[TL_GEMM_NR];
    for (i = 0; i < m; i += MR2) {
        int32_t rows = m - i < MR2 ? m - i : MR2;
        for (p = 0; p < n; p += TL_GEMM_NR) {
            int32_t cols = n - p < TL_GEMM_NR ? n - p : TL_GEMM_NR, j;
            const float *b = NULL;
            if (bias && cols < TL_GEMM_NR) { /* the bias vector is read 16 wide: pad the last panel's */
                for (j = 0; j < TL_GEMM_NR; j++) padded[j] = j < cols ? bias[p + j] : 0.0f;
                b = padded;
            } else if (bias) {
                b = bias + p;
            }
            block_avx2(rows, cols, k, a + (int64_t)i * lda, lda, packed + (int64_t)p * k, b, lo, hi,
                       c + (int64_t)i * ldc + p, ldc);
        }
    }
}

#else
typedef int tl_gemm_f32_x86_unused; /* ISO C: a translation unit holds at least one declaration */
#endif
