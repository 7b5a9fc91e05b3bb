/* QUANTIZE: float32 -> int8/uint8/int16/int32 (q = round(x / scale) + zero_point, rounding half
 * away from zero, saturated), and integer -> integer requantization: q = zp_out + (x - zp_in) *
 * (s_in / s_out) with LiteRT's multiplier + shift. uint8 (TensorFlow's uint8 model inputs and
 * outputs) goes to and from int8 as LiteRT allows it: uint8 -> uint8/int8/int16, int8 -> uint8. The
 * optimized tier runs byte-to-byte requantization through a table of requantize (opt/unary_lut.c). */
#include <math.h>

#include "../src/kernel_api.h"
#include "common/quant_math.h"
#include "opt/opt_kernels.h"
#include "opt/quantize_f32.h"

typedef struct {
    int32_t mult, shift, qmin, qmax, in_zp, out_zp;
} quantize_data;

/* LiteRT converts round(x / scale) to int32 as x86 does (NaN and values outside int32 become
 * INT32_MIN) and adds the zero point in int32, wrapping: INT32_MIN plus a negative zero point
 * becomes a large positive value. Then clamped. */
static int32_t quantize_f32(const quantize_data *d, float x, const tl_tensor *out) {
    return tl_clamp_i32(tl_add_wrap(tl_to_i32_x86(roundf(x / out->scale)), out->zero_point), d->qmin, d->qmax);
}

static int32_t requantize(const quantize_data *d, int64_t x) {
    int64_t centred = x - d->in_zp;
    int32_t c = centred > INT32_MAX ? INT32_MAX : (centred < INT32_MIN ? INT32_MIN : (int32_t)centred);
    return tl_clamp_i32(tl_add_sat(tl_multiply_by_quantized_multiplier(c, d->mult, d->shift), d->out_zp), d->qmin,
                        d->qmax);
}

/* requantize for a byte input: the optimized tier's table (opt/unary_lut.c) is built from it. */
static int32_t requantize_byte(const void *ctx, int32_t x) { return requantize(ctx, x); }

/* One eval per input and output type; Q(x) is quantize_f32 or requantize. */
#define QUANTIZE_EVAL(NAME, IN_T, OUT_T, Q)                                               \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {                            \
        const quantize_data *d = node->op_data;                                           \
        tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);   \
        const IN_T *x = in->data;                                                         \
        OUT_T *y = out->data;                                                             \
        int64_t i, n = tl_tensor_numel(out);                                              \
        for (i = 0; i < n; i++) y[i] = (OUT_T)Q;                                          \
        return TL_STATUS_OK;                                                              \
    }
#define FROM_F32 quantize_f32(d, x[i], out)
#define FROM_INT requantize(d, x[i])

QUANTIZE_EVAL(tl_quantize_eval_f32_s8, float, int8_t, FROM_F32)
QUANTIZE_EVAL(tl_quantize_eval_f32_u8, float, uint8_t, FROM_F32)
QUANTIZE_EVAL(tl_quantize_eval_u8_u8, uint8_t, uint8_t, FROM_INT)
QUANTIZE_EVAL(tl_quantize_eval_u8_s8, uint8_t, int8_t, FROM_INT)
QUANTIZE_EVAL(tl_quantize_eval_u8_s16, uint8_t, int16_t, FROM_INT)
QUANTIZE_EVAL(tl_quantize_eval_s8_u8, int8_t, uint8_t, FROM_INT)
QUANTIZE_EVAL(tl_quantize_eval_f32_s16, float, int16_t, FROM_F32)
QUANTIZE_EVAL(tl_quantize_eval_f32_s32, float, int32_t, FROM_F32)
QUANTIZE_EVAL(tl_quantize_eval_s8_s8, int8_t, int8_t, FROM_INT)
QUANTIZE_EVAL(tl_quantize_eval_s8_s16, int8_t, int16_t, FROM_INT)
QUANTIZE_EVAL(tl_quantize_eval_s8_s32, int8_t, int32_t, FROM_INT)
QUANTIZE_EVAL(tl_quantize_eval_s16_s8, int16_t, int8_t, FROM_INT)
QUANTIZE_EVAL(tl_quantize_eval_s16_s16, int16_t, int16_t, FROM_INT)
QUANTIZE_EVAL(tl_quantize_eval_s16_s32, int16_t, int32_t, FROM_INT)
QUANTIZE_EVAL(tl_quantize_eval_s32_s8, int32_t, int8_t, FROM_INT)
QUANTIZE_EVAL(tl_quantize_eval_s32_s16, int32_t, int16_t, FROM_INT)
QUANTIZE_EVAL(tl_quantize_eval_s32_s32, int32_t, int32_t, FROM_INT)

