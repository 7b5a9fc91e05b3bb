#include "lut_activation.h"

#include <math.h>

#include "quant_math.h"
#include "unary.h"
#include "../opt/opt_kernels.h"

typedef struct {
    uint8_t lut[256]; /* the input type's table: int8 bytes indexed by the input + 128, uint8 by the input */
} lut_data;

/* One element: the lookup the reference eval and the optimized tier (opt/unary_lut.c, threaded) share. */
static int32_t lut_s8(const void *ctx, int32_t x) {
    int32_t b = ((const lut_data *)ctx)->lut[x + 128];
    return b >= 128 ? b - 256 : b;
}
static int32_t lut_u8(const void *ctx, int32_t x) { return ((const lut_data *)ctx)->lut[x]; }

TL_UNARY_EVAL(tl_lut_activation_eval_s8, lut_data, int8_t, int8_t, (int8_t)lut_s8(d, x[i]))
TL_UNARY_EVAL(tl_lut_activation_eval_u8, lut_data, uint8_t, uint8_t, (uint8_t)lut_u8(d, x[i]))

tl_status tl_lut_activation_prepare(tl_interpreter *it, tl_node *node, float (*f)(float),
                                    float out_scale, tl_eval_fn eval_f32) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    lut_data *d, local;
    tl_status st;
    float inverse_scale;
    int32_t v, lo;
    if (!in || !out || in->type != out->type || !tl_same_shape(in, out))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output must have one type and shape");
    if (in->type == TL_TYPE_FLOAT32) {
        node->eval = eval_f32;
        return TL_STATUS_OK;
    }
    if (in->type != TL_TYPE_INT8 && in->type != TL_TYPE_UINT8)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "supports float32, int8, uint8 and int16");
    if ((st = tl_check_quantized(it, node, in)) != TL_STATUS_OK || (st = tl_check_quantized(it, node, out)) != TL_STATUS_OK)
        return st;
    if (out_scale > 0.0f && out->scale != out_scale)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "the quantized output must have scale 1/256");
    /* the optimized tier copies the table into its own op data (opt/unary_lut.c): this one is its prepare's only */
    d = it->reference_kernels ? tl_alloc_persistent(it, sizeof *d) : &local;
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    inverse_scale = 1.0f / out->scale;
    lo = in->type == TL_TYPE_INT8 ? -128 : 0;
    for (v = lo; v <= lo + 255; v++) { /* the input type's 256 values */
        float y = roundf(f(in->scale * (float)(v - in->zero_point)) * inverse_scale);
        /* to int32 as LiteRT's compiled cast does: NaN, infinities (LOG of 0, EXP overflowing) and values out
         * of range give INT32_MIN, clamped to the type's lowest */
        int32_t q = tl_to_i32_x86((double)(y + (float)out->zero_point));
        q = q < lo ? lo : q > lo + 255 ? lo + 255 : q;
        d->lut[v - lo] = (uint8_t)q; /* int8: its two's complement byte */
    }
    if (in->type == TL_TYPE_UINT8) {
        node->eval = tl_lut_activation_eval_u8;
        return it->reference_kernels ? TL_STATUS_OK : tl_unary_opt_lut_prepare(it, node, 0, lut_u8, d);
    }
    node->eval = tl_lut_activation_eval_s8;
    return it->reference_kernels ? TL_STATUS_OK : tl_unary_opt_lut_prepare(it, node, 1, lut_s8, d);
}

/* int16 ------------------------------------------------------------------------------------------------ */

enum { LUT16_STEPS = 512 };

typedef struct {
    int16_t lut[LUT16_STEPS + 1];
} lut16_data;

/* A float as int16 the way LiteRT's table builder stores it: clamped to the type's range; a NaN (infinity less
 * infinity, where EXP overflows float) passes the clamp and LiteRT's x86 build truncates it to 0 (the low 16 bits
 * of cvttss2si's INT32_MIN; measured: EXP at input scale 0.01 equals LiteRT only so). */
static int16_t clamp_to_s16(float v) {
    if (v != v) return 0;
    return (int16_t)(v < -32768.0f ? -32768.0f : v > 32767.0f ? 32767.0f : v);
}

