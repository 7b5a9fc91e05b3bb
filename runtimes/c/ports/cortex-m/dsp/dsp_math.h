/* Helpers of the DSP kernels (dsp_kernels.h): word loads and stores at any alignment (Armv7E-M
 * loads words unaligned; memcpy compiles to one LDR / STR), the pair extensions, and the int8
 * requantization of the reference CONV_2D / DEPTHWISE_CONV_2D kernels. Included only where
 * TL_ARM_DSP is set. */
#ifndef TL_DSP_MATH_H
#define TL_DSP_MATH_H

#include <arm_acle.h>
#include <stdint.h>
#include <string.h>

#include "../../../kernels/common/quant_math.h"

static inline uint32_t tl_dsp_load32(const void *p) {
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void tl_dsp_store32(void *p, uint32_t v) { memcpy(p, &v, sizeof v); }

/* (x0, x2) and (x1, x3) as 16-bit lanes from the int8 bytes x0..x3 of `v`. The odd pair is the
 * instruction's own rotation by 8, written out because compilers do not fold a rotate into it. */
static inline int32_t tl_dsp_ext_even(uint32_t v) { return __sxtb16((int32_t)v); }
static inline int32_t tl_dsp_ext_odd(uint32_t v) {
    int32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
    return r;
}

/* The same plus `o2`, an offset in both 16-bit lanes: (x0 + o, x2 + o) and (x1 + o, x3 + o).
 * Exact: int8 plus an offset in [-128, 128] stays inside int16. */
static inline int32_t tl_dsp_even(uint32_t o2, uint32_t v) { return __sxtab16((int32_t)o2, (int32_t)v); }
static inline int32_t tl_dsp_odd(uint32_t o2, uint32_t v) {
    int32_t r;
    __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(o2), "r"(v));
    return r;
}

/* An offset in both 16-bit lanes. */
static inline uint32_t tl_dsp_pair(int32_t offset) { return (uint32_t)(uint16_t)offset * 0x10001u; }

/* The reference int8 convolutions' output: requantize acc + bias, add the offset, clamp. */
static inline int8_t tl_dsp_requant(int32_t acc, int32_t bias, int32_t mult, int32_t shift, int32_t out_offset,
                                    int32_t lo, int32_t hi) {
    int32_t r = tl_multiply_by_quantized_multiplier(tl_add_sat(acc, bias), mult, shift);
    return (int8_t)tl_clamp_i32(tl_add_sat(r, out_offset), lo, hi);
}

#endif
