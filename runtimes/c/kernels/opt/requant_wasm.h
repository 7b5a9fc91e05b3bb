/* LiteRT's MultiplyByQuantizedMultiplier (quant_math.h) four lanes at a time in WebAssembly SIMD128,
 * equal to the scalar function for every multiplier but INT32_MIN (quantized multipliers are
 * positive). wasm SIMD shifts take one count for all lanes, so the per-channel shifts become
 * multiplications:
 *
 * - the left shift is a wrapping multiply by 2^left (what the scalar's (uint32_t)x << left gives);
 * - the saturating rounding doubling high multiply is floor((a * b + 2^30) / 2^31) in 64-bit lanes
 *   (i64x2.extmul_*_i32x4_s, a constant arithmetic shift by 31): the scalar's sign-dependent nudge and
 *   truncation give the same for every product (see requant_x86.h);
 * - the rounding division by 2^right: floor(x / 2^right) = (x * 2^(31 - right)) >> 31 in 64-bit lanes
 *   (x itself where right is 0), plus one where the remainder x & (2^right - 1) exceeds
 *   (2^right - 1) / 2 + (x < 0): ties away from zero, as the scalar.
 *
 * Included only by files compiled with -msimd128. */
#ifndef TL_REQUANT_WASM_H
#define TL_REQUANT_WASM_H

#include <stdint.h>
#include <wasm_simd128.h>

/* Four channels' multipliers and shifts, prepared for tl_requant_wasm_apply. */
typedef struct {
    v128_t mult, left_pow, div_pow, mask, half, no_right;
} tl_requant_wasm;

static inline tl_requant_wasm tl_requant_wasm_setup(const int32_t *mult, const int32_t *shift) {
    int32_t left_pow[4], div_pow[4], mask[4], no_right[4], j;
    tl_requant_wasm q;
    for (j = 0; j < 4; j++) {
        int32_t left = shift[j] > 0 ? shift[j] : 0, right = shift[j] > 0 ? 0 : -shift[j];
        left_pow[j] = (int32_t)((uint32_t)1 << left);
        div_pow[j] = right > 0 ? (int32_t)((uint32_t)1 << (31 - right)) : 0;
        mask[j] = (int32_t)(((int64_t)1 << right) - 1);
        no_right[j] = right == 0 ? -1 : 0;
    }
    q.mult = wasm_v128_load(mult);
    q.left_pow = wasm_v128_load(left_pow);
    q.div_pow = wasm_v128_load(div_pow);
    q.mask = wasm_v128_load(mask);
    q.half = wasm_i32x4_shr(q.mask, 1);
    q.no_right = wasm_v128_load(no_right);
    return q;
}

/* The low 32 bits of each 64-bit lane's value >> 31, lanes of lo then hi. */
static inline v128_t tl_requant_wasm_narrow31(v128_t lo, v128_t hi) {
    return wasm_i32x4_shuffle(wasm_i64x2_shr(lo, 31), wasm_i64x2_shr(hi, 31), 0, 2, 4, 6);
}

static inline v128_t tl_requant_wasm_apply(v128_t acc, const tl_requant_wasm *q) {
    const v128_t nudge = wasm_i64x2_splat((int64_t)1 << 30);
    v128_t x = wasm_i32x4_mul(acc, q->left_pow), floor_div, remainder, threshold;
    x = tl_requant_wasm_narrow31(wasm_i64x2_add(wasm_i64x2_extmul_low_i32x4(x, q->mult), nudge),
                                 wasm_i64x2_add(wasm_i64x2_extmul_high_i32x4(x, q->mult), nudge));
    floor_div = tl_requant_wasm_narrow31(wasm_i64x2_extmul_low_i32x4(x, q->div_pow),
                                         wasm_i64x2_extmul_high_i32x4(x, q->div_pow));
    floor_div = wasm_v128_bitselect(x, floor_div, q->no_right);
    remainder = wasm_v128_and(x, q->mask);
    threshold = wasm_i32x4_add(q->half, wasm_u32x4_shr(x, 31));
    return wasm_i32x4_sub(floor_div, wasm_i32x4_gt(remainder, threshold)); /* true lanes are -1 */
}

#endif
