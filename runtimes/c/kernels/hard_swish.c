/* HARD_SWISH: x * relu6(x + 3) / 6. float32 in float, in that order, as LiteRT's reference.
 * int8 and uint8 follow LiteRT's reference 16-bit fixed-point arithmetic exactly: x - zp_in on a 2^7 finer
 * "hires" scale; one 16-bit multiplier (hires / s_out) brings it to the output scale before the
 * final shift, another (hires / (3 / 32768)) maps [-3, 3] onto [-1, 1] (saturating), which is
 * moved to [0, 1] and multiplied in (doubling high multiply without rounding); then the output
 * shift (right only: prepare refuses an output scale that would need a left shift), zp_out, and
 * the type's range. The optimized tier runs int8 and uint8 through a table of hard_swish_s8 / _u8 (opt/unary_lut.c),
 * float32 vectorised in the same order (opt/hard_swish_f32.c). */
#include "../src/kernel_api.h"
#include "common/quant_math.h"
#include "common/unary.h"
#include "opt/opt_kernels.h"

typedef struct {
    int32_t in_zp, out_zp;
    int16_t out_mult, relu_mult;
    int32_t out_exp, relu_exp;
} hard_swish_data;

static tl_status tl_hard_swish_eval_f32(tl_interpreter *it, tl_node *node) {
    const float *x = tl_node_input(it, node, 0)->data;
    tl_tensor *out = tl_node_output(it, node, 0);
    float *y = out->data;
    int64_t i, n = tl_tensor_numel(out);
    for (i = 0; i < n; i++) {
        float v = x[i], r = v + 3.0f;
        r = r > 0.0f ? r : 0.0f;
        r = r < 6.0f ? r : 6.0f;
        y[i] = v * r / 6.0f;
    }
    return TL_STATUS_OK;
}

/* 16-bit fixed point, as gemmlowp's int16 instantiations. */
static int16_t srdhm16(int16_t a, int16_t b) { /* rounding doubling high multiply, saturating */
    int32_t ab = (int32_t)a * b, nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
    if (a == b && a == INT16_MIN) return INT16_MAX;
    return (int16_t)((ab + nudge) / (1 << 15));
}

static int16_t sdhm16(int16_t a, int16_t b) { /* doubling high multiply, truncating, saturating */
    if (a == b && a == INT16_MIN) return INT16_MAX;
    return (int16_t)(((int32_t)a * b) / (1 << 15));
}

static int16_t sat_shl16(int16_t v, int amount) { /* amount in [0, 30] */
    int64_t r = (int64_t)v * ((int64_t)1 << amount);
    return (int16_t)(r > INT16_MAX ? INT16_MAX : (r < INT16_MIN ? INT16_MIN : r));
}

/* Rounding right shift by `e` in [0, 31] with the mask taken in 16 bits (as gemmlowp's int16). */
static int16_t rdivpot16(int16_t x, int e) {
    int16_t mask = (int16_t)(uint16_t)(((uint64_t)1 << e) - 1);
    int16_t remainder = (int16_t)(x & mask);
    int16_t threshold = (int16_t)((mask >> 1) + (x < 0 ? 1 : 0));
    return (int16_t)((x >> e) + (remainder > threshold ? 1 : 0));
}

/* One int8 or uint8 element before the clamp to its type: the arithmetic the reference evals and
 * the optimized tier's table share (LiteRT's reference is one template for both types). */
static int32_t hard_swish_q(const void *ctx, int32_t x) {
    const hard_swish_data *d = ctx;
    int16_t hires = (int16_t)((x - d->in_zp) * (1 << 7)); /* |x - zp| <= 255: fits */
    int16_t pre_out = srdhm16(hires, d->out_mult);
    int16_t relu = hires, r;
    int32_t o;
    if (d->relu_exp > 0) relu = sat_shl16(relu, d->relu_exp - 1);
    relu = srdhm16(relu, d->relu_mult);
    if (d->relu_exp > 0) relu = sat_shl16(relu, 1);
    if (d->relu_exp < 0) relu = rdivpot16(relu, -d->relu_exp);
    relu = (int16_t)((relu + (1 << 15)) >> 1);
    r = rdivpot16(sdhm16(relu, pre_out), -d->out_exp);
    o = (int16_t)(uint16_t)(r + d->out_zp); /* LiteRT adds in 16 bits */
    return o;
}

static int32_t hard_swish_s8(const void *ctx, int32_t x) { return tl_clamp_i32(hard_swish_q(ctx, x), INT8_MIN, INT8_MAX); }
static int32_t hard_swish_u8(const void *ctx, int32_t x) { return tl_clamp_i32(hard_swish_q(ctx, x), 0, UINT8_MAX); }

TL_UNARY_EVAL(tl_hard_swish_eval_s8, hard_swish_data, int8_t, int8_t, (int8_t)hard_swish_s8(d, x[i]))
TL_UNARY_EVAL(tl_hard_swish_eval_u8, hard_swish_data, uint8_t, uint8_t, (uint8_t)hard_swish_u8(d, x[i]))

static int16_t to_16bit_multiplier(int32_t m) {
    if (m >= INT32_MAX - (1 << 15)) return INT16_MAX;
    return (int16_t)((m + (1 << 15)) >> 16);
}

tl_status tl_hard_swish_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    hard_swish_data *d;
    float hires_scale, out_real, relu_real;
    int32_t m;
    tl_status st;
    if (!in || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs an input and an output");
    if (in->type != out->type || tl_tensor_numel(in) != tl_tensor_numel(out))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output must match in type and size");
    if (in->type == TL_TYPE_FLOAT32) {
        node->eval = tl_hard_swish_eval_f32;
        return it->reference_kernels ? TL_STATUS_OK : tl_hard_swish_opt_f32_prepare(it, node);
    }
    if (in->type != TL_TYPE_INT8 && in->type != TL_TYPE_UINT8)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "HARD_SWISH supports float32, int8 and uint8");
    if ((st = tl_check_quantized(it, node, in)) != TL_STATUS_OK || (st = tl_check_quantized(it, node, out)) != TL_STATUS_OK)
        return st;
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->in_zp = in->zero_point;
    d->out_zp = out->zero_point;
    /* The real multipliers in float arithmetic, as LiteRT forms them. */
    hires_scale = (1.0f / 128.0f) * in->scale;
    out_real = hires_scale / out->scale;
    relu_real = hires_scale / (3.0f / 32768.0f);
    if ((st = tl_quantize_multiplier_checked(it, node, (double)out_real, &m, &d->out_exp)) != TL_STATUS_OK) return st;
    d->out_mult = to_16bit_multiplier(m);
    if (d->out_exp > 0)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "output scale too small for the input scale (LiteRT refuses it too)");
    if ((st = tl_quantize_multiplier_checked(it, node, (double)relu_real, &m, &d->relu_exp)) != TL_STATUS_OK) return st;
    d->relu_mult = to_16bit_multiplier(m);
    if (in->type == TL_TYPE_UINT8) {
        node->eval = tl_hard_swish_eval_u8;
        return it->reference_kernels ? TL_STATUS_OK : tl_unary_opt_lut_prepare(it, node, 0, hard_swish_u8, d);
    }
    node->eval = tl_hard_swish_eval_s8;
    return it->reference_kernels ? TL_STATUS_OK : tl_unary_opt_lut_prepare(it, node, 1, hard_swish_s8, d);
}