/* An int32 wrapped to int16 as LiteRT's compiled int16 casts do (two's complement, no implementation-defined
 * conversion here). */
static int32_t wrap_s16(int32_t v) { return (int32_t)((uint32_t)(v + 32768) & 0xFFFFu) - 32768; }

/* Entry index (v + 32768) / 128 plus the slope to the next entry times v % 128, rounded; the slope and the sum
 * are int16 in LiteRT and wrap where neighbouring entries lie more than 32767 apart (LOG next to 0). */
static int32_t lut16(const void *ctx, int32_t v) {
    const int16_t *lut = ((const lut16_data *)ctx)->lut;
    int32_t index = (v + 32768) >> 7, offset = v & 0x7f;
    int32_t base = lut[index], slope = wrap_s16(lut[index + 1] - base);
    int32_t scaled = slope * offset + 64;
    int32_t delta = scaled >= 0 ? scaled >> 7 : -((-scaled + 127) >> 7); /* floor, as an arithmetic shift */
    return wrap_s16(base + delta);
}

TL_UNARY_EVAL(tl_lut16_activation_eval, lut16_data, int16_t, int16_t, (int16_t)lut16(d, x[i]))

/* f, a NaN result (LOG below 0) counted as the output range's lowest value, as LiteRT's table has it (measured:
 * counting it as 0 or clamping every value below the range instead differs from LiteRT). */
static float value_or_min(float (*f)(float), float x, float lowest) {
    float y = f(x);
    return y != y ? lowest : y;
}

/* LiteRT's table, in float throughout; products and sums in separate statements, so that no compiler fuses them
 * into one multiply-add (C99 lets it within an expression). */
static void build_lut16(float (*f)(float), float in_min, float in_max, float out_min, float out_max, int16_t *lut) {
    const float step = (in_max - in_min) / (float)LUT16_STEPS, half_step = step / 2.0f;
    const float inverse_scale = 65536.0f / (out_max - out_min);
    int i;
    for (i = 0; i < LUT16_STEPS; i++) {
        const float offset = (float)i * step, offset_next = (float)(i + 1) * step;
        const float x = in_min + offset, x_mid = x + half_step, x_next = in_min + offset_next;
        const float val = value_or_min(f, x, out_min) * inverse_scale;
        const float mid = value_or_min(f, x_mid, out_min) * inverse_scale;
        const float next = value_or_min(f, x_next, out_min) * inverse_scale;
        const float sample = roundf(val), interpolated = roundf((next + sample) / 2.0f);
        const float bias = roundf((interpolated - roundf(mid)) / 2.0f);
        lut[i] = clamp_to_s16(sample - bias);
    }
    lut[LUT16_STEPS] = clamp_to_s16(roundf(value_or_min(f, in_max, out_min) * inverse_scale));
}

tl_status tl_lut16_activation_prepare(tl_interpreter *it, tl_node *node, float (*f)(float), int zero_points_zero) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    lut16_data *d;
    tl_status st;
    float in_min, in_max, out_min, out_max;
    if (!in || !out || in->type != out->type || !tl_same_shape(in, out))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output must have one type and shape");
    if ((st = tl_check_quantized(it, node, in)) != TL_STATUS_OK || (st = tl_check_quantized(it, node, out)) != TL_STATUS_OK)
        return st;
    if (zero_points_zero && (in->zero_point != 0 || out->zero_point != 0))
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "int16 input and output need zero point 0 (as LiteRT's)");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    /* the ranges the int16 values stand for; LiteRT adds no output zero point to the table's values */
    in_min = in->scale * (float)(-32768 - in->zero_point);
    in_max = in->scale * (float)(32767 - in->zero_point);
    out_min = out->scale * (float)(-32768 - out->zero_point);
    out_max = out->scale * (float)(32767 - out->zero_point);
    build_lut16(f, in_min, in_max, out_min, out_max, d->lut);
    node->eval = tl_lut16_activation_eval;
    return TL_STATUS_OK;
}
