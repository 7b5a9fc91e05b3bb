#include "lut_activation.h"

#include <math.h>

#include "quant_math.h"
#include "unary.h"
#include "../opt/opt_kernels.h"

typedef struct {
    int8_t lut[256]; /* int8: indexed by the input byte + 128 */
    uint8_t lut_u8[256]; /* uint8: by the input byte */
} lut_data;

/* One element: the lookup the reference eval and the optimized tier (opt/unary_lut.c, threaded) share. */
static int32_t lut_s8(const void *ctx, int32_t x) { return ((const lut_data *)ctx)->lut[x + 128]; }
static int32_t lut_u8(const void *ctx, int32_t x) { return ((const lut_data *)ctx)->lut_u8[x]; }

TL_UNARY_EVAL(tl_lut_activation_eval_s8, lut_data, int8_t, int8_t, (int8_t)lut_s8(d, x[i]))
TL_UNARY_EVAL(tl_lut_activation_eval_u8, lut_data, uint8_t, uint8_t, (uint8_t)lut_u8(d, x[i]))

tl_status tl_lut_activation_prepare(tl_interpreter *it, tl_node *node, float (*f)(float),
                                    float out_scale, tl_eval_fn eval_f32) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    lut_data *d;
    tl_status st;
    float inverse_scale;
    int32_t v;
    if (!in || !out || in->type != out->type || !tl_same_shape(in, out))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output must have one type and shape");
    if (in->type == TL_TYPE_FLOAT32) {
        node->eval = eval_f32;
        return TL_STATUS_OK;
    }
    if (in->type != TL_TYPE_INT8 && in->type != TL_TYPE_UINT8)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "supports float32, int8 and uint8 (int16: not implemented)");
    if ((st = tl_check_quantized(it, node, in)) != TL_STATUS_OK || (st = tl_check_quantized(it, node, out)) != TL_STATUS_OK)
        return st;
    if (out_scale > 0.0f && out->scale != out_scale)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "the quantized output must have scale 1/256");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    inverse_scale = 1.0f / out->scale;
    for (v = -128; v <= 255; v++) { /* the same float table for both types: int8 bytes, then uint8 ones */
        float y = roundf(f(in->scale * (float)(v - in->zero_point)) * inverse_scale);
        /* to int32 as LiteRT's compiled cast does: NaN, infinities (LOG of 0, EXP overflowing) and values out
         * of range give INT32_MIN, clamped to the type's lowest */
        int32_t q = tl_to_i32_x86((double)(y + (float)out->zero_point));
        if (v <= 127) d->lut[v + 128] = (int8_t)(q < -128 ? -128 : q > 127 ? 127 : q);
        if (v >= 0) d->lut_u8[v] = (uint8_t)(q < 0 ? 0 : q > 255 ? 255 : q);
    }
    if (in->type == TL_TYPE_UINT8) {
        node->eval = tl_lut_activation_eval_u8;
        return it->reference_kernels ? TL_STATUS_OK : tl_unary_opt_lut_prepare(it, node, 0, lut_u8, d);
    }
    node->eval = tl_lut_activation_eval_s8;
    return it->reference_kernels ? TL_STATUS_OK : tl_unary_opt_lut_prepare(it, node, 1, lut_s8, d);
}
