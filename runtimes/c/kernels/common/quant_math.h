/* TFLite's integer arithmetic, one definition (DESIGN contract 4): real multipliers become a
 * Q31 fixed-point multiplier and a power-of-two shift; products use the saturating rounding
 * doubling high multiply and a rounding (half away from zero) right shift, as LiteRT's
 * reference kernels do (the non-"single rounding" variant). */
#ifndef TL_QUANT_MATH_H
#define TL_QUANT_MATH_H

#include <math.h>
#include <stdint.h>

/* real = multiplier * 2^(shift - 31), multiplier in [2^30, 2^31) (0 for real == 0). */
static inline void tl_quantize_multiplier(double real, int32_t *multiplier, int32_t *shift) {
    int exp = 0;
    double q;
    int64_t q_fixed;
    if (real == 0.0) {
        *multiplier = 0;
        *shift = 0;
        return;
    }
    q = frexp(real, &exp);
    q_fixed = (int64_t)llround(q * 2147483648.0);
    if (q_fixed == ((int64_t)1 << 31)) {
        q_fixed /= 2;
        exp++;
    }
    if (exp < -31) { /* too small to represent: flush to zero */
        exp = 0;
        q_fixed = 0;
    }
    *multiplier = (int32_t)q_fixed;
    *shift = exp;
}

/* (a * b * 2) >> 32, rounded to nearest, saturating the one overflow case. */
static inline int32_t tl_srdhm(int32_t a, int32_t b) {
    int64_t ab;
    int32_t nudge;
    if (a == b && a == INT32_MIN) return INT32_MAX;
    ab = (int64_t)a * (int64_t)b;
    nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
    return (int32_t)((ab + nudge) / ((int64_t)1 << 31));
}

/* x / 2^exponent rounded to nearest, ties away from zero. An exponent above 31 occurs in the 8-bit
 * SOFTMAX when the exponentials sum to 2^9 or more (512 or more tied classes): LiteRT's reference
 * shift is then undefined and its build aborts; the quotient of an int32 by 2^32 or more rounds to 0. */
static inline int32_t tl_rounding_divide_by_pot(int32_t x, int exponent) {
    int32_t mask, remainder, threshold;
    if (exponent > 31) return 0;
    mask = (int32_t)(((int64_t)1 << exponent) - 1);
    remainder = x & mask;
    threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

static inline int32_t tl_multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int32_t shift) {
    int left = shift > 0 ? shift : 0;
    int right = shift > 0 ? 0 : -shift;
    return tl_rounding_divide_by_pot(tl_srdhm((int32_t)((uint32_t)x << left), multiplier), right);
}

/* The int64-accumulator variant LiteRT uses for 16x8 kernels: the multiplier is reduced to
 * 16 bits and applied with one rounding shift. Valid for shift in [-31, 7] and |x| < 2^47;
 * x beyond that (only a hostile model's int64 bias gets there) is clamped first, so the
 * product cannot overflow, and the result saturates as it would anyway. */
static inline int32_t tl_multiply_by_quantized_multiplier_64(int64_t x, int32_t multiplier, int32_t shift) {
    const int64_t limit = (int64_t)1 << 47;
    int32_t reduced = multiplier < 0x7FFF0000 ? ((multiplier + (1 << 15)) >> 16) : 0x7FFF;
    int total_shift = 15 - shift;
    int64_t prod;
    x = x > limit ? limit : (x < -limit ? -limit : x);
    prod = x * (int64_t)reduced + ((int64_t)1 << (total_shift - 1));
    int64_t r = prod >= 0 ? prod >> total_shift : -((-prod - 1) >> total_shift) - 1; /* arithmetic shift */
    return r > INT32_MAX ? INT32_MAX : (r < INT32_MIN ? INT32_MIN : (int32_t)r);
}

/* a + b saturated to int32: valid models never saturate (LiteRT adds in int32); hostile ones
 * must not reach signed-overflow UB. */
static inline int32_t tl_add_sat(int32_t a, int32_t b) {
    int64_t s = (int64_t)a + b;
    return s > INT32_MAX ? INT32_MAX : (s < INT32_MIN ? INT32_MIN : (int32_t)s);
}

/* a + b saturated to int64: an int64 accumulator plus a hostile model's int64 bias. */
static inline int64_t tl_add_sat_i64(int64_t a, int64_t b) {
    if (b > 0 && a > INT64_MAX - b) return INT64_MAX;
    if (b < 0 && a < INT64_MIN - b) return INT64_MIN;
    return a + b;
}

/* static_cast<int32_t>(v) as LiteRT's x86 build computes it (cvttss2si): NaN and values outside
 * int32 give INT32_MIN. */
static inline int32_t tl_to_i32_x86(double v) {
    return v >= -2147483648.0 && v < 2147483648.0 ? (int32_t)v : INT32_MIN;
}

/* a + b wrapping in int32, as LiteRT's compiled adds do where they overflow (no UB here). */
static inline int32_t tl_add_wrap(int32_t a, int32_t b) {
    uint32_t u = (uint32_t)a + (uint32_t)b;
    return u > (uint32_t)INT32_MAX ? (int32_t)(u - 2147483648u) - INT32_MAX - 1 : (int32_t)u;
}

static inline int32_t tl_clamp_i32(int32_t x, int32_t lo, int32_t hi) {
    return x < lo ? lo : (x > hi ? hi : x);
}

#endif
