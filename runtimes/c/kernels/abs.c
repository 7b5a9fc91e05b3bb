/* ABS: y = |x|, float32 (shared kernel in common/unary_f32.c) and int32 (as LiteRT's std::abs
 * compiles: |INT32_MIN| stays INT32_MIN, written here without overflow). int8 and int16 as LiteRT's
 * reference: |x - zp_in|, rescaled by s_in / s_out (divided in float, as LiteRT does; multiplier and
 * shift) unless the scales are equal, plus zp_out, clamped to the type. */
#include "../src/kernel_api.h"
#include "common/quant_math.h"
#include "common/unary.h"
#include "common/unary_f32.h"

typedef struct {
    int32_t in_zp, out_zp, mult, shift, rescale, lo, hi;
} abs_q_data;

TL_UNARY_EVAL(tl_abs_eval_s32, void, int32_t, int32_t, (x[i] < 0 && x[i] != INT32_MIN) ? -x[i] : x[i])

static int32_t abs_q(const abs_q_data *d, int32_t x) {
    int32_t v = x - d->in_zp, r;
    v = v < 0 ? -v : v; /* |x - zp| <= 65535 */
    r = d->rescale ? tl_multiply_by_quantized_multiplier(v, d->mult, d->shift) : v;
    return tl_clamp_i32(tl_add_sat(r, d->out_zp), d->lo, d->hi);
}

TL_UNARY_EVAL(tl_abs_eval_s8, abs_q_data, int8_t, int8_t, (int8_t)abs_q(d, x[i]))
TL_UNARY_EVAL(tl_abs_eval_s16, abs_q_data, int16_t, int16_t, (int16_t)abs_q(d, x[i]))

static tl_status prepare_q(tl_interpreter *it, tl_node *node, const tl_tensor *in, const tl_tensor *out) {
    abs_q_data *d;
    tl_status st;
    if ((st = tl_check_quantized(it, node, in)) != TL_STATUS_OK || (st = tl_check_quantized(it, node, out)) != TL_STATUS_OK)
        return st;
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->in_zp = in->zero_point;
    d->out_zp = out->zero_point;
    d->rescale = in->scale != out->scale;
    if (d->rescale && (st = tl_quantize_multiplier_checked(it, node, (double)(in->scale / out->scale), &d->mult,
                                                           &d->shift)) != TL_STATUS_OK)
        return st;
    d->lo = in->type == TL_TYPE_INT8 ? INT8_MIN : INT16_MIN;
    d->hi = in->type == TL_TYPE_INT8 ? INT8_MAX : INT16_MAX;
    node->eval = in->type == TL_TYPE_INT8 ? tl_abs_eval_s8 : tl_abs_eval_s16;
    return TL_STATUS_OK;
}

tl_status tl_abs_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    if (in && out && in->type == TL_TYPE_INT32 && out->type == TL_TYPE_INT32) {
        if (!tl_same_shape(in, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output shapes differ");
        node->eval = tl_abs_eval_s32;
        return TL_STATUS_OK;
    }
    if (in && out && in->type == out->type && (in->type == TL_TYPE_INT8 || in->type == TL_TYPE_INT16)) {
        if (!tl_same_shape(in, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output shapes differ");
        return prepare_q(it, node, in, out);
    }
    return tl_unary_f32_prepare(it, node, TL_UNARY_ABS, "ABS supports float32, int8, int16 and int32");
}
