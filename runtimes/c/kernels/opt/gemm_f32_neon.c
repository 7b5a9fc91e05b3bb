/* The float GEMM's AArch64 NEON micro-kernel (see gemm_f32.h): a 6 x 16 block of C in 24 of the 32
 * q registers (each row 4 x 4 lanes), the panel's 16 weights of one k in 4 more; each A value is
 * multiplied into them by element (FMLA by lane), summing over k in order as the other tiers do.
 * Rows left over at the bottom take a one-row loop. Advanced SIMD is part of every AArch64 CPU,
 * so no target attribute is needed; other targets compile this file to nothing. */
#include "gemm_f32.h"

#if defined(__aarch64__) && defined(__ARM_NEON)
#include <arm_neon.h>

#define MR 6

/* Stores one row of 16 sums plus the bias, clamped; `cols` of them. */
static void store_row(float32x4_t a0, float32x4_t a1, float32x4_t a2, float32x4_t a3, const float *bias, float lo,
                      float hi, float *dst, int32_t cols) {
    const float32x4_t vlo = vdupq_n_f32(lo), vhi = vdupq_n_f32(hi);
    float tmp[TL_GEMM_NR];
    int32_t j;
    a0 = vminq_f32(vmaxq_f32(vaddq_f32(a0, vld1q_f32(bias)), vlo), vhi);
    a1 = vminq_f32(vmaxq_f32(vaddq_f32(a1, vld1q_f32(bias + 4)), vlo), vhi);
    a2 = vminq_f32(vmaxq_f32(vaddq_f32(a2, vld1q_f32(bias + 8)), vlo), vhi);
    a3 = vminq_f32(vmaxq_f32(vaddq_f32(a3, vld1q_f32(bias + 12)), vlo), vhi);
    if (cols == TL_GEMM_NR) {
        vst1q_f32(dst, a0);
        vst1q_f32(dst + 4, a1);
        vst1q_f32(dst + 8, a2);
        vst1q_f32(dst + 12, a3);
        return;
    }
    vst1q_f32(tmp, a0);
    vst1q_f32(tmp + 4, a1);
    vst1q_f32(tmp + 8, a2);
    vst1q_f32(tmp + 12, a3);
    for (j = 0; j < cols; j++) dst[j] = tmp[j];
}

