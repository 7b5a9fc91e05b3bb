/* ADD and SUB: out = a +- b with broadcasting and a fused activation.
 * Quantized (int8, int16): both inputs are rescaled to a common scale 2 * max(sa, sb) with
 * `left_shift` bits of headroom (20 for int8, 15 for int16), added or subtracted, then
 * rescaled to the output: LiteRT's reference arithmetic (its general-scale path), bit for bit.
 * int32 and int64 (loop counters in WHILE bodies, index arithmetic): plain two's complement
 * arithmetic, wrapping on overflow as LiteRT's compiled kernels do, then the activation's
 * integer range (RELU: [0, max], RELU6: [0, 6], RELU_N1_TO_1: [-1, 1]). The optimized tier
 * (opt/binary_f32.c, opt/binary_q.c) takes float32, int8 and int16 of the same shapes, a row
 * repeated or a value. */
#include "add_sub.h"

#include "../../src/kernel_api.h"
#include "../opt/opt_kernels.h"
#include "broadcast.h"
#include "quant_math.h"

enum { OPT_ACTIVATION = 0 };

typedef struct {
    int32_t sign; /* +1 ADD, -1 SUB */
    tl_broadcast bc;
    float f_lo, f_hi;
    int32_t left_shift, a_offset, b_offset, out_offset;
    int32_t a_mult, a_shift, b_mult, b_shift, out_mult, out_shift, q_lo, q_hi;
    int64_t i_lo, i_hi; /* int32 / int64 activation range */
} add_data;

static tl_status tl_add_sub_eval_f32(tl_interpreter *it, tl_node *node);
static tl_status tl_add_sub_eval_s8(tl_interpreter *it, tl_node *node);
static tl_status tl_add_sub_eval_u8(tl_interpreter *it, tl_node *node);
static tl_status tl_add_sub_eval_s16(tl_interpreter *it, tl_node *node);
static tl_status tl_add_sub_eval_s32(tl_interpreter *it, tl_node *node);
static tl_status tl_add_sub_eval_s64(tl_interpreter *it, tl_node *node);