/* The eval for an input and output type; NULL: not a conversion LiteRT has either. */
static tl_eval_fn pick_eval(tl_type in, tl_type out) {
    static const struct {
        tl_type in, out;
        tl_eval_fn eval;
    } table[] = {
        {TL_TYPE_FLOAT32, TL_TYPE_INT8, tl_quantize_eval_f32_s8},   {TL_TYPE_FLOAT32, TL_TYPE_UINT8, tl_quantize_eval_f32_u8},
        {TL_TYPE_FLOAT32, TL_TYPE_INT16, tl_quantize_eval_f32_s16}, {TL_TYPE_FLOAT32, TL_TYPE_INT32, tl_quantize_eval_f32_s32},
        {TL_TYPE_INT8, TL_TYPE_INT8, tl_quantize_eval_s8_s8},       {TL_TYPE_INT8, TL_TYPE_UINT8, tl_quantize_eval_s8_u8},
        {TL_TYPE_INT8, TL_TYPE_INT16, tl_quantize_eval_s8_s16},     {TL_TYPE_INT8, TL_TYPE_INT32, tl_quantize_eval_s8_s32},
        {TL_TYPE_UINT8, TL_TYPE_UINT8, tl_quantize_eval_u8_u8},     {TL_TYPE_UINT8, TL_TYPE_INT8, tl_quantize_eval_u8_s8},
        {TL_TYPE_UINT8, TL_TYPE_INT16, tl_quantize_eval_u8_s16},    {TL_TYPE_INT16, TL_TYPE_INT8, tl_quantize_eval_s16_s8},
        {TL_TYPE_INT16, TL_TYPE_INT16, tl_quantize_eval_s16_s16},   {TL_TYPE_INT16, TL_TYPE_INT32, tl_quantize_eval_s16_s32},
        {TL_TYPE_INT32, TL_TYPE_INT8, tl_quantize_eval_s32_s8},     {TL_TYPE_INT32, TL_TYPE_INT16, tl_quantize_eval_s32_s16},
        {TL_TYPE_INT32, TL_TYPE_INT32, tl_quantize_eval_s32_s32},
    };
    size_t k;
    for (k = 0; k < sizeof table / sizeof table[0]; k++)
        if (table[k].in == in && table[k].out == out) return table[k].eval;
    return NULL;
}

tl_status tl_quantize_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    quantize_data *d;
    tl_status st;
    if (!in || !out || tl_tensor_numel(in) != tl_tensor_numel(out))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output sizes differ");
    node->eval = pick_eval(in->type, out->type);
    if (!node->eval)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED,
                       "QUANTIZE supports float32 -> int8/uint8/int16/int32, int8 -> int8/uint8/int16/int32, "
                       "uint8 -> uint8/int8/int16, int16 and int32 -> int8/int16/int32");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->qmin = out->type == TL_TYPE_INT8 ? -128 : out->type == TL_TYPE_UINT8 ? 0 : out->type == TL_TYPE_INT16 ? -32768 : INT32_MIN;
    d->qmax = out->type == TL_TYPE_INT8 ? 127 : out->type == TL_TYPE_UINT8 ? 255 : out->type == TL_TYPE_INT16 ? 32767 : INT32_MAX;
    st = tl_check_quantized(it, node, out);
    if (st != TL_STATUS_OK || in->type == TL_TYPE_FLOAT32)
        return st != TL_STATUS_OK || it->reference_kernels
                   ? st
                   : tl_quantize_opt_f32_prepare(it, node, out->scale, out->zero_point, d->qmin, d->qmax);
    st = tl_check_quantized(it, node, in);
    if (st != TL_STATUS_OK) return st;
    d->in_zp = in->zero_point;
    d->out_zp = out->zero_point;
    st = tl_quantize_multiplier_checked(it, node, (double)in->scale / out->scale, &d->mult, &d->shift);
    if (st != TL_STATUS_OK || it->reference_kernels || (in->type != TL_TYPE_INT8 && in->type != TL_TYPE_UINT8) ||
        (out->type != TL_TYPE_INT8 && out->type != TL_TYPE_UINT8))
        return st;
    return tl_unary_opt_lut_prepare(it, node, in->type == TL_TYPE_INT8, requantize_byte, d); /* byte to byte */
}
