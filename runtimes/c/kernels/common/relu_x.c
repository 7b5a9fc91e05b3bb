#include "relu_x.h"

#include <math.h>

#include "quant_math.h"
#include "unary.h"
#include "../opt/opt_kernels.h"

typedef struct {
    float f_lo, f_hi;
    int32_t in_zp, out_zp, mult, shift, q_lo, q_hi;
} relu_x_data;

TL_UNARY_EVAL(tl_relu_x_eval_f32, relu_x_data, float, float,
              x[i] > d->f_hi ? d->f_hi : (x[i] < d->f_lo ? d->f_lo : x[i]))

/* One quantized element: the arithmetic the reference evals and the optimized tier's table share. */
static int32_t relu_x_q(const void *ctx, int32_t x) {
    const relu_x_data *d = ctx;
    int32_t r = tl_add_sat(tl_multiply_by_quantized_multiplier(x - d->in_zp, d->mult, d->shift), d->out_zp);
    return tl_clamp_i32(r, d->q_lo, d->q_hi);
}

TL_UNARY_EVAL(tl_relu_x_eval_s8, relu_x_data, int8_t, int8_t, (int8_t)relu_x_q(d, x[i]))
TL_UNARY_EVAL(tl_relu_x_eval_u8, relu_x_data, uint8_t, uint8_t, (uint8_t)relu_x_q(d, x[i]))
TL_UNARY_EVAL(tl_relu_x_eval_s16, relu_x_data, int16_t, int16_t, (int16_t)relu_x_q(d, x[i]))

/* zp + (int32)roundf(v / scale), bounded first so a tiny scale cannot overflow the conversion. */
static int32_t quantize_bound(const tl_tensor *out, float v) {
    float q = roundf(v / out->scale);
    if (q > 1e6f) q = 1e6f;
    if (q < -1e6f) q = -1e6f;
    return out->zero_point + (int32_t)q;
}

tl_status tl_relu_x_prepare(tl_interpreter *it, tl_node *node, float lo, float hi, int allow_s16) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    relu_x_data *d;
    int32_t qmin, qmax;
    tl_status st;
    if (!in || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs an input and an output");
    if (in->type != out->type || tl_tensor_numel(in) != tl_tensor_numel(out))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output must match in type and size");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->f_lo = lo;
    d->f_hi = hi;
    if (in->type == TL_TYPE_FLOAT32) {
        node->eval = tl_relu_x_eval_f32;
        return TL_STATUS_OK;
    }
    if (in->type != TL_TYPE_INT8 && in->type != TL_TYPE_UINT8 && !(allow_s16 && in->type == TL_TYPE_INT16))
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED,
                       allow_s16 ? "supports float32, int8, uint8 and int16" : "supports float32, int8 and uint8");
    if ((st = tl_check_quantized(it, node, in)) != TL_STATUS_OK || (st = tl_check_quantized(it, node, out)) != TL_STATUS_OK)
        return st;
    if (in->type == TL_TYPE_INT16 && (in->zero_point || out->zero_point))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "int16 needs zero points 0");
    qmin = in->type == TL_TYPE_INT8 ? INT8_MIN : in->type == TL_TYPE_UINT8 ? 0 : INT16_MIN;
    qmax = in->type == TL_TYPE_INT8 ? INT8_MAX : in->type == TL_TYPE_UINT8 ? UINT8_MAX : INT16_MAX;
    d->in_zp = in->zero_point;
    d->out_zp = out->zero_point;
    d->q_lo = quantize_bound(out, lo);
    d->q_hi = quantize_bound(out, hi);
    d->q_lo = d->q_lo > qmin ? d->q_lo : qmin;
    d->q_hi = d->q_hi < qmax ? d->q_hi : qmax;
    node->eval = in->type == TL_TYPE_INT8 ? tl_relu_x_eval_s8 : in->type == TL_TYPE_UINT8 ? tl_relu_x_eval_u8 : tl_relu_x_eval_s16;
    st = tl_quantize_multiplier_checked(it, node, (double)(in->scale / out->scale), &d->mult, &d->shift);
    if (st != TL_STATUS_OK || it->reference_kernels || in->type != TL_TYPE_INT8) return st;
    return tl_unary_opt_lut_prepare(it, node, 1, relu_x_q, d); /* opt/unary_lut.c */
}
