/* DIV: out = act(a / b), NumPy broadcasting. float32: IEEE division (x / 0 is +-inf or NaN, as
 * LiteRT's reference), then the fused activation's clamp. int32: C division truncating toward
 * zero, then the activation's integer range (NONE: none, RELU: [0, max], RELU_N1_TO_1: [-1, 1],
 * RELU6: [0, 6]). A divisor of 0 fails the invoke, as LiteRT's does (a constant one is refused in
 * prepare). INT32_MIN / -1, which overflows, gives INT32_MAX, as LiteRT's x86 build returns.
 * int8, uint8 and int16 (any zero points) as LiteRT's reference quantized division, in fixed point:
 * a = x - zp_a, b = y - zp_b (both negated when b < 0); 1 / b is the Newton-Raphson reciprocal of b
 * normalised to [1, 2) (tl_fp_one_over_one_plus) with 31 - clz(b) bits over unit; a is shifted left
 * by its redundant sign bits h and multiplied by it (rounding doubling high multiply), then by the
 * multiplier of s_a / (s_b * s_out) (formed in float, as LiteRT does), divided by 2^e with
 * e = h + (31 - clz(b)) - shift, plus zp_out, clamped to the fused activation's range. e falls
 * outside [0, 31] for small or huge quotients; LiteRT's x86 build then shifts by e mod 32 and forms
 * the rounding mask from 1 << (e mod 64) in 64 bits (pot_divide_x86 repeats that; for 0 / b it adds
 * 1). A divisor equal to its zero point fails the invoke, as LiteRT's does. */
#include <string.h>

#include "../src/kernel_api.h"
#include "common/broadcast.h"
#include "common/fixed_point.h"

enum { OPT_ACTIVATION = 0 };

typedef struct {
    tl_broadcast bc;
    float lo, hi;
    int64_t q_lo, q_hi;
    int32_t a_offset, b_offset, out_offset, mult, shift; /* quantized: -zp_a, -zp_b, zp_out */
} div_data;

static float div_f32(const div_data *d, float x, float y) {
    float v = x / y;
    return v < d->lo ? d->lo : (v > d->hi ? d->hi : v);
}

static int32_t div_s32(const div_data *d, int32_t x, int32_t y) { /* y != 0: the eval checks */
    int32_t v = y == -1 ? (x == INT32_MIN ? INT32_MAX : -x) : x / y;
    return (int32_t)(v < d->q_lo ? d->q_lo : (v > d->q_hi ? d->q_hi : v));
}

TL_BROADCAST_EVAL(tl_div_eval_f32, div_data, float, div_f32(d, a[oa], b[ob]))
TL_BROADCAST_EVAL(div_s32_checked, div_data, int32_t, div_s32(d, a[oa], b[ob]))

static tl_status tl_div_eval_s32(tl_interpreter *it, tl_node *node) {
    const tl_tensor *bt = tl_node_input(it, node, 1);
    const int32_t *b = bt->data;
    int64_t i, n = tl_tensor_numel(bt);
    for (i = 0; i < n; i++)
        if (b[i] == 0) return tl_fail(it, node, TL_STATUS_INVOKE_FAILED, "division by zero");
    return div_s32_checked(it, node);
}

/* x / 2^e rounded half away from zero for e in [0, 31]; other e as LiteRT's x86 code computes it. */
static int32_t pot_divide_x86(int32_t x, int e) {
    uint32_t mask = (uint32_t)((UINT64_C(1) << ((unsigned)e & 63u)) - 1u);
    int all_ones = mask == 0xFFFFFFFFu; /* e in [32, 63] or negative: mask is -1, (mask >> 1) too */
    int32_t remainder = all_ones ? x : (int32_t)((uint32_t)x & mask);
    int32_t threshold = (all_ones ? -1 : (int32_t)(mask >> 1)) + (x < 0 ? 1 : 0);
    return tl_add_wrap(x >> ((unsigned)e & 31u), remainder > threshold ? 1 : 0);
}

/* Redundant sign bits of x (31 for 0 and -1). */
static int sign_bits(int32_t x) {
    return tl_fp_clz((uint32_t)(x < 0 ? ~x : x)) - 1;
}

static int32_t div_q(const div_data *d, int32_t x, int32_t y) {
    int32_t a = x + d->a_offset, b = y + d->b_offset, inv, quotient, r;
    int lz, h;
    if (b < 0) { /* |a|, |b| <= 65535: no overflow */
        a = -a;
        b = -b;
    }
    lz = tl_fp_clz((uint32_t)b);
    inv = tl_fp_one_over_one_plus((int32_t)(((uint32_t)b << lz) - 0x80000000u));
    h = sign_bits(a);
    quotient = tl_srdhm((int32_t)((uint32_t)a << h), inv);
    r = tl_add_wrap(pot_divide_x86(tl_srdhm(quotient, d->mult), h + (31 - lz) - d->shift), d->out_offset);
    return (int32_t)(r < d->q_lo ? d->q_lo : (r > d->q_hi ? d->q_hi : r));
}