/* MR rows x one panel. */
static void block6(int32_t cols, int32_t k, const float *a, int32_t lda, const float *panel, const float *bias,
                   float lo, float hi, float *c, int32_t ldc) {
    float32x4_t c00 = vdupq_n_f32(0.0f), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
    float32x4_t c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00;
    float32x4_t c40 = c00, c41 = c00, c42 = c00, c43 = c00, c50 = c00, c51 = c00, c52 = c00, c53 = c00;
    const float *a0 = a, *a1 = a + lda, *a2 = a + 2 * (int64_t)lda, *a3 = a + 3 * (int64_t)lda;
    const float *a4 = a + 4 * (int64_t)lda, *a5 = a + 5 * (int64_t)lda;
    int32_t kk;
    for (kk = 0; kk < k; kk++) {
        const float *w = panel + (int64_t)kk * TL_GEMM_NR;
        float32x4_t w0 = vld1q_f32(w), w1 = vld1q_f32(w + 4), w2 = vld1q_f32(w + 8), w3 = vld1q_f32(w + 12);
        float x;
        x = a0[kk];
        c00 = vfmaq_n_f32(c00, w0, x), c01 = vfmaq_n_f32(c01, w1, x), c02 = vfmaq_n_f32(c02, w2, x), c03 = vfmaq_n_f32(c03, w3, x);
        x = a1[kk];
        c10 = vfmaq_n_f32(c10, w0, x), c11 = vfmaq_n_f32(c11, w1, x), c12 = vfmaq_n_f32(c12, w2, x), c13 = vfmaq_n_f32(c13, w3, x);
        x = a2[kk];
        c20 = vfmaq_n_f32(c20, w0, x), c21 = vfmaq_n_f32(c21, w1, x), c22 = vfmaq_n_f32(c22, w2, x), c23 = vfmaq_n_f32(c23, w3, x);
        x = a3[kk];
        c30 = vfmaq_n_f32(c30, w0, x), c31 = vfmaq_n_f32(c31, w1, x), c32 = vfmaq_n_f32(c32, w2, x), c33 = vfmaq_n_f32(c33, w3, x);
        x = a4[kk];
        c40 = vfmaq_n_f32(c40, w0, x), c41 = vfmaq_n_f32(c41, w1, x), c42 = vfmaq_n_f32(c42, w2, x), c43 = vfmaq_n_f32(c43, w3, x);
        x = a5[kk];
        c50 = vfmaq_n_f32(c50, w0, x), c51 = vfmaq_n_f32(c51, w1, x), c52 = vfmaq_n_f32(c52, w2, x), c53 = vfmaq_n_f32(c53, w3, x);
    }
    store_row(c00, c01, c02, c03, bias, lo, hi, c, cols);
    store_row(c10, c11, c12, c13, bias, lo, hi, c + ldc, cols);
    store_row(c20, c21, c22, c23, bias, lo, hi, c + 2 * (int64_t)ldc, cols);
    store_row(c30, c31, c32, c33, bias, lo, hi, c + 3 * (int64_t)ldc, cols);
    store_row(c40, c41, c42, c43, bias, lo, hi, c + 4 * (int64_t)ldc, cols);
    store_row(c50, c51, c52, c53, bias, lo, hi, c + 5 * (int64_t)ldc, cols);
}

/* One row x one panel. */
static void block1(int32_t cols, int32_t k, const float *a, const float *panel, const float *bias, float lo, float hi,
                   float *c) {
    float32x4_t c0 = vdupq_n_f32(0.0f), c1 = c0, c2 = c0, c3 = c0;
    int32_t kk;
    for (kk = 0; kk < k; kk++) {
        const float *w = panel + (int64_t)kk * TL_GEMM_NR;
        c0 = vfmaq_n_f32(c0, vld1q_f32(w), a[kk]);
        c1 = vfmaq_n_f32(c1, vld1q_f32(w + 4), a[kk]);
        c2 = vfmaq_n_f32(c2, vld1q_f32(w + 8), a[kk]);
        c3 = vfmaq_n_f32(c3, vld1q_f32(w + 12), a[kk]);
    }
    store_row(c0, c1, c2, c3, bias, lo, hi, c, cols);
}

void tl_gemm_f32_neon(int32_t m, int32_t n, int32_t k, const float *a, int32_t lda, const float *packed,
                      const float *bias, float lo, float hi, float *c, int32_t ldc) {
    float padded[TL_GEMM_NR];
    int32_t i, p, j;
    for (p = 0; p < n; p += TL_GEMM_NR) {
        int32_t cols = n - p < TL_GEMM_NR ? n - p : TL_GEMM_NR;
        const float *panel = packed + (int64_t)p * k, *b = padded;
        if (bias && cols == TL_GEMM_NR) {
            b = bias + p;
        } else { /* the bias is read 16 wide: the last panel's (or none) padded with zeros */
            for (j = 0; j < TL_GEMM_NR; j++) padded[j] = bias && j < cols ? bias[p + j] : 0.0f;
        }
        for (i = 0; i + MR <= m; i += MR)
            block6(cols, k, a + (int64_t)i * lda, lda, panel, b, lo, hi, c + (int64_t)i * ldc + p, ldc);
        for (; i < m; i++) block1(cols, k, a + (int64_t)i * lda, panel, b, lo, hi, c + (int64_t)i * ldc + p);
    }
}

#else
typedef int tl_gemm_f32_neon_unused; /* ISO C: a translation unit holds at least one declaration */
#endif
