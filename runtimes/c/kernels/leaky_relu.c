/* LEAKY_RELU: x >= 0 ? x : alpha * x. Quantized (int8, int16): two requantizations, identity
 * (s_in / s_out) for x >= zp and alpha (alpha * s_in / s_out) below, as LiteRT's reference. */
#include "../src/kernel_api.h"
#include "common/quant_math.h"
#include "common/unary.h"

enum { OPT_ALPHA = 0 };

typedef struct {
    float alpha;
    int32_t id_mult, id_shift, alpha_mult, alpha_shift, qmin, qmax;
} leaky_data;

static tl_status tl_leaky_relu_eval_f32(tl_interpreter *it, tl_node *node);
static tl_status tl_leaky_relu_eval_s8(tl_interpreter *it, tl_node *node);
static tl_status tl_leaky_relu_eval_s16(tl_interpreter *it, tl_node *node);

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
    if (in->type != TL_TYPE_INT8 && in->type != TL_TYPE_INT16)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "LEAKY_RELU supports float32, int8 and int16");
    if ((st = tl_check_quantized(it, node, in)) != TL_STATUS_OK || (st = tl_check_quantized(it, node, out)) != TL_STATUS_OK)
        return st;
    node->eval = in->type == TL_TYPE_INT8 ? tl_leaky_relu_eval_s8 : tl_leaky_relu_eval_s16;
    d->qmin = in->type == TL_TYPE_INT8 ? -128 : -32768;
    d->qmax = in->type == TL_TYPE_INT8 ? 127 : 32767;
    /* The real multipliers are formed in float arithmetic, then widened, as LiteRT does. */
    st = tl_quantize_multiplier_checked(it, node, (double)(in->scale / out->scale), &d->id_mult, &d->id_shift);
    if (st != TL_STATUS_OK) return st;
    return tl_quantize_multiplier_checked(it, node, (double)(in->scale * d->alpha / out->scale), &d->alpha_mult,
                                          &d->alpha_shift);
}

static int32_t leaky_q(const leaky_data *d, int32_t x, int32_t in_zp, int32_t out_zp) {
    int32_t v = x - in_zp;
    int32_t r = v >= 0 ? tl_multiply_by_quantized_multiplier(v, d->id_mult, d->id_shift)
                       : tl_multiply_by_quantized_multiplier(v, d->alpha_mult, d->alpha_shift);
    return tl_clamp_i32(tl_add_sat(r, out_zp), d->qmin, d->qmax);
}

TL_UNARY_EVAL(tl_leaky_relu_eval_f32, leaky_data, float, float, x[i] >= 0.0f ? x[i] : x[i] * d->alpha)

#define LEAKY_EVAL_Q(NAME, T)                                                                        \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {                                       \
        const leaky_data *d = node->op_data;                                                         \
        tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);              \
        const T *x = in->data;                                                                       \
        T *y = out->data;                                                                            \
        int64_t i, n = tl_tensor_numel(out);                                                         \
        for (i = 0; i < n; i++) y[i] = (T)leaky_q(d, x[i], in->zero_point, out->zero_point);         \
        return TL_STATUS_OK;                                                                         \
    }

LEAKY_EVAL_Q(tl_leaky_relu_eval_s8, int8_t)
LEAKY_EVAL_Q(tl_leaky_relu_eval_s16, int16_t)