/* Fails the invoke, as LiteRT does, when a divisor equals its zero point (a real 0). */
#define DIV_EVAL_Q(NAME, T)                                                                     \
    TL_BROADCAST_EVAL(NAME##_checked, div_data, T, (T)div_q(d, a[oa], b[ob]))                   \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {                                  \
        const div_data *d = node->op_data;                                                      \
        const tl_tensor *bt = tl_node_input(it, node, 1);                                       \
        const T *b = bt->data;                                                                  \
        int64_t i, n = tl_tensor_numel(bt);                                                     \
        for (i = 0; i < n; i++)                                                                 \
            if (b[i] + d->b_offset == 0)                                                        \
                return tl_fail(it, node, TL_STATUS_INVOKE_FAILED, "divisor equals its zero point"); \
        return NAME##_checked(it, node);                                                        \
    }

DIV_EVAL_Q(tl_div_eval_s8, int8_t)
DIV_EVAL_Q(tl_div_eval_u8, uint8_t)
DIV_EVAL_Q(tl_div_eval_s16, int16_t)

static tl_status prepare_quantized(tl_interpreter *it, tl_node *node, const tl_tensor *a, const tl_tensor *b,
                                   const tl_tensor *out, div_data *d, int8_t act) {
    tl_status st;
    int32_t lo, hi;
    float den;
    if ((st = tl_check_quantized(it, node, a)) != TL_STATUS_OK || (st = tl_check_quantized(it, node, b)) != TL_STATUS_OK ||
        (st = tl_check_quantized(it, node, out)) != TL_STATUS_OK)
        return st;
    d->a_offset = -a->zero_point;
    d->b_offset = -b->zero_point;
    d->out_offset = out->zero_point;
    den = b->scale * out->scale; /* LiteRT forms s_a / (s_b * s_out) in float */
    if (!(den > 0.0f)) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "requantization scale out of range");
    st = tl_quantize_multiplier_checked(it, node, (double)(a->scale / den), &d->mult, &d->shift);
    if (st != TL_STATUS_OK) return st;
    if (tl_activation_range_quant(act, out, &lo, &hi) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
    d->q_lo = lo;
    d->q_hi = hi;
    if (b->is_constant) {
        int64_t i, n = tl_tensor_numel(b);
        size_t size = tl_type_size(b->type);
        for (i = 0; i < n; i++) {
            int32_t v = size == 2 ? ((const int16_t *)b->data)[i]
                                  : (b->type == TL_TYPE_INT8 ? ((const int8_t *)b->data)[i] : ((const uint8_t *)b->data)[i]);
            if (v == b->zero_point) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "constant divisor holds its zero point");
        }
    }
    return TL_STATUS_OK;
}

tl_status tl_div_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *a = tl_node_input(it, node, 0), *b = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    div_data *d;
    int8_t act;
    if (!a || !b || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 2 inputs and 1 output");
    if (a->type != out->type || b->type != out->type ||
        (out->type != TL_TYPE_FLOAT32 && out->type != TL_TYPE_INT32 && out->type != TL_TYPE_INT8 &&
         out->type != TL_TYPE_UINT8 && out->type != TL_TYPE_INT16))
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "DIV supports float32, int32, int8, uint8 and int16");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (!tl_broadcast_init(&d->bc, a, b, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "shapes do not broadcast");
    if (tl_fb_i8(&it->fb, node->options, OPT_ACTIVATION, 0, &act) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (out->type == TL_TYPE_INT8 || out->type == TL_TYPE_UINT8 || out->type == TL_TYPE_INT16) {
        node->eval = out->type == TL_TYPE_INT8 ? tl_div_eval_s8 : (out->type == TL_TYPE_UINT8 ? tl_div_eval_u8 : tl_div_eval_s16);
        return prepare_quantized(it, node, a, b, out, d, act);
    }
    if (out->type == TL_TYPE_INT32) {
        if (b->is_constant) {
            int64_t i, n = tl_tensor_numel(b);
            for (i = 0; i < n; i++) {
                int32_t v;
                memcpy(&v, (const uint8_t *)b->data + 4 * i, 4);
                if (v == 0) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "constant divisor holds 0");
            }
        }
        node->eval = tl_div_eval_s32;
        if (tl_activation_range_int(act, INT32_MIN, INT32_MAX, &d->q_lo, &d->q_hi) != TL_STATUS_OK)
            return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
        return TL_STATUS_OK;
    }
    node->eval = tl_div_eval_f32;
    return tl_activation_range_f32(act, &d->lo, &d->hi) == TL_STATUS_OK
               ? TL_STATUS_OK : tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
}
