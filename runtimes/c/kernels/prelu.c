/* PRELU: out = x >= 0 ? x : x * alpha, alpha broadcast to the input's shape (NumPy rules; the
 * output has the input's shape, as LiteRT requires). float32; int8 and uint8 as LiteRT's
 * reference: v = x - zp_x; v >= 0 is rescaled by s_x / s_out, otherwise v * (alpha - zp_alpha)
 * by s_x * s_alpha / s_out (both real multipliers formed in float, then widened, as LiteRT
 * does), plus zp_out, clamped to the type. int16 is LiteRT's 16x8 kernel: int16 input and output (any zero
 * points) with an int8 alpha, the same arithmetic; LiteRT also loads an int16 alpha but then reads its
 * bytes as int8 values, so an int16 alpha is refused here. */
#include "../src/kernel_api.h"
#include "common/broadcast.h"
#include "common/quant_math.h"

typedef struct {
    tl_broadcast bc;
    int32_t in_offset, alpha_offset, out_offset;
    int32_t pos_mult, pos_shift, neg_mult, neg_shift;
} prelu_data;

static float prelu_f32(float x, float alpha) { return x >= 0.0f ? x : x * alpha; }

static int32_t prelu_q(const prelu_data *d, int32_t x, int32_t alpha) {
    int32_t v = x + d->in_offset;
    if (v >= 0) return tl_add_sat(tl_multiply_by_quantized_multiplier(v, d->pos_mult, d->pos_shift), d->out_offset);
    /* |v| <= 65535 and |alpha + offset| <= 255: the product fits int32 */
    return tl_add_sat(tl_multiply_by_quantized_multiplier(v * (alpha + d->alpha_offset), d->neg_mult, d->neg_shift),
                      d->out_offset);
}

TL_BROADCAST_EVAL(tl_prelu_eval_f32, prelu_data, float, prelu_f32(a[oa], b[ob]))
TL_BROADCAST_EVAL(tl_prelu_eval_s8, prelu_data, int8_t, (int8_t)tl_clamp_i32(prelu_q(d, a[oa], b[ob]), INT8_MIN, INT8_MAX))
TL_BROADCAST_EVAL(tl_prelu_eval_u8, prelu_data, uint8_t, (uint8_t)tl_clamp_i32(prelu_q(d, a[oa], b[ob]), 0, UINT8_MAX))

/* int16 input and output, int8 alpha. */
static tl_status tl_prelu_eval_s16(tl_interpreter *it, tl_node *node) {
    const prelu_data *d = node->op_data;
    const int16_t *x = tl_node_input(it, node, 0)->data;
    const int8_t *alpha = tl_node_input(it, node, 1)->data;
    tl_tensor *out = tl_node_output(it, node, 0);
    int16_t *y = out->data;
    int64_t i, n = tl_tensor_numel(out), ox, oa;
    for (i = 0; i < n; i++) {
        tl_broadcast_offsets(&d->bc, i, &ox, &oa);
        y[i] = (int16_t)tl_clamp_i32(prelu_q(d, x[ox], alpha[oa]), INT16_MIN, INT16_MAX);
    }
    return TL_STATUS_OK;
}

static tl_status prepare_quantized(tl_interpreter *it, tl_node *node, const tl_tensor *in, const tl_tensor *alpha,
                                   const tl_tensor *out, prelu_data *d) {
    tl_status st;
    if ((st = tl_check_quantized(it, node, in)) != TL_STATUS_OK || (st = tl_check_quantized(it, node, alpha)) != TL_STATUS_OK ||
        (st = tl_check_quantized(it, node, out)) != TL_STATUS_OK)
        return st;
    d->in_offset = -in->zero_point;
    d->alpha_offset = -alpha->zero_point;
    d->out_offset = out->zero_point;
    st = tl_quantize_multiplier_checked(it, node, (double)(in->scale / out->scale), &d->pos_mult, &d->pos_shift);
    if (st != TL_STATUS_OK) return st;
    return tl_quantize_multiplier_checked(it, node, (double)(in->scale * alpha->scale / out->scale), &d->neg_mult,
                                          &d->neg_shift);
}

tl_status tl_prelu_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *alpha = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    prelu_data *d;
    if (!in || !alpha || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 2 inputs and 1 output");
    if (in->type == TL_TYPE_INT16 && out->type == TL_TYPE_INT16 && alpha->type != TL_TYPE_INT8)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "int16 PRELU takes an int8 alpha (LiteRT reads its alpha as int8)");
    if ((in->type != alpha->type && in->type != TL_TYPE_INT16) || in->type != out->type)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "input, alpha and output types differ");
    if (!tl_same_shape(in, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output must have the input's shape");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (!tl_broadcast_init(&d->bc, in, alpha, out))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "alpha does not broadcast to the input's shape");
    switch (in->type) {
    case TL_TYPE_FLOAT32: node->eval = tl_prelu_eval_f32; return TL_STATUS_OK;
    case TL_TYPE_INT8: node->eval = tl_prelu_eval_s8; break;
    case TL_TYPE_UINT8: node->eval = tl_prelu_eval_u8; break;
    case TL_TYPE_INT16: node->eval = tl_prelu_eval_s16; break;
    default: return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "PRELU supports float32, int8, uint8 and int16");
    }
    return prepare_quantized(it, node, in, alpha, out, d);
}
