/* LiteRT's MultiplyByQuantizedMultiplier (quant_math.h) four lanes at a time in AArch64 NEON, equal
 * to the scalar function for every input:
 *
 * - the left shift (max(shift, 0)) is SSHL, which wraps as the scalar `(uint32_t)x << left` does;
 * - SaturatingRoundingDoublingHighMul is SQRDMULH: both compute floor((a * b + 2^30) / 2^31)
 *   (the scalar's nudge of 1 - 2^30 for a negative product followed by a division toward zero
 *   is the same floor), and both saturate only a = b = INT32_MIN, to INT32_MAX;
 * - RoundingDivideByPOT rounds half away from zero, SRSHL by a negative count rounds half up: for
 *   a negative x, x - 1 (saturating) rounded half up is x rounded half down, so a lane that is
 *   negative and shifted right first has 1 subtracted (its sign bit ANDed with the negative count's).
 *
 * Included only by files compiled for AArch64. */
#ifndef TL_REQUANT_NEON_H
#define TL_REQUANT_NEON_H

#include <arm_neon.h>

static inline int32x4_t tl_requantize_neon(int32x4_t acc, int32x4_t mult, int32x4_t shift) {
    const int32x4_t zero = vdupq_n_s32(0);
    int32x4_t left = vmaxq_s32(shift, zero), right = vminq_s32(shift, zero); /* right: minus the right shift */
    int32x4_t x = vqrdmulhq_s32(vshlq_s32(acc, left), mult);
    int32x4_t fix = vshrq_n_s32(vandq_s32(x, right), 31); /* -1 where x < 0 and there is a right shift */
    return vrshlq_s32(vqaddq_s32(x, fix), right);
}

/* Requantized, plus the output offset (saturating: the clamp that follows gives what the scalar
 * kernels' bound-then-add gives), clamped to [lo, hi]. */
static inline int32x4_t tl_requantize_clamp_neon(int32x4_t acc, int32x4_t mult, int32x4_t shift, int32x4_t offset,
                                                 int32x4_t lo, int32x4_t hi) {
    return vminq_s32(vmaxq_s32(vqaddq_s32(tl_requantize_neon(acc, mult, shift), offset), lo), hi);
}

/* 16 lanes already inside int8 to int8. */
static inline int8x16_t tl_narrow_s8_neon(int32x4_t a, int32x4_t b, int32x4_t c, int32x4_t d) {
    int16x8_t lo = vcombine_s16(vmovn_s32(a), vmovn_s32(b)), hi = vcombine_s16(vmovn_s32(c), vmovn_s32(d));
    return vcombine_s8(vmovn_s16(lo), vmovn_s16(hi));
}

#endif
