/* LEAKY_RELU: x >= 0 ? x : alpha * x. Quantized (int8, uint8, int16): two requantizations, identity
 * (s_in / s_out) for x >= zp and alpha (alpha * s_in / s_out) below, as LiteRT's reference. The
 * optimized tier runs int8 through a table of leaky_q (opt/unary_lut.c). */
#include "../src/kernel_api.h"
#include "common/quant_math.h"
#include "common/unary.h"
#include "opt/opt_kernels.h"

enum { OPT_ALPHA = 0 };

typedef struct {
    float alpha;
    int32_t id_mult, id_shift, alpha_mult, alpha_shift, qmin, qmax, in_zp, out_zp;
} leaky_data;

static tl_status tl_leaky_relu_eval_f32(tl_interpreter *it, tl_node *node);
static tl_status tl_leaky_relu_eval_s8(tl_interpreter *it, tl_node *node);
static tl_status tl_leaky_relu_eval_u8(tl_interpreter *it, tl_node *node);
static tl_status tl_leaky_relu_eval_s16(tl_interpreter *it, tl_node *node);
static int32_t leaky_q(const void *ctx, int32_t x);

tl_status tl_leaky_relu_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    leaky_data *d;
    tl_status st;
    if (!in || !out || in->type != out->type || tl_tensor_numel(in) != tl_tensor_numel(out))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output must match");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (tl_fb_f32(&it->fb, node->options, OPT_ALPHA, 0.2f, &d->alpha) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (in->type == TL_TYPE_FLOAT32) {
        node->eval = tl_leaky_relu_eval_f32;
        return TL_STATUS_OK;
    }
    if (in->type != TL_TYPE_INT8 && in->type != TL_TYPE_INT16 && in->type != TL_TYPE_UINT8)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "LEAKY_RELU supports float32, int8, uint8 and int16");
    if ((st = tl_check_quantized(it, node, in)) != TL_STATUS_OK || (st = tl_check_quantized(it, node, out)) != TL_STATUS_OK)
        return st;
    node->eval = in->type == TL_TYPE_INT8 ? tl_leaky_relu_eval_s8
               : in->type == TL_TYPE_UINT8 ? tl_leaky_relu_eval_u8 : tl_leaky_relu_eval_s16;
    d->qmin = in->type == TL_TYPE_INT8 ? -128 : in->type == TL_TYPE_UINT8 ? 0 : -32768;
    d->qmax = in->type == TL_TYPE_INT8 ? 127 : in->type == TL_TYPE_UINT8 ? 255 : 32767;
    d->in_zp = in->zero_point;
    d->out_zp = out->zero_point;
    /* The real multipliers are formed in float arithmetic, then widened, as LiteRT does. */
    st = tl_quantize_multiplier_checked(it, node, (double)(in->scale / out->scale), &d->id_mult, &d->id_shift);
    if (st != TL_STATUS_OK) return st;
    st = tl_quantize_multiplier_checked(it, node, (double)(in->scale * d->alpha / out->scale), &d->alpha_mult,
                                        &d->alpha_shift);
    if (st != TL_STATUS_OK || it->reference_kernels || in->type != TL_TYPE_INT8) return st;
    return tl_unary_opt_lut_prepare(it, node, 1, leaky_q, d);
}

/* One quantized element: the arithmetic the reference evals and the optimized tier's table share. */
static int32_t leaky_q(const void *ctx, int32_t x) {
    const leaky_data *d = ctx;
    int32_t v = x - d->in_zp;
    int32_t r = v >= 0 ? tl_multiply_by_quantized_multiplier(v, d->id_mult, d->id_shift)
                       : tl_multiply_by_quantized_multiplier(v, d->alpha_mult, d->alpha_shift);
    return tl_clamp_i32(tl_add_sat(r, d->out_zp), d->qmin, d->qmax);
}

TL_UNARY_EVAL(tl_leaky_relu_eval_f32, leaky_data, float, float, x[i] >= 0.0f ? x[i] : x[i] * d->alpha)

TL_UNARY_EVAL(tl_leaky_relu_eval_s8, leaky_data, int8_t, int8_t, (int8_t)leaky_q(d, x[i]))
TL_UNARY_EVAL(tl_leaky_relu_eval_u8, leaky_data, uint8_t, uint8_t, (uint8_t)leaky_q(d, x[i]))
TL_UNARY_EVAL(tl_leaky_relu_eval_s16, leaky_data, int16_t, int16_t, (int16_t)leaky_q(d, x[i]))
