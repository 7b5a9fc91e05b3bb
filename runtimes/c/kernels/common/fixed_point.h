/* Q-format fixed-point helpers for LiteRT's reference integer softmax (the gemmlowp scheme):
 * a raw int32 with I integer bits stands for raw / 2^(31 - I). Products use the saturating
 * rounding doubling high multiply; the polynomial and Newton constants below are the
 * published values of that scheme (exp(-1/8), 1/3, 48/17, -32/17, and exp(-2^k)). */
#ifndef TL_FIXED_POINT_H
#define TL_FIXED_POINT_H

#include <stdint.h>

#include "quant_math.h"

/* x * 2^exponent with saturation (exponent > 0) or rounding (exponent < 0). */
static inline int32_t tl_fp_mul_pot(int32_t x, int exponent) {
    if (exponent > 0) {
        int32_t threshold = (int32_t)((1u << (31 - exponent)) - 1u);
        if (x > threshold) return INT32_MAX;
        if (x < -threshold) return INT32_MIN;
        return (int32_t)((uint32_t)x << exponent);
    }
    return exponent < 0 ? tl_rounding_divide_by_pot(x, -exponent) : x;
}

/* exp(a) for a in [-1/4, 0), a and the result with 0 integer bits. */
static inline int32_t tl_fp_exp_quarter(int32_t a) {
    const int32_t exp_minus_one_eighth = 1895147668, one_third = 715827883;
    int32_t x = a + (1 << 28); /* a + 1/8 */
    int32_t x2 = tl_srdhm(x, x), x3 = tl_srdhm(x2, x), x4 = tl_srdhm(x2, x2);
    int32_t x4_over_4 = tl_fp_mul_pot(x4, -2);
    int32_t poly = tl_fp_mul_pot(tl_srdhm(x4_over_4 + x3, one_third) + x2, -1);
    return exp_minus_one_eighth + tl_srdhm(exp_minus_one_eighth, x + poly);
}

/* exp(a) for a <= 0 given with 5 integer bits; the result has 0 integer bits. */
static inline int32_t tl_fp_exp_negative(int32_t a) {
    static const int32_t factors[7] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
    const int32_t one_quarter = 1 << 24, fractional_bits = 26;
    int32_t a_mod = (a & (one_quarter - 1)) - one_quarter;
    int32_t result = tl_fp_exp_quarter(tl_fp_mul_pot(a_mod, 5));
    int32_t remainder = a_mod - a;
    int k;
    for (k = -2; k <= 4; k++) /* multiply by exp(-2^k) for each set bit of the remainder */
        if (remainder & (int32_t)(1u << (fractional_bits + k))) result = tl_srdhm(result, factors[k + 2]);
    return a == 0 ? INT32_MAX : result;
}

/* 1 / (1 + x) for x in [0, 1) with 0 integer bits, by Newton-Raphson; the result has 0. */
static inline int32_t tl_fp_one_over_one_plus(int32_t a) {
    const int32_t c48_17 = 1515870810, cneg32_17 = -1010580540, one_q2 = 1 << 29;
    int64_t sum = (int64_t)a + INT32_MAX;
    int32_t half_den = (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
    int32_t x = c48_17 + tl_srdhm(half_den, cneg32_17);
    int i;
    for (i = 0; i < 3; i++) {
        int32_t one_minus = one_q2 - tl_srdhm(half_den, x);
        x = x + tl_fp_mul_pot(tl_srdhm(x, one_minus), 2);
    }
    return tl_fp_mul_pot(x, 1);
}

#endif
