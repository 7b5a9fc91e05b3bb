/* SQUARED_DIFFERENCE: out = (a - b) * (a - b), NumPy broadcasting. float32; int32 wrapping; int8 as LiteRT's
 * reference kernel: each input offset by its zero point, shifted left 7 bits and scaled by
 * s / (2 * max(s_a, s_b)) (multiplier + shift, both below one), the difference squared in int32
 * (at most 2^30), scaled by (2 * max_s)^2 / (2^14 * s_out), plus zp_out, clamped to int8. */
#include "../src/kernel_api.h"
#include "common/broadcast.h"
#include "common/quant_math.h"

enum { LEFT_SHIFT = 7 };

typedef struct {
    tl_broadcast bc;
    int32_t a_offset, b_offset, out_offset;
    int32_t a_mult, a_shift, b_mult, b_shift, out_mult, out_shift;
} squared_difference_data;

static float squared_difference(float x, float y) {
    float v = x - y;
    return v * v;
}

static int8_t squared_difference_s8(const squared_difference_data *d, int8_t x, int8_t y) {
    int32_t sa = tl_multiply_by_quantized_multiplier((x + d->a_offset) * (1 << LEFT_SHIFT), d->a_mult, d->a_shift);
    int32_t sb = tl_multiply_by_quantized_multiplier((y + d->b_offset) * (1 << LEFT_SHIFT), d->b_mult, d->b_shift);
    int32_t diff = sa - sb; /* |diff| <= 255 * 2^7 / 2 * 2: the square fits int32 */
    int32_t r = tl_multiply_by_quantized_multiplier(diff * diff, d->out_mult, d->out_shift);
    return (int8_t)tl_clamp_i32(tl_add_sat(r, d->out_offset), INT8_MIN, INT8_MAX);
}

TL_BROADCAST_EVAL(tl_squared_difference_eval_f32, squared_difference_data, float, squared_difference(a[oa], b[ob]))
/* int32: (a - b) squared, wrapping as LiteRT's compiled arithmetic (in unsigned here) */
static int32_t squared_difference_s32(int32_t x, int32_t y) {
    uint32_t v = (uint32_t)x - (uint32_t)y;
    return (int32_t)(v * v);
}

TL_BROADCAST_EVAL(tl_squared_difference_eval_s32, squared_difference_data, int32_t, squared_difference_s32(a[oa], b[ob]))
TL_BROADCAST_EVAL(tl_squared_difference_eval_s8, squared_difference_data, int8_t, squared_difference_s8(d, a[oa], b[ob]))

/* The multipliers; every shift must be <= 0 (LiteRT applies them as multipliers below one). */
static tl_status prepare_s8(tl_interpreter *it, tl_node *node, const tl_tensor *a, const tl_tensor *b,
                            const tl_tensor *out, squared_difference_data *d) {
    double twice_max;
    tl_status st;
    if ((st = tl_check_quantized(it, node, a)) != TL_STATUS_OK || (st = tl_check_quantized(it, node, b)) != TL_STATUS_OK ||
        (st = tl_check_quantized(it, node, out)) != TL_STATUS_OK)
        return st;
    twice_max = 2.0 * (double)(a->scale > b->scale ? a->scale : b->scale);
    tl_quantize_multiplier((double)a->scale / twice_max, &d->a_mult, &d->a_shift);
    tl_quantize_multiplier((double)b->scale / twice_max, &d->b_mult, &d->b_shift);
    st = tl_quantize_multiplier_checked(it, node, twice_max * twice_max / ((double)(1 << 2 * LEFT_SHIFT) * out->scale),
                                        &d->out_mult, &d->out_shift);
    if (st != TL_STATUS_OK) return st;
    if (d->out_shift > 0) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "output scale too small for the inputs' scales");
    d->a_offset = -a->zero_point;
    d->b_offset = -b->zero_point;
    d->out_offset = out->zero_point;
    return TL_STATUS_OK;
}

tl_status tl_squared_difference_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *a = tl_node_input(it, node, 0), *b = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    squared_difference_data *d;
    if (!a || !b || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 2 inputs and 1 output");
    if (a->type != b->type || a->type != out->type ||
        (a->type != TL_TYPE_FLOAT32 && a->type != TL_TYPE_INT8 && a->type != TL_TYPE_INT32))
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "SQUARED_DIFFERENCE supports float32, int8 and int32");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (!tl_broadcast_init(&d->bc, a, b, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "shapes do not broadcast");
    if (a->type == TL_TYPE_FLOAT32 || a->type == TL_TYPE_INT32) {
        node->eval = a->type == TL_TYPE_FLOAT32 ? tl_squared_difference_eval_f32 : tl_squared_difference_eval_s32;
        return TL_STATUS_OK;
    }
    node->eval = tl_squared_difference_eval_s8;
    return prepare_s8(it, node, a, b, out, d);
}
