/* 16-bit Q-format fixed point for LiteRT's integer LSTM gates (the gemmlowp scheme on int16
 * raws): a raw r with I integer bits stands for r / 2^(15 - I). The results must equal LiteRT's
 * bit for bit, so the arithmetic is the scheme's own: products by the rounding doubling high
 * multiply, additions that wrap like int16 (the scheme's adds do not saturate, except the one
 * final add of the exp polynomial), saturating left shifts, rounding right shifts.
 *
 * Values are carried in int32_t but always hold int16 values. The constants are the 32-bit
 * constants of the scheme (exp(-1/8), 1/3, exp(-2^k), 48/17, -32/17) rounded to 16 bits. */
#ifndef TL_FIXED_POINT16_H
#define TL_FIXED_POINT16_H

#include <stdint.h>

#include "quant_math.h"

/* x reduced to int16 two's complement, as a cast to int16_t does on every target we build for. */
static inline int32_t tl_fp16_wrap(int32_t x) {
    return (int32_t)(((uint32_t)x + 32768u) & 0xFFFFu) - 32768;
}

static inline int32_t tl_fp16_sat(int32_t x) { return x > 32767 ? 32767 : (x < -32768 ? -32768 : x); }

/* (a * b * 2) / 2^16, rounded to nearest; -1 * -1 saturates. */
static inline int32_t tl_fp16_mul(int32_t a, int32_t b) {
    int32_t ab = a * b;
    if (a == -32768 && b == -32768) return 32767;
    return (ab + (ab >= 0 ? (1 << 14) : 1 - (1 << 14))) / (1 << 15);
}

/* x * 2^exponent for 0 < exponent < 15, saturating to the int16 range. */
static inline int32_t tl_fp16_shl_sat(int32_t x, int exponent) {
    int32_t limit = (1 << (15 - exponent)) - 1;
    if (x > limit) return 32767;
    if (x < -limit) return -32768;
    return x * (1 << exponent);
}

/* exp(a) for a in [-1/4, 0), input and result with 0 integer bits: a Taylor polynomial of
 * degree 4 around -1/8. */
static inline int32_t tl_fp16_exp_quarter(int32_t a) {
    const int32_t exp_minus_one_eighth = 28918, one_third = 10923;
    int32_t x = tl_fp16_wrap(a + (1 << 12));
    int32_t x2 = tl_fp16_mul(x, x), x3 = tl_fp16_mul(x2, x), x4 = tl_fp16_mul(x2, x2);
    int32_t sum = tl_fp16_wrap(tl_fp16_mul(tl_fp16_wrap(tl_rounding_divide_by_pot(x4, 2) + x3), one_third) + x2);
    int32_t poly = tl_rounding_divide_by_pot(sum, 1); /* x^4/24 + x^3/6 + x^2/2 */
    return tl_fp16_sat(exp_minus_one_eighth + tl_fp16_mul(exp_minus_one_eighth, tl_fp16_wrap(x + poly)));
}

/* exp(a) for a <= 0 with `bits` integer bits (0..13); the result has 0 integer bits. The
 * fractional quarter goes through the polynomial, every set bit of the rest multiplies by
 * exp(-2^k); inputs below -32 give 0. */
static inline int32_t tl_fp16_exp_negative(int32_t a, int bits) {
    static const int32_t exp_minus_pow2[7] = {25520, 19875, 12055, 4435, 600, 11, 0}; /* k = -2..4 */
    int frac = 15 - bits, k;
    int32_t quarter = (int32_t)1 << (frac - 2);
    int32_t shifted = tl_fp16_wrap((a & (quarter - 1)) - quarter); /* in [-1/4, 0) */
    int32_t rest = tl_fp16_wrap(shifted - a);
    int32_t result = tl_fp16_exp_quarter(bits > 0 ? tl_fp16_shl_sat(shifted, bits) : shifted);
    for (k = -2; k <= 4 && k < bits; k++)
        if (rest & ((int32_t)1 << (frac + k))) result = tl_fp16_mul(result, exp_minus_pow2[k + 2]);
    if (bits > 5 && a < -((int32_t)1 << (20 - bits))) result = 0;
    return a == 0 ? 32767 : result;
}

/* Newton-Raphson for 1 / ((1 + a) / 2), a in [0, 1) with 0 integer bits; the estimate has 2. */
static inline int32_t tl_fp16_newton_inverse_half(int32_t a) {
    const int32_t c48_17 = 23130, cneg32_17 = -15420, one_q2 = 1 << 13;
    int32_t sum = a + 32767;
    int32_t half_den = (sum + (sum >= 0 ? 1 : -1)) / 2;
    int32_t x = tl_fp16_wrap(c48_17 + tl_fp16_mul(half_den, cneg32_17));
    int i;
    for (i = 0; i < 3; i++) {
        int32_t err = tl_fp16_wrap(one_q2 - tl_fp16_mul(half_den, x));
        x = tl_fp16_wrap(x + tl_fp16_shl_sat(tl_fp16_mul(x, err), 2));
    }
    return x;
}

/* 1 / (1 + a) and (1 - a) / (1 + a) for a in [0, 1), 0 integer bits in and out. */
static inline int32_t tl_fp16_one_over_one_plus(int32_t a) {
    return tl_fp16_shl_sat(tl_fp16_newton_inverse_half(a), 1);
}

static inline int32_t tl_fp16_one_minus_over_one_plus(int32_t a) {
    return tl_fp16_shl_sat(tl_fp16_wrap(tl_fp16_newton_inverse_half(a) - (1 << 13)), 2);
}

/* sigmoid(a), a with `bits` integer bits, result in Q0.15; computed on -|a| and mirrored. */
static inline int32_t tl_fp16_logistic(int32_t a, int bits) {
    int32_t neg_abs, p;
    if (a == 0) return 1 << 14;
    neg_abs = a > 0 ? -a : a; /* -(-a) in int16: -32768 stays -32768 */
    p = tl_fp16_one_over_one_plus(tl_fp16_exp_negative(neg_abs, bits));
    return a > 0 ? p : tl_fp16_wrap(32767 - p);
}

/* tanh(a), a with `bits` integer bits (bits + 1 <= 13), result in Q0.15: (1 - e) / (1 + e) with
 * e = exp(-2|a|), sign restored. */
static inline int32_t tl_fp16_tanh(int32_t a, int bits) {
    int32_t neg_abs, t;
    if (a == 0) return 0;
    neg_abs = a < 0 ? a : tl_fp16_wrap(-a);
    t = tl_fp16_one_minus_over_one_plus(tl_fp16_exp_negative(neg_abs, bits + 1));
    return a < 0 ? tl_fp16_wrap(-t) : t;
}

#endif
