/* QUANTIZE float32 -> int8 / uint8 in the optimized tier (quantize_f32.c): the reference's arithmetic
 * for each element, q = clamp(wrap(to_i32(roundf(x / scale)) + zp), qmin, qmax), where roundf rounds half
 * away from zero and to_i32 gives INT32_MIN for NaN and values outside int32 (x86's conversion). The
 * vector loops divide as the reference does (IEEE single), round by truncating and adding the sign where
 * the dropped fraction is at least one half (the fraction q - trunc(q) is exact), and convert with the
 * truncating instruction, which gives INT32_MIN exactly where to_i32 does; so each byte is the reference's. */
#ifndef TL_QUANTIZE_F32_H
#define TL_QUANTIZE_F32_H

#include "../../src/kernel_api.h"

typedef struct {
    float scale;
    int32_t zp, qmin, qmax;
} tl_quantize_f32_params;

/* y[i] for i < n, one byte each (int8 or uint8: qmin and qmax keep the values in the type's range). */
typedef void (*tl_quantize_f32_fn)(const float *x, int64_t n, const tl_quantize_f32_params *p, uint8_t *y);

/* x86-64 with GCC or clang only (quantize_f32_x86.c) */
void tl_quantize_f32_avx512(const float *x, int64_t n, const tl_quantize_f32_params *p, uint8_t *y);
void tl_quantize_f32_avx2(const float *x, int64_t n, const tl_quantize_f32_params *p, uint8_t *y);

/* The optimized QUANTIZE's prepare for a float32 input: the output's scale and zero point, the type's
 * range. Leaves the reference's op data and eval where the output is not int8 / uint8 or no loop applies. */
tl_status tl_quantize_opt_f32_prepare(tl_interpreter *it, tl_node *node, float scale, int32_t zp, int32_t qmin,
                                      int32_t qmax);

#endif
