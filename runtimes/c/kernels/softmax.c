/* SOFTMAX over the last axis: out = exp(beta * (x - max)) / sum(...).
 * int8 follows LiteRT's reference kernel bit for bit: input differences scaled by beta into
 * a fixed-point number with 5 integer bits, exp in fixed point, the sum's reciprocal by
 * Newton-Raphson, output in units of 1/256 with zero point -128 (the only int8 output
 * quantization TFLite allows for softmax), or int16 in units of 1/65536 with zero point -32768
 * (int8 in, int16 out: LiteRT's same arithmetic with 16 output bits). */
#include <math.h>

#include "../src/kernel_api.h"
#include "common/fixed_point.h"

enum { OPT_BETA = 0 };

typedef struct {
    float beta;
    int32_t rows, depth;
    int32_t input_multiplier, input_left_shift, diff_min; /* int8 input */
    int32_t out_bits;                                    /* 8 or 16 */
} softmax_data;

enum { SCALED_DIFF_INTEGER_BITS = 5, ACCUMULATION_INTEGER_BITS = 12 };

static tl_status tl_softmax_eval_f32(tl_interpreter *it, tl_node *node);
static tl_status tl_softmax_eval_s8(tl_interpreter *it, tl_node *node);
static tl_status tl_softmax_eval_s8_s16(tl_interpreter *it, tl_node *node);

tl_status tl_softmax_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    softmax_data *d;
    if (!in || !out || !tl_same_shape(in, out) || in->ndim < 1)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output must have one shape");
    if (!((in->type == TL_TYPE_FLOAT32 && out->type == TL_TYPE_FLOAT32) ||
          (in->type == TL_TYPE_INT8 && (out->type == TL_TYPE_INT8 || out->type == TL_TYPE_INT16))))
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "SOFTMAX supports float32, int8 and int8 -> int16");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (tl_fb_f32(&it->fb, node->options, OPT_BETA, 1.0f, &d->beta) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    d->depth = in->dims[in->ndim - 1];
    node->eval = in->type == TL_TYPE_FLOAT32 ? tl_softmax_eval_f32
                 : out->type == TL_TYPE_INT8 ? tl_softmax_eval_s8 : tl_softmax_eval_s8_s16;
    d->rows = d->depth ? (int32_t)(tl_tensor_numel(in) / d->depth) : 0;
    if (in->type == TL_TYPE_INT8) {
        double real, radius, unit;
        tl_status st;
        if (tl_check_quantized(it, node, in) || tl_check_quantized(it, node, out)) return TL_STATUS_MODEL_INVALID;
        d->out_bits = out->type == TL_TYPE_INT8 ? 8 : 16;
        /* The output is in units of 2^-bits from -2^(bits-1) whatever the tensor says; refuse
         * parameters that would misread it (LiteRT's tolerance: 0.1% of the scale). */
        unit = 1.0 / (double)(1L << d->out_bits);
        if (out->zero_point != -(1 << (d->out_bits - 1)) || fabs(out->scale - unit) > 0.001 * unit)
            return tl_fail(it, node, TL_STATUS_MODEL_INVALID, d->out_bits == 8
                           ? "int8 softmax output must have scale 1/256, zero point -128"
                           : "int16 softmax output of an int8 input must have scale 1/65536, zero point -32768");
        real = (double)d->beta * in->scale * (double)(1u << (31 - SCALED_DIFF_INTEGER_BITS));
        if (real > 2147483647.0) real = 2147483647.0;
        st = tl_quantize_multiplier_checked(it, node, real, &d->input_multiplier, &d->input_left_shift);
        if (st != TL_STATUS_OK) return st;
        if (d->input_left_shift < 0) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "beta * input scale too small");
        /* The most negative difference whose rescaled value still fits the 5-integer-bit format. */
        radius = (double)((1 << SCALED_DIFF_INTEGER_BITS) - 1) * (double)(1u << (31 - SCALED_DIFF_INTEGER_BITS)) /
                 (double)((uint64_t)1 << d->input_left_shift);
        d->diff_min = -(int32_t)floor(radius);
    }
    return TL_STATUS_OK;
}

