/* MUL: out = a * b with broadcasting and a fused activation. float32; int8, uint8 and int16 (int16 with
 * zero points 0) as LiteRT's reference: (a - za) * (b - zb) requantized by s_a * s_b / s_out (that
 * product formed in float, as LiteRT does) plus the output zero point; int32 and int64 wrap on overflow
 * as LiteRT's compiled kernel does, then the activation's range. The optimized tier (opt/binary_f32.c,
 * opt/binary_q.c) takes float32, int8 and int16 of the same shapes, a row repeated or a value. */
#include "../src/kernel_api.h"
#include "common/broadcast.h"
#include "common/quant_math.h"
#include "opt/opt_kernels.h"

enum { OPT_ACTIVATION = 0 };

typedef struct {
    tl_broadcast bc;
    float f_lo, f_hi;
    int32_t a_offset, b_offset, out_offset, mult, shift, q_lo, q_hi;
    int64_t l_lo, l_hi; /* int64's activation range */
} mul_data;

static tl_status tl_mul_eval_f32(tl_interpreter *it, tl_node *node);
static tl_status tl_mul_eval_s8(tl_interpreter *it, tl_node *node);
static tl_status tl_mul_eval_u8(tl_interpreter *it, tl_node *node);
static tl_status tl_mul_eval_s16(tl_interpreter *it, tl_node *node);
static tl_status tl_mul_eval_s32(tl_interpreter *it, tl_node *node);
static tl_status tl_mul_eval_s64(tl_interpreter *it, tl_node *node);

static tl_status int32_activation(tl_interpreter *it, tl_node *node, int8_t act, mul_data *d) {
    int64_t lo, hi;
    if (tl_activation_range_int(act, INT32_MIN, INT32_MAX, &lo, &hi) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
    d->q_lo = (int32_t)lo;
    d->q_hi = (int32_t)hi;
    return TL_STATUS_OK;
}

tl_status tl_mul_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *a = tl_node_input(it, node, 0), *b = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    mul_data *d;
    int8_t act;
    tl_status st;
    if (!a || !b || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 2 inputs and 1 output");
    if (a->type != out->type || b->type != out->type)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "input and output types differ");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (!tl_broadcast_init(&d->bc, a, b, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "shapes do not broadcast");
    if (tl_fb_i8(&it->fb, node->options, OPT_ACTIVATION, 0, &act) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (out->type == TL_TYPE_FLOAT32) {
        node->eval = tl_mul_eval_f32;
        if (tl_activation_range_f32(act, &d->f_lo, &d->f_hi) != TL_STATUS_OK)
            return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
        return it->reference_kernels ? TL_STATUS_OK : tl_binary_opt_f32_prepare(it, node, TL_OPT_MUL, d->f_lo, d->f_hi);
    }
    if (out->type == TL_TYPE_INT32) {
        node->eval = tl_mul_eval_s32;
        return int32_activation(it, node, act, d);
    }
    if (out->type == TL_TYPE_INT64) {
        node->eval = tl_mul_eval_s64;
        if (tl_activation_range_int(act, INT64_MIN, INT64_MAX, &d->l_lo, &d->l_hi) != TL_STATUS_OK)
            return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
        return TL_STATUS_OK;
    }
    if (out->type != TL_TYPE_INT8 && out->type != TL_TYPE_INT16 && out->type != TL_TYPE_UINT8)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "MUL supports float32, int8, uint8, int16, int32 and int64");
    if ((st = tl_check_quantized(it, node, a)) != TL_STATUS_OK || (st = tl_check_quantized(it, node, b)) != TL_STATUS_OK ||
        (st = tl_check_quantized(it, node, out)) != TL_STATUS_OK)
        return st;
    if (out->type == TL_TYPE_INT16 && (a->zero_point || b->zero_point || out->zero_point))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "int16 MUL needs zero points 0");
    d->a_offset = -a->zero_point;
    d->b_offset = -b->zero_point;
    d->out_offset = out->zero_point;
    st = tl_quantize_multiplier_checked(it, node, (double)(a->scale * b->scale / out->scale), &d->mult, &d->shift);
    if (st != TL_STATUS_OK) return st;
    node->eval = out->type == TL_TYPE_INT8 ? tl_mul_eval_s8 : out->type == TL_TYPE_UINT8 ? tl_mul_eval_u8 : tl_mul_eval_s16;
    if (tl_activation_range_quant(act, out, &d->q_lo, &d->q_hi) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
    if (!it->reference_kernels && out->type != TL_TYPE_UINT8) { /* uint8 stays on the reference */
        tl_mul_q_params p = {d->a_offset, d->b_offset, d->out_offset, d->mult, d->shift, d->q_lo, d->q_hi};
        return tl_mul_opt_q_prepare(it, node, &p);
    }
    return TL_STATUS_OK;
}

static float clamp_f(float v, float lo, float hi) { return v < lo ? lo : v > hi ? hi : v; }

static int32_t mul_q(const mul_data *d, int32_t a, int32_t b) {
    int32_t r = tl_multiply_by_quantized_multiplier((a + d->a_offset) * (b + d->b_offset), d->mult, d->shift);
    return tl_clamp_i32(tl_add_sat(r, d->out_offset), d->q_lo, d->q_hi);
}

static int32_t mul_wrap_s32(const mul_data *d, int32_t a, int32_t b) {
    int32_t r = (int32_t)(uint32_t)((uint64_t)(int64_t)a * (uint64_t)(int64_t)b);
    return tl_clamp_i32(r, d->q_lo, d->q_hi);
}

static int64_t mul_wrap_s64(const mul_data *d, int64_t a, int64_t b) {
    int64_t r = (int64_t)((uint64_t)a * (uint64_t)b);
    return r < d->l_lo ? d->l_lo : r > d->l_hi ? d->l_hi : r;
}

TL_BROADCAST_EVAL(tl_mul_eval_f32, mul_data, float, clamp_f(a[oa] * b[ob], d->f_lo, d->f_hi))
TL_BROADCAST_EVAL(tl_mul_eval_s8, mul_data, int8_t, (int8_t)mul_q(d, a[oa], b[ob]))
TL_BROADCAST_EVAL(tl_mul_eval_u8, mul_data, uint8_t, (uint8_t)mul_q(d, a[oa], b[ob]))
TL_BROADCAST_EVAL(tl_mul_eval_s16, mul_data, int16_t, (int16_t)mul_q(d, a[oa], b[ob]))
TL_BROADCAST_EVAL(tl_mul_eval_s32, mul_data, int32_t, mul_wrap_s32(d, a[oa], b[ob]))
TL_BROADCAST_EVAL(tl_mul_eval_s64, mul_data, int64_t, mul_wrap_s64(d, a[oa], b[ob]))