tl_status tl_add_sub_prepare(tl_interpreter *it, tl_node *node, int32_t sign) {
    tl_tensor *a = tl_node_input(it, node, 0), *b = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    add_data *d;
    int8_t act;
    if (!a || !b || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 2 inputs and 1 output");
    if (a->type != out->type || b->type != out->type)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "input and output types differ");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->sign = sign;
    if (!tl_broadcast_init(&d->bc, a, b, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "shapes do not broadcast");
    if (tl_fb_i8(&it->fb, node->options, OPT_ACTIVATION, 0, &act) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (out->type == TL_TYPE_FLOAT32) {
        node->eval = tl_add_sub_eval_f32;
        if (tl_activation_range_f32(act, &d->f_lo, &d->f_hi) != TL_STATUS_OK)
            return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
        return it->reference_kernels ? TL_STATUS_OK
                                     : tl_binary_opt_f32_prepare(it, node, sign > 0 ? TL_OPT_ADD : TL_OPT_SUB, d->f_lo, d->f_hi);
    }
    if (out->type == TL_TYPE_INT8 || out->type == TL_TYPE_INT16 || out->type == TL_TYPE_UINT8) {
        double twice_max = 2.0 * (a->scale > b->scale ? a->scale : b->scale);
        if (tl_check_quantized(it, node, a) || tl_check_quantized(it, node, b) || tl_check_quantized(it, node, out))
            return TL_STATUS_MODEL_INVALID;
        node->eval = out->type == TL_TYPE_INT16 ? tl_add_sub_eval_s16
                   : out->type == TL_TYPE_UINT8 ? tl_add_sub_eval_u8 : tl_add_sub_eval_s8;
        d->left_shift = out->type == TL_TYPE_INT16 ? 15 : 20;
        d->a_offset = -a->zero_point;
        d->b_offset = -b->zero_point;
        d->out_offset = out->zero_point;
        if (tl_quantize_multiplier_checked(it, node, a->scale / twice_max, &d->a_mult, &d->a_shift) ||
            tl_quantize_multiplier_checked(it, node, b->scale / twice_max, &d->b_mult, &d->b_shift) ||
            tl_quantize_multiplier_checked(it, node, twice_max / ((double)(1 << d->left_shift) * out->scale),
                                           &d->out_mult, &d->out_shift))
            return TL_STATUS_MODEL_UNSUPPORTED;
        if (tl_activation_range_quant(act, out, &d->q_lo, &d->q_hi) != TL_STATUS_OK)
            return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
        if (!it->reference_kernels && out->type != TL_TYPE_UINT8) { /* uint8 (as int8, left shift 20) stays here */
            tl_add_q_params p = {sign,      d->left_shift, d->a_offset, d->b_offset,   d->out_offset, d->a_mult, d->a_shift,
                                 d->b_mult, d->b_shift,    d->out_mult, d->out_shift, d->q_lo,       d->q_hi};
            return tl_add_sub_opt_q_prepare(it, node, &p);
        }
        return TL_STATUS_OK;
    }
    if (out->type == TL_TYPE_INT32 || out->type == TL_TYPE_INT64) {
        int64_t type_hi = out->type == TL_TYPE_INT32 ? INT32_MAX : INT64_MAX;
        node->eval = out->type == TL_TYPE_INT32 ? tl_add_sub_eval_s32 : tl_add_sub_eval_s64;
        if (tl_activation_range_int(act, -type_hi - 1, type_hi, &d->i_lo, &d->i_hi) != TL_STATUS_OK)
            return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
        return TL_STATUS_OK;
    }
    return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "supports float32, int8, uint8, int16, int32 and int64");
}

static float add_f32(const add_data *d, float x, float y) {
    float v = d->sign > 0 ? x + y : x - y;
    return v < d->f_lo ? d->f_lo : (v > d->f_hi ? d->f_hi : v);
}

static int32_t add_quantized(const add_data *d, int32_t x, int32_t y) {
    int32_t sx = (int32_t)((uint32_t)(x + d->a_offset) << d->left_shift);
    int32_t sy = (int32_t)((uint32_t)(y + d->b_offset) << d->left_shift);
    int32_t rx = tl_multiply_by_quantized_multiplier(sx, d->a_mult, d->a_shift);
    int32_t ry = tl_multiply_by_quantized_multiplier(sy, d->b_mult, d->b_shift);
    int32_t r = tl_multiply_by_quantized_multiplier(rx + d->sign * ry, d->out_mult, d->out_shift) + d->out_offset;
    return tl_clamp_i32(r, d->q_lo, d->q_hi);
}

/* Wrapping add/sub through unsigned arithmetic (no signed overflow), then the activation clamp. */
static int32_t add_s32(const add_data *d, int32_t x, int32_t y) {
    int32_t v = (int32_t)(d->sign > 0 ? (uint32_t)x + (uint32_t)y : (uint32_t)x - (uint32_t)y);
    return (int32_t)(v < d->i_lo ? d->i_lo : (v > d->i_hi ? d->i_hi : v));
}

static int64_t add_s64(const add_data *d, int64_t x, int64_t y) {
    int64_t v = (int64_t)(d->sign > 0 ? (uint64_t)x + (uint64_t)y : (uint64_t)x - (uint64_t)y);
    return v < d->i_lo ? d->i_lo : (v > d->i_hi ? d->i_hi : v);
}

TL_BROADCAST_EVAL(tl_add_sub_eval_f32, add_data, float, add_f32(d, a[oa], b[ob]))
TL_BROADCAST_EVAL(tl_add_sub_eval_s8, add_data, int8_t, (int8_t)add_quantized(d, a[oa], b[ob]))
TL_BROADCAST_EVAL(tl_add_sub_eval_u8, add_data, uint8_t, (uint8_t)add_quantized(d, a[oa], b[ob]))
TL_BROADCAST_EVAL(tl_add_sub_eval_s16, add_data, int16_t, (int16_t)add_quantized(d, a[oa], b[ob]))
TL_BROADCAST_EVAL(tl_add_sub_eval_s32, add_data, int32_t, add_s32(d, a[oa], b[ob]))
TL_BROADCAST_EVAL(tl_add_sub_eval_s64, add_data, int64_t, add_s64(d, a[oa], b[ob]))
