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

/* The scheme's adds of raws wrap (tl_add_wrap); its saturating ones are tl_add_sat and this. */
static inline int32_t tl_fp_sat_sub(int32_t a, int32_t b) {
    int64_t d = (int64_t)a - b;
    return d > INT32_MAX ? INT32_MAX : (d < INT32_MIN ? INT32_MIN : (int32_t)d);
}

/* (a + b) / 2 rounded away from zero, in 64 bits. */
static inline int32_t tl_fp_rounding_half_sum(int32_t a, int32_t b) {
    int64_t sum = (int64_t)a + b;
    return (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
}

static inline int tl_fp_clz(uint32_t x) {
    int n = 0;
    if (x == 0) return 32;
    while (!(x & 0x80000000u)) {
        x <<= 1;
        n++;
    }
    return n;
}

/* log(x) for x >= 1 given with `in_bits` integer bits; the result has `out_bits` integer bits.
 * The scheme's: x = 2^z * r with r normalised twice (plain and times sqrt(1/2), the closer one
 * kept), log(r) by a rational approximation around 2^(-1/4) with the published constants
 * (ln 2, 2^(-1/4), sqrt(1/2), 1/4, 11/240 * 2^(1/4), 1/20 * 2^(1/4), 2 / 2^(1/4) - 2^(1/4),
 * 2^(1/4) / 4), accumulated with out_bits + 1 integer bits. */
static inline int32_t tl_fp_log_x_ge_1(int32_t x, int in_bits, int out_bits) {
    const int32_t log_2 = 1488522236, sqrt_sqrt_half = 1805811301, sqrt_half = 1518500250, one_quarter = 536870912;
    const int32_t alpha_n = 117049297, alpha_d = 127690142, alpha_i = 1057819769, alpha_f = 638450708;
    const int acc_bits = out_bits + 1;
    const int32_t shifted_quarter = tl_fp_mul_pot(one_quarter, -acc_bits); /* 1/4 with acc_bits integer bits */
    int a_headroom_plus_1 = tl_fp_clz((uint32_t)x), b_headroom;
    int32_t r_a_tmp = tl_fp_mul_pot(x, a_headroom_plus_1 - 1);
    int32_t r_a = tl_fp_mul_pot(tl_srdhm(r_a_tmp, sqrt_half), 1);
    int32_t a_pow_2_adj = tl_add_sat(tl_fp_mul_pot(in_bits - a_headroom_plus_1, 31 - acc_bits), shifted_quarter);
    int32_t z_b = tl_srdhm(x, sqrt_half), r_b, b_pow_2_adj, r, pow_2_adj, p, q, common_sq, num, denom_minus_one, recip;
    b_headroom = tl_fp_clz((uint32_t)z_b) - 1;
    r_b = tl_fp_mul_pot(x, b_headroom);
    b_pow_2_adj = tl_fp_sat_sub(tl_fp_mul_pot(in_bits - b_headroom, 31 - acc_bits), shifted_quarter);
    r = r_a < r_b ? r_a : r_b;
    pow_2_adj = a_pow_2_adj > b_pow_2_adj ? a_pow_2_adj : b_pow_2_adj;
    p = tl_fp_rounding_half_sum(r, sqrt_sqrt_half);
    q = tl_add_wrap(r, -sqrt_sqrt_half);
    q = tl_add_wrap(q, q);
    common_sq = tl_srdhm(q, q);
    num = tl_add_wrap(tl_srdhm(q, r), tl_srdhm(tl_srdhm(q, common_sq), alpha_n));
    denom_minus_one = tl_add_wrap(tl_srdhm(p, tl_add_wrap(tl_add_wrap(alpha_i, q), tl_srdhm(alpha_d, common_sq))),
                                  tl_srdhm(alpha_f, q));
    recip = tl_fp_one_over_one_plus(denom_minus_one);
    return tl_fp_mul_pot(tl_add_wrap(tl_srdhm(pow_2_adj, log_2), tl_srdhm(tl_fp_mul_pot(num, -acc_bits), recip)),
                         acc_bits - out_bits);
}

/* 1 / sqrt(v) as multiplier x 2^-(*right_shift), the multiplier in Q31: LiteRT's Newton iteration in fixed
 * point (the published scheme's arithmetic: raws with 3 integer bits, 1.5 = 3 << 27, sqrt(1/2) = 1518500250
 * in Q31), shared by integer L2_NORMALIZATION and the integer LSTM's layer norm. v <= 1 (an all-zero row, or
 * 1) is LiteRT's special case: INT32_MAX, no shift. */
static inline int32_t tl_fp_inv_sqrt(int32_t v, int *right_shift) {
    const int32_t one = 1 << 28, three_halves = (1 << 28) + (1 << 27), sqrt_half = 1518500250;
    int32_t half_v, x;
    int shift = 11, pairs, i;
    if (v <= 1) {
        *right_shift = 0;
        return INT32_MAX;
    }
    while (v >= (1 << 29)) {
        v /= 4;
        shift++;
    }
    pairs = (tl_fp_clz((uint32_t)v) - 1) / 2 - 1;
    shift -= pairs;
    v <<= 2 * pairs; /* now in [2^27, 2^29) */
    half_v = tl_rounding_divide_by_pot(v >> 1, 1);
    x = one;
    for (i = 0; i < 5; i++) { /* x <- 1.5 x - (v / 2) x^3, products carrying 6 and 9 integer bits */
        int32_t x3 = tl_fp_mul_pot(tl_srdhm(tl_srdhm(x, x), x), 6);
        x = tl_fp_mul_pot(tl_add_wrap(tl_srdhm(three_halves, x), -tl_srdhm(half_v, x3)), 3);
    }
    x = tl_srdhm(x, sqrt_half);
    if (shift < 0) { /* small values: the shift moves into the multiplier (wrapping as LiteRT's compiled shift) */
        x = (int32_t)((uint32_t)x << -shift);
        shift = 0;
    }
    *right_shift = shift;
    return x;
}

#endif
