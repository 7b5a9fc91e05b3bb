/* RELU: max(x, 0). int8/uint8/int16 requantize x - zp_in by s_in / s_out (formed in float, as LiteRT)
 * and clamp below at the output zero point. The optimized tier runs int8 through a table of relu_q
 * (opt/unary_lut.c). */
#include "../src/kernel_api.h"
#include "common/quant_math.h"
#include "common/unary.h"
#include "opt/opt_kernels.h"

typedef struct {
    int32_t mult, shift, lo, hi, in_zp, out_zp;
} relu_data;

static tl_status tl_relu_eval_f32(tl_interpreter *it, tl_node *node);
static tl_status tl_relu_eval_s8(tl_interpreter *it, tl_node *node);
static tl_status tl_relu_eval_u8(tl_interpreter *it, tl_node *node);
static tl_status tl_relu_eval_s16(tl_interpreter *it, tl_node *node);
static int32_t relu_q(const void *ctx, int32_t x);

tl_status tl_relu_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    relu_data *d;
    tl_status st;
    if (!in || !out || in->type != out->type || tl_tensor_numel(in) != tl_tensor_numel(out))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output must match");
    if (in->type == TL_TYPE_FLOAT32) {
        node->eval = tl_relu_eval_f32;
        return TL_STATUS_OK;
    }
    if (in->type != TL_TYPE_INT8 && in->type != TL_TYPE_INT16 && in->type != TL_TYPE_UINT8)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "RELU supports float32, int8, uint8 and int16");
    if ((st = tl_check_quantized(it, node, in)) != TL_STATUS_OK || (st = tl_check_quantized(it, node, out)) != TL_STATUS_OK)
        return st;
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    node->eval = in->type == TL_TYPE_INT8 ? tl_relu_eval_s8 : in->type == TL_TYPE_UINT8 ? tl_relu_eval_u8 : tl_relu_eval_s16;
    d->lo = out->zero_point;
    d->hi = in->type == TL_TYPE_INT8 ? 127 : in->type == TL_TYPE_UINT8 ? 255 : 32767;
    d->in_zp = in->zero_point;
    d->out_zp = out->zero_point;
    st = tl_quantize_multiplier_checked(it, node, (double)(in->scale / out->scale), &d->mult, &d->shift);
    if (st != TL_STATUS_OK || it->reference_kernels || in->type != TL_TYPE_INT8) return st;
    return tl_unary_opt_lut_prepare(it, node, 1, relu_q, d);
}

TL_UNARY_EVAL(tl_relu_eval_f32, void, float, float, x[i] > 0.0f ? x[i] : 0.0f)

/* One quantized element: the arithmetic the reference evals and the optimized tier's table share. */
static int32_t relu_q(const void *ctx, int32_t x) {
    const relu_data *d = ctx;
    int32_t r = tl_add_sat(tl_multiply_by_quantized_multiplier(x - d->in_zp, d->mult, d->shift), d->out_zp);
    return tl_clamp_i32(r, d->lo, d->hi);
}

TL_UNARY_EVAL(tl_relu_eval_s8, relu_data, int8_t, int8_t, (int8_t)relu_q(d, x[i]))
TL_UNARY_EVAL(tl_relu_eval_u8, relu_data, uint8_t, uint8_t, (uint8_t)relu_q(d, x[i]))
TL_UNARY_EVAL(tl_relu_eval_s16, relu_data, int16_t, int16_t, (int16_t)relu_q(d, x[i]))
