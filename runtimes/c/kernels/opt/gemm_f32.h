/* Float GEMM for the optimized convolution and fully connected kernels:
 *
 *     C[m][n] = clamp(sum_k A[m][k] * W[n][k] + bias[n], lo, hi)
 *
 * W (the weights, [n][k] as TFLite stores them) is packed once, at prepare, into panels of
 * TL_GEMM_NR output channels: panel p holds, for each k, W[p*NR .. p*NR+NR-1][k] side by side (zero
 * past n), so a micro-kernel reads NR weights with one load and broadcasts one A value against
 * them, keeping an MR x NR block of C in registers. The micro-kernel comes in one version per
 * instruction set (portable C, AVX2+FMA, AVX-512, NEON), chosen at prepare from the CPU's features;
 * all sum over k in order, so they differ from each other and from the reference loops only by
 * FMA rounding (the x86 ones start their sums at the bias instead of adding it last).
 *
 *     size_t bytes = tl_gemm_f32_packed_bytes(n, k);   // persistent, 64-byte aligned is best
 *     tl_gemm_f32_pack(packed, w, n, k);
 *     tl_gemm_f32_fn gemm = tl_gemm_f32_select(it->cpu);
 *     gemm(m, n, k, a, lda, packed, bias, lo, hi, c, ldc);
 */
#ifndef TL_GEMM_F32_H
#define TL_GEMM_F32_H

#include <stddef.h>
#include <stdint.h>

#define TL_GEMM_NR 16

typedef void (*tl_gemm_f32_fn)(int32_t m, int32_t n, int32_t k, const float *a, int32_t lda, const float *packed,
                               const float *bias, float lo, float hi, float *c, int32_t ldc);

size_t tl_gemm_f32_packed_bytes(int32_t n, int32_t k);
void tl_gemm_f32_pack(float *packed, const float *w, int32_t n, int32_t k);
/* The same from W[n][k] at w[n * sn + k * sk] (sn = 1, sk = n: W stored [k][n], as a depthwise filter over one
 * input channel is). */
void tl_gemm_f32_pack_strided(float *packed, const float *w, int32_t n, int32_t k, int64_t sn, int64_t sk);
/* The GEMM for these CPU features (src/cpu.h flags; 0: portable C). */
tl_gemm_f32_fn tl_gemm_f32_select(uint32_t cpu);

/* The same GEMM with A read in place as `segs` runs of seg_k columns, run s of row r starting at
 * a[r * lda + s * seg_stride] (k = segs * seg_k): the rows of a convolution's window for output pixels
 * lda apart, without gathering them (conv_2d_f32.c). NULL for CPUs without one (then use im2col). */
typedef void (*tl_gemm_f32_seg_fn)(int32_t m, int32_t n, int32_t segs, int32_t seg_k, int64_t seg_stride,
                                   const float *a, int32_t lda, const float *packed, const float *bias, float lo,
                                   float hi, float *c, int32_t ldc);
tl_gemm_f32_seg_fn tl_gemm_f32_seg_select(uint32_t cpu);

void tl_gemm_f32_portable(int32_t m, int32_t n, int32_t k, const float *a, int32_t lda, const float *packed,
                          const float *bias, float lo, float hi, float *c, int32_t ldc);
/* x86-64 only (gemm_f32_x86.c, gemm_f32_avx512.c); NULL elsewhere through the selects. */
void tl_gemm_f32_avx2(int32_t m, int32_t n, int32_t k, const float *a, int32_t lda, const float *packed,
                      const float *bias, float lo, float hi, float *c, int32_t ldc);
void tl_gemm_f32_avx512(int32_t m, int32_t n, int32_t k, const float *a, int32_t lda, const float *packed,
                        const float *bias, float lo, float hi, float *c, int32_t ldc);
void tl_gemm_f32_seg_avx2(int32_t m, int32_t n, int32_t segs, int32_t seg_k, int64_t seg_stride, const float *a,
                          int32_t lda, const float *packed, const float *bias, float lo, float hi, float *c,
                          int32_t ldc);
void tl_gemm_f32_seg_avx512(int32_t m, int32_t n, int32_t segs, int32_t seg_k, int64_t seg_stride, const float *a,
                            int32_t lda, const float *packed, const float *bias, float lo, float hi, float *c,
                            int32_t ldc);
/* AArch64 only (gemm_f32_neon.c). */
void tl_gemm_f32_neon(int32_t m, int32_t n, int32_t k, const float *a, int32_t lda, const float *packed,
                      const float *bias, float lo, float hi, float *c, int32_t ldc);

/* WebAssembly SIMD128 (gemm_f32_wasm.c, builds with -msimd128). */
void tl_gemm_f32_wasm(int32_t m, int32_t n, int32_t k, const float *a, int32_t lda, const float *packed,
                      const float *bias, float lo, float hi, float *c, int32_t ldc);

#endif
