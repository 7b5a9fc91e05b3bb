/* Packing, selection and the portable micro-kernel of the float GEMM (see gemm_f32.h). */
#include "gemm_f32.h"

#include "../../src/cpu.h"

#define MR 4 /* portable: a 4 x 16 block, which compilers keep in 16 SSE registers */

size_t tl_gemm_f32_packed_bytes(int32_t n, int32_t k) {
    int64_t panels = ((int64_t)n + TL_GEMM_NR - 1) / TL_GEMM_NR;
    return (size_t)(panels * TL_GEMM_NR * (int64_t)k) * sizeof(float);
}

void tl_gemm_f32_pack(float *packed, const float *w, int32_t n, int32_t k) { tl_gemm_f32_pack_strided(packed, w, n, k, k, 1); }

void tl_gemm_f32_pack_strided(float *packed, const float *w, int32_t n, int32_t k, int64_t sn, int64_t sk) {
    int32_t p, j, kk;
    for (p = 0; p < n; p += TL_GEMM_NR) {
        float *panel = packed + (int64_t)p * k;
        for (kk = 0; kk < k; kk++)
            for (j = 0; j < TL_GEMM_NR; j++) panel[(int64_t)kk * TL_GEMM_NR + j] = p + j < n ? w[(p + j) * sn + kk * sk] : 0.0f;
    }
}

tl_gemm_f32_fn tl_gemm_f32_select(uint32_t cpu) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (cpu & TL_CPU_AVX512) return tl_gemm_f32_avx512;
    if (cpu & TL_CPU_AVX2) return tl_gemm_f32_avx2;
#elif defined(__aarch64__) && defined(__ARM_NEON)
    if (cpu & TL_CPU_NEON) return tl_gemm_f32_neon;
#elif defined(__wasm_simd128__)
    if (cpu & TL_CPU_WASM_SIMD) return tl_gemm_f32_wasm;
#else
    (void)cpu;
#endif
    return tl_gemm_f32_portable;
}

tl_gemm_f32_seg_fn tl_gemm_f32_seg_select(uint32_t cpu) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (cpu & TL_CPU_AVX512) return tl_gemm_f32_seg_avx512;
    if (cpu & TL_CPU_AVX2) return tl_gemm_f32_seg_avx2;
#endif
    (void)cpu;
    return NULL;
}

/* rows x NR of C from `rows` rows of A and one panel; `cols` of the NR are stored. */
static void block(int32_t rows, int32_t cols, int32_t k, const float *a, int32_t lda, const float *panel,
                  const float *bias, float lo, float hi, float *c, int32_t ldc) {
    float acc[MR][TL_GEMM_NR];
    int32_t r, j, kk;
    for (r = 0; r < MR; r++)
        for (j = 0; j < TL_GEMM_NR; j++) acc[r][j] = 0.0f;
    for (kk = 0; kk < k; kk++) {
        const float *w = panel + (int64_t)kk * TL_GEMM_NR;
        for (r = 0; r < rows; r++) {
            float x = a[(int64_t)r * lda + kk];
            for (j = 0; j < TL_GEMM_NR; j++) acc[r][j] += x * w[j];
        }
    }
    for (r = 0; r < rows; r++)
        for (j = 0; j < cols; j++) {
            float v = acc[r][j] + (bias ? bias[j] : 0.0f);
            c[(int64_t)r * ldc + j] = v < lo ? lo : (v > hi ? hi : v);
        }
}

void tl_gemm_f32_portable(int32_t m, int32_t n, int32_t k, const float *a, int32_t lda, const float *packed,
                          const float *bias, float lo, float hi, float *c, int32_t ldc) {
    int32_t i, p;
    for (i = 0; i < m; i += MR) {
        int32_t rows = m - i < MR ? m - i : MR;
        for (p = 0; p < n; p += TL_GEMM_NR)
            block(rows, n - p < TL_GEMM_NR ? n - p : TL_GEMM_NR, k, a + (int64_t)i * lda, lda, packed + (int64_t)p * k,
                  bias ? bias + p : NULL, lo, hi, c + (int64_t)i * ldc + p, ldc);
    }
}
