/* fully_connected_f32.h's matrix-vector product in AVX-512 (8 panels at once: 8 independent FMA chains
 * over 8 weight streams, enough to cover the FMA latency and keep the loads going) and AVX2+FMA (4 panels,
 * two ymm halves each). The panel loop is written once, inlined with the panel count as a constant so its
 * accumulators stay in registers. */
#include "fully_connected_f32.h"
#include "gemm_f32.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define AVX512_INLINE __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,fma"), always_inline)) static inline
#define AVX2_INLINE __attribute__((target("avx2,fma"), always_inline)) static inline

/* g whole panels (g <= 8); `cols` of the last one are stored. */
AVX512_INLINE void panels_512(int32_t g, int32_t cols, int32_t k, const float *x, const float *w, const float *bias,
                              float lo, float hi, float *y) {
    __m512 acc[8];
    int32_t j, kk;
    for (j = 0; j < g; j++) acc[j] = _mm512_setzero_ps();
    for (kk = 0; kk < k; kk++) {
        __m512 v = _mm512_set1_ps(x[kk]);
        for (j = 0; j < g; j++)
            acc[j] = _mm512_fmadd_ps(v, _mm512_loadu_ps(w + ((int64_t)j * k + kk) * TL_GEMM_NR), acc[j]);
    }
    for (j = 0; j < g; j++) {
        __mmask16 m = (__mmask16)(j < g - 1 || cols == TL_GEMM_NR ? 0xFFFFu : (1u << cols) - 1u);
        __m512 b = bias ? _mm512_maskz_loadu_ps(m, bias + j * TL_GEMM_NR) : _mm512_setzero_ps();
        __m512 r = _mm512_min_ps(_mm512_max_ps(_mm512_add_ps(acc[j], b), _mm512_set1_ps(lo)), _mm512_set1_ps(hi));
        _mm512_mask_storeu_ps(y + j * TL_GEMM_NR, m, r);
    }
}

__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,fma"))) void tl_fc_f32_gemv_avx512(
    int32_t n, int32_t k, const float *x, const float *packed, const float *bias, float lo, float hi, float *y) {
    int32_t p = 0;
    for (; n - p >= 8 * TL_GEMM_NR; p += 8 * TL_GEMM_NR)
        panels_512(8, TL_GEMM_NR, k, x, packed + (int64_t)p * k, bias ? bias + p : NULL, lo, hi, y + p);
    for (; n - p > 0; p += 4 * TL_GEMM_NR) {
        int32_t left = n - p, g = left >= 4 * TL_GEMM_NR ? 4 : (left + TL_GEMM_NR - 1) / TL_GEMM_NR;
        int32_t cols = left >= 4 * TL_GEMM_NR ? TL_GEMM_NR : left - (g - 1) * TL_GEMM_NR;
        const float *w = packed + (int64_t)p * k, *b = bias ? bias + p : NULL;
        if (g == 4)
            panels_512(4, cols, k, x, w, b, lo, hi, y + p);
        else if (g == 3)
            panels_512(3, cols, k, x, w, b, lo, hi, y + p);
        else if (g == 2)
            panels_512(2, cols, k, x, w, b, lo, hi, y + p);
        else
            panels_512(1, cols, k, x, w, b, lo, hi, y + p);
    }
}

/* As panels_512 with each panel in two ymm halves; g <= 4. */
AVX2_INLINE void panels_256(int32_t g, int32_t cols, int32_t k, const float *x, const float *w, const float *bias,
                            float lo, float hi, float *y) {
    __m256 acc[4][2];
    int32_t j, kk, i;
    for (j = 0; j < g; j++) acc[j][0] = acc[j][1] = _mm256_setzero_ps();
    for (kk = 0; kk < k; kk++) {
        __m256 v = _mm256_broadcast_ss(x + kk);
        for (j = 0; j < g; j++) {
            const float *wj = w + ((int64_t)j * k + kk) * TL_GEMM_NR;
            acc[j][0] = _mm256_fmadd_ps(v, _mm256_loadu_ps(wj), acc[j][0]);
            acc[j][1] = _mm256_fmadd_ps(v, _mm256_loadu_ps(wj + 8), acc[j][1]);
        }
    }
    for (j = 0; j < g; j++) {
        int32_t c = j < g - 1 ? TL_GEMM_NR : cols;
        float out[TL_GEMM_NR], b[TL_GEMM_NR];
        for (i = 0; i < TL_GEMM_NR; i++) b[i] = bias && i < c ? bias[j * TL_GEMM_NR + i] : 0.0f;
        _mm256_storeu_ps(out, _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(acc[j][0], _mm256_loadu_ps(b)), _mm256_set1_ps(lo)),
                                            _mm256_set1_ps(hi)));
        _mm256_storeu_ps(out + 8, _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(acc[j][1], _mm256_loadu_ps(b + 8)),
                                                              _mm256_set1_ps(lo)), _mm256_set1_ps(hi)));
        for (i = 0; i < c; i++) y[j * TL_GEMM_NR + i] = out[i];
    }
}

__attribute__((target("avx2,fma"))) void tl_fc_f32_gemv_avx2(int32_t n, int32_t k, const float *x, const float *packed,
                                                              const float *bias, float lo, float hi, float *y) {
    int32_t p;
    for (p = 0; p < n; p += 4 * TL_GEMM_NR) {
        int32_t left = n - p, g = left >= 4 * TL_GEMM_NR ? 4 : (left + TL_GEMM_NR - 1) / TL_GEMM_NR;
        int32_t cols = left >= 4 * TL_GEMM_NR ? TL_GEMM_NR : left - (g - 1) * TL_GEMM_NR;
        const float *w = packed + (int64_t)p * k, *b = bias ? bias + p : NULL;
        if (g == 4)
            panels_256(4, cols, k, x, w, b, lo, hi, y + p);
        else if (g == 3)
            panels_256(3, cols, k, x, w, b, lo, hi, y + p);
        else if (g == 2)
            panels_256(2, cols, k, x, w, b, lo, hi, y + p);
        else
            panels_256(1, cols, k, x, w, b, lo, hi, y + p);
    }
}

#else
typedef int tl_fully_connected_f32_x86_unused; /* ISO C: a translation unit holds at least one declaration */
#endif
