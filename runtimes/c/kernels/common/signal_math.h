/* Integer helpers of TensorFlow Lite Micro's signal library (audio front ends), reproduced for
 * bit-exact results: bit lengths, rounded integer square roots, the fixed-point natural log. */
#ifndef TL_SIGNAL_MATH_H
#define TL_SIGNAL_MATH_H

#include <stdint.h>

/* Bit length of x (1 for 1, 32 for 2^31..); 0 gives 32 (64 for the 64-bit one), as TFLM's
 * GCC/Clang builds answer (its pip package is one). */
uint32_t tl_signal_msb32(uint32_t x);
uint32_t tl_signal_msb64(uint64_t x);

/* Digit-by-digit square roots with TFLM's final rounding step; a 64-bit input whose upper word is
 * zero takes the 32-bit path (TFLM's shortcut, off by one near 2^32 in rare cases). */
uint16_t tl_signal_sqrt32(uint32_t x);
uint32_t tl_signal_sqrt64(uint64_t x);

/* round(ln(x) * out_scale) by TFLM's Log32: log2 from the bit length plus a 128-segment
 * interpolated fraction, times ln(2) in Q16, scaled by out_scale with rounding. x must be > 1. */
uint32_t tl_signal_log32(uint32_t x, uint32_t out_scale);

/* Two's complement wrap of an int32 value to int16 (what storing into an int16 does in TFLM). */
static inline int16_t tl_wrap16(int32_t v) {
    int32_t low = v & 0xFFFF;
    return (int16_t)(low >= 0x8000 ? low - 0x10000 : low);
}

/* The int32 with the same 32 bits as u (two's complement). */
static inline int32_t tl_wrap32(uint32_t u) {
    return u <= (uint32_t)INT32_MAX ? (int32_t)u : (int32_t)(u - 0x80000000u) - INT32_MAX - 1;
}

#endif
