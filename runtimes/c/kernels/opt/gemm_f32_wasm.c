/* The float GEMM's WebAssembly SIMD128 micro-kernels (see gemm_f32.h): blocks of 4 rows x 8 channels
 * (half a panel), then single rows (a whole panel each). 8 sums, 2 weight vectors, the broadcast A value
 * and a product fit in the 15 xmm registers V8 allocates on x86-64 (xmm15 is its scratch), so the loop
 * runs with no spills: the earlier 4 x 16 and 6 x 8 blocks spilled sums to the stack on every k (node
 * --print-wasm-code shows it) and ran 14-16 GMAC/s on MobileNetV2's 1x1 convolutions against 20-22 for
 * 4 x 8. Each A value is broadcast by one load32_splat and multiplied then added (wasm SIMD has no fused
 * multiply-add), summing over k in order as the other tiers do. Built with -msimd128
 * (runtimes/wasm/build.sh); other targets compile this file to nothing. */
#include "gemm_f32.h"

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>

#define MR 4
#define HALF 8
#define CHUNK 48 /* rows of A per pass over the weights: a multiple of MR */

/* 8 sums plus the bias, clamped, `cols` of them stored. */
static void store8(v128_t s0, v128_t s1, const float *bias, float lo, float hi, float *dst, int32_t cols) {
    const v128_t vlo = wasm_f32x4_splat(lo), vhi = wasm_f32x4_splat(hi);
    float tmp[HALF];
    int32_t j;
    s0 = wasm_f32x4_add(s0, wasm_v128_load(bias));
    s1 = wasm_f32x4_add(s1, wasm_v128_load(bias + 4));
    /* max then min with the bound second: a NaN sum stays NaN as the reference's comparisons leave it */
    s0 = wasm_f32x4_pmin(wasm_f32x4_pmax(s0, vlo), vhi);
    s1 = wasm_f32x4_pmin(wasm_f32x4_pmax(s1, vlo), vhi);
    if (cols >= HALF) {
        wasm_v128_store(dst, s0);
        wasm_v128_store(dst + 4, s1);
        return;
    }
    wasm_v128_store(tmp, s0);
    wasm_v128_store(tmp + 4, s1);
    for (j = 0; j < cols; j++) dst[j] = tmp[j];
}

#define ROW(r) \
    x = wasm_v128_load32_splat(a##r + kk); \
    c##r##0 = wasm_f32x4_add(c##r##0, wasm_f32x4_mul(x, w0)); \
    c##r##1 = wasm_f32x4_add(c##r##1, wasm_f32x4_mul(x, w1));

/* MR rows x 8 columns (w: the half panel, rows TL_GEMM_NR apart). Kept as plain as this: unrolling k
 * by hand or a fifth row makes clang hoist the broadcasts ahead of the products, and V8 then spills. */
static void block4(int32_t cols, int32_t k, const float *a, int32_t lda, const float *w, const float *bias, float lo,
                   float hi, float *c, int32_t ldc) {
    v128_t c00 = wasm_f32x4_splat(0.0f), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    const float *a0 = a, *a1 = a + lda, *a2 = a + 2 * (int64_t)lda, *a3 = a + 3 * (int64_t)lda;
    int32_t kk;
    for (kk = 0; kk < k; kk++, w += TL_GEMM_NR) {
        const v128_t w0 = wasm_v128_load(w), w1 = wasm_v128_load(w + 4);
        v128_t x;
        ROW(0) ROW(1) ROW(2) ROW(3)
    }
    store8(c00, c01, bias, lo, hi, c, cols);
    store8(c10, c11, bias, lo, hi, c + ldc, cols);
    store8(c20, c21, bias, lo, hi, c + 2 * (int64_t)ldc, cols);
    store8(c30, c31, bias, lo, hi, c + 3 * (int64_t)ldc, cols);
}

/* One row x 16 columns (a whole panel): four independent sums, so the adds of consecutive k overlap (one
 * row is MobileNetV2's classifier, a GEMV, and the row left over from 49-pixel layers). */
static void block1(int32_t cols, int32_t k, const float *a0, const float *w, const float *bias, float lo, float hi,
                   float *c) {
    v128_t c00 = wasm_f32x4_splat(0.0f), c01 = c00, c02 = c00, c03 = c00;
    int32_t kk;
    for (kk = 0; kk < k; kk++, w += TL_GEMM_NR) {
        const v128_t x = wasm_v128_load32_splat(a0 + kk);
        c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(x, wasm_v128_load(w)));
        c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(x, wasm_v128_load(w + 4)));
        c02 = wasm_f32x4_add(c02, wasm_f32x4_mul(x, wasm_v128_load(w + 8)));
        c03 = wasm_f32x4_add(c03, wasm_f32x4_mul(x, wasm_v128_load(w + 12)));
    }
    store8(c00, c01, bias, lo, hi, c, cols);
    if (cols > HALF) store8(c02, c03, bias + HALF, lo, hi, c + HALF, cols - HALF);
}

void tl_gemm_f32_wasm(int32_t m, int32_t n, int32_t k, const float *a, int32_t lda, const float *packed,
                      const float *bias, float lo, float hi, float *c, int32_t ldc) {
    float padded[TL_GEMM_NR];
    int32_t i0, i, p, h, j;
    /* Rows in chunks, so the chunk's A stays in cache while every panel passes over it. */
    for (i0 = 0; i0 < m; i0 += CHUNK) {
        const int32_t i1 = m - i0 < CHUNK ? m : i0 + CHUNK;
        for (p = 0; p < n; p += TL_GEMM_NR) {
            int32_t cols = n - p < TL_GEMM_NR ? n - p : TL_GEMM_NR;
            const float *panel = packed + (int64_t)p * k, *b = padded;
            if (bias && cols == TL_GEMM_NR) {
                b = bias + p;
            } else { /* the bias is read 16 wide: the last panel's (or none) padded with zeros */
                for (j = 0; j < TL_GEMM_NR; j++) padded[j] = bias && j < cols ? bias[p + j] : 0.0f;
            }
            for (h = 0; h < cols; h += HALF)
                for (i = i0; i + MR <= i1; i += MR)
                    block4(cols - h, k, a + (int64_t)i * lda, lda, panel + h, b + h, lo, hi,
                           c + (int64_t)i * ldc + p + h, ldc);
            for (i = i0 + (i1 - i0) / MR * MR; i < i1; i++)
                block1(cols, k, a + (int64_t)i * lda, panel, b, lo, hi, c + (int64_t)i * ldc + p);
        }
    }
}

#else
typedef int tl_gemm_f32_wasm_unused; /* ISO C: a translation unit holds at least one declaration */
#endif