static tl_status tl_softmax_eval_f32(tl_interpreter *it, tl_node *node) {
    const softmax_data *d = node->op_data;
    const float *x = tl_node_input(it, node, 0)->data;
    float *y = tl_node_output(it, node, 0)->data;
    int32_t r, i;
    for (r = 0; r < d->rows; r++) {
        const float *xr = x + (int64_t)r * d->depth;
        float *yr = y + (int64_t)r * d->depth;
        float max = xr[0], sum = 0.0f;
        for (i = 1; i < d->depth; i++) max = xr[i] > max ? xr[i] : max;
        for (i = 0; i < d->depth; i++) {
            yr[i] = expf((xr[i] - max) * d->beta);
            sum += yr[i];
        }
        for (i = 0; i < d->depth; i++) yr[i] /= sum;
    }
    return TL_STATUS_OK;
}

static int32_t scaled_diff(const softmax_data *d, int32_t diff) {
    return tl_srdhm((int32_t)((uint32_t)diff << d->input_left_shift), d->input_multiplier);
}

static int count_leading_zeros(uint32_t x) {
    int n = 0;
    if (x == 0) return 32;
    while (!(x & 0x80000000u)) {
        x <<= 1;
        n++;
    }
    return n;
}

/* Per row of int8 input: the max, and 1/sum(exp) as a fixed-point reciprocal with its exponent. */
typedef struct {
    int32_t max, reciprocal, bits_over_unit;
} softmax_row;

static softmax_row softmax_row_s8(const softmax_data *d, const int8_t *xr) {
    softmax_row row;
    int32_t i, sum = 0, headroom;
    row.max = xr[0];
    for (i = 1; i < d->depth; i++) row.max = xr[i] > row.max ? xr[i] : row.max;
    for (i = 0; i < d->depth; i++) { /* sum of exps with 12 integer bits */
        int32_t diff = xr[i] - row.max;
        if (diff >= d->diff_min)
            sum = tl_add_sat(sum, tl_fp_mul_pot(tl_fp_exp_negative(scaled_diff(d, diff)), -ACCUMULATION_INTEGER_BITS));
    }
    /* 1/sum: normalise sum to [1, 2), then 1/(1 + x) by Newton-Raphson */
    headroom = count_leading_zeros((uint32_t)sum);
    row.bits_over_unit = ACCUMULATION_INTEGER_BITS - headroom;
    row.reciprocal = tl_fp_one_over_one_plus((int32_t)(((uint32_t)sum << headroom) - (1u << 31)));
    return row;
}

/* One output in the output type's units, offset by its zero point -2^(bits-1), clamped. */
static int32_t softmax_out_s8(const softmax_data *d, const softmax_row *row, int32_t x) {
    const int32_t zero = -(1 << (d->out_bits - 1)), diff = x - row->max;
    int32_t out = zero;
    if (diff >= d->diff_min) {
        int32_t e = tl_fp_exp_negative(scaled_diff(d, diff));
        out = tl_rounding_divide_by_pot(tl_srdhm(row->reciprocal, e), row->bits_over_unit + 31 - d->out_bits) + zero;
    }
    return tl_clamp_i32(out, zero, -zero - 1);
}

/* int8 input; int8 or int16 output (OUT_T). */
#define SOFTMAX_EVAL_S8(NAME, OUT_T)                                                                          \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {                                               \
        const softmax_data *d = node->op_data;                                                                \
        const int8_t *x = tl_node_input(it, node, 0)->data;                                                   \
        OUT_T *y = tl_node_output(it, node, 0)->data;                                                         \
        int32_t r, i;                                                                                         \
        for (r = 0; r < d->rows; r++) {                                                                       \
            const int8_t *xr = x + (int64_t)r * d->depth;                                                     \
            softmax_row row = softmax_row_s8(d, xr);                                                          \
            for (i = 0; i < d->depth; i++) y[(int64_t)r * d->depth + i] = (OUT_T)softmax_out_s8(d, &row, xr[i]); \
        }                                                                                                     \
        return TL_STATUS_OK;                                                                                  \
    }

SOFTMAX_EVAL_S8(tl_softmax_eval_s8, int8_t)
SOFTMAX_EVAL_S8(tl_softmax_eval_s8_s16, int16_t)
