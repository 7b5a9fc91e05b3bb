/* SOFTMAX of 8-bit inputs (int8 -> int8 / int16, uint8 -> uint8) in the optimized tier, with the
 * reference's arithmetic (kernels/softmax.c is the definition) evaluated once per input difference
 * instead of once per element: x - max takes at most 256 values, so prepare tabulates, for d = max - x,
 * the fixed-point exp and its share of the sum, and each row sums table entries (the shares are not
 * negative, so the reference's saturating running sum equals the int64 sum clamped) and fills an output
 * table over the differences it holds, as the reference computes each output. Rows shorter than their
 * range of differences compute each output directly. */
#include "../common/fixed_point.h"
#include "opt_kernels.h"

typedef struct {
    tl_softmax_q8_params p;
    int32_t exp[256];  /* exp(beta * scale * -d), 0 integer bits */
    int32_t term[256]; /* its share of the sum (12 integer bits), 0 where d is past -diff_min */
} softmax_q8_opt;

enum { ACCUMULATION_INTEGER_BITS = 12 };

static int32_t in_at(const void *x, int64_t i, int32_t in_signed) {
    return in_signed ? ((const int8_t *)x)[i] : ((const uint8_t *)x)[i];
}

/* The reference's output for difference d = max - x, in the output type's units. */
static int32_t out_of(const softmax_q8_opt *o, int32_t d, int32_t reciprocal, int32_t bits_over_unit) {
    const tl_softmax_q8_params *p = &o->p;
    int32_t out = p->out_zero;
    if (-d >= p->diff_min)
        out = tl_rounding_divide_by_pot(tl_srdhm(reciprocal, o->exp[d]), bits_over_unit + 31 - p->out_bits) + p->out_zero;
    return tl_clamp_i32(out, p->out_zero, p->out_zero + (1 << p->out_bits) - 1);
}

static void put(void *y, int64_t i, int32_t out_bits, int32_t v) {
    if (out_bits == 16)
        ((int16_t *)y)[i] = (int16_t)v;
    else if (v > 127)
        ((uint8_t *)y)[i] = (uint8_t)v; /* uint8 output: zero point 0 */
    else
        ((int8_t *)y)[i] = (int8_t)v;
}

static tl_status eval_q8(tl_interpreter *it, tl_node *node) {
    const softmax_q8_opt *o = node->op_data;
    const tl_softmax_q8_params *p = &o->p;
    const void *x = tl_node_input(it, node, 0)->data;
    void *y = tl_node_output(it, node, 0)->data;
    int32_t table[256];
    int64_t r, i, depth = p->depth;
    for (r = 0; r < p->rows; r++) {
        int64_t base = r * depth, sum = 0;
        int32_t max = in_at(x, base, p->in_signed), min = max, headroom, bits_over_unit, reciprocal, d;
        if (p->in_signed) {
            const int8_t *xr = (const int8_t *)x + base;
            for (i = 1; i < depth; i++) {
                max = xr[i] > max ? xr[i] : max;
                min = xr[i] < min ? xr[i] : min;
            }
            for (i = 0; i < depth; i++) sum += o->term[max - xr[i]];
        } else {
            const uint8_t *xr = (const uint8_t *)x + base;
            for (i = 1; i < depth; i++) {
                max = xr[i] > max ? xr[i] : max;
                min = xr[i] < min ? xr[i] : min;
            }
            for (i = 0; i < depth; i++) sum += o->term[max - xr[i]];
        }
        if (sum > INT32_MAX) sum = INT32_MAX;
        /* 1/sum as the reference: normalised to [1, 2), then 1/(1 + x) */
        headroom = tl_fp_clz((uint32_t)sum);
        bits_over_unit = ACCUMULATION_INTEGER_BITS - headroom;
        reciprocal = tl_fp_one_over_one_plus((int32_t)(((uint32_t)sum << headroom) - (1u << 31)));
        if (depth <= max - min) {
            for (i = 0; i < depth; i++)
                put(y, base + i, p->out_bits, out_of(o, max - in_at(x, base + i, p->in_signed), reciprocal, bits_over_unit));
            continue;
        }
        for (d = 0; d <= max - min; d++) table[d] = out_of(o, d, reciprocal, bits_over_unit);
        if (p->out_bits == 16) {
            const int8_t *xr = (const int8_t *)x + base; /* int16 output: int8 input */
            int16_t *yr = (int16_t *)y + base;
            for (i = 0; i < depth; i++) yr[i] = (int16_t)table[max - xr[i]];
        } else if (p->in_signed) {
            const int8_t *xr = (const int8_t *)x + base;
            int8_t *yr = (int8_t *)y + base;
            for (i = 0; i < depth; i++) yr[i] = (int8_t)table[max - xr[i]];
        } else {
            const uint8_t *xr = (const uint8_t *)x + base;
            uint8_t *yr = (uint8_t *)y + base;
            for (i = 0; i < depth; i++) yr[i] = (uint8_t)table[max - xr[i]];
        }
    }
    return TL_STATUS_OK;
}

tl_status tl_softmax_opt_q8_prepare(tl_interpreter *it, tl_node *node, const tl_softmax_q8_params *params) {
    softmax_q8_opt *o;
    int32_t d;
    if (it->no_weight_packing) return TL_STATUS_OK; /* the small-arena setting: not 2 KB of tables, the reference runs */
    o = tl_alloc_persistent(it, sizeof *o);
    if (!o) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "optimized SOFTMAX op data");
    o->p = *params;
    for (d = 0; d < 256; d++) {
        int32_t scaled = tl_srdhm((int32_t)((uint32_t)-d << params->input_left_shift), params->input_multiplier);
        o->exp[d] = tl_fp_exp_negative(scaled);
        o->term[d] = -d >= params->diff_min ? tl_fp_mul_pot(o->exp[d], -ACCUMULATION_INTEGER_BITS) : 0;
    }
    node->op_data = o;
    node->eval = eval_q8;
    return TL_STATUS_OK;
}
