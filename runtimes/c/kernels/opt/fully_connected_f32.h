/* Batch-1 float FULLY_CONNECTED (a matrix-vector product) over the GEMM's packed weights (gemm_f32.h:
 * panels of TL_GEMM_NR units, k-major): y[j] = clamp(sum_k x[k] * W[j][k] + bias[j], lo, hi) for the
 * n units of `packed` (n a multiple of TL_GEMM_NR, or the layer's last units; the panel's padding is
 * zero). The GEMM's micro-kernels keep one panel's sum per row, a chain of dependent FMAs; one row
 * leaves them waiting on that chain, so these run several panels at once, each still summed over k in
 * order with the bias added last (the same as the GEMM's AVX2 block; within 1e-5 of the reference). */
#ifndef TL_FULLY_CONNECTED_F32_H
#define TL_FULLY_CONNECTED_F32_H

#include <stdint.h>

typedef void (*tl_fc_f32_gemv_fn)(int32_t n, int32_t k, const float *x, const float *packed, const float *bias,
                                  float lo, float hi, float *y);

/* x86-64 with GCC or clang only (fully_connected_f32_x86.c) */
void tl_fc_f32_gemv_avx512(int32_t n, int32_t k, const float *x, const float *packed, const float *bias, float lo,
                           float hi, float *y);
void tl_fc_f32_gemv_avx2(int32_t n, int32_t k, const float *x, const float *packed, const float *bias, float lo,
                         float hi, float *y);

#endif
