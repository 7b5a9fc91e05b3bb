/* SOFTMAX over the last axis: out = exp(beta * (x - max)) / sum(...).
 * int8 follows LiteRT's reference kernel bit for bit: input differences scaled by beta into
 * a fixed-point number with 5 integer bits, exp in fixed point, the sum's reciprocal by
 * Newton-Raphson, output in units of 1/256 with zero point -128 (the only int8 output
 * quantization TFLite allows for softmax), or int16 in units of 1/65536 with zero point -32768
 * (int8 in, int16 out: LiteRT's same arithmetic with 16 output bits). uint8 -> uint8: the same
 * arithmetic on the uint8 values (their zero point cancels in x - max), output in units of 1/256
 * with zero point 0, clamped to [0, 255], as LiteRT's reference uint8 softmax.
 * int16 -> int16 (zero points 0, output scale 1/32768) as LiteRT's reference SoftmaxInt16: two
 * 513-entry tables built at prepare, exp on [-10, 0] and 1/(1 + x) on [0, 1], each entry
 * round(f * 32768) less half the error of interpolating its midpoint, looked up with linear
 * interpolation on the low 7 bits; differences from the row max are scaled so that -10 maps to
 * -65535, the exps summed in int32 and normalised to [1, 2) for the reciprocal table, and each
 * exp times the reciprocal rounded back to units of 1/32768. */
#include <math.h>

#include "../src/kernel_api.h"
#include "common/fixed_point.h"
#include "opt/opt_kernels.h"

enum { OPT_BETA = 0 };

enum { LUT_STEPS = 512 }; /* int16: table entries (plus one for the last slope) */

typedef struct {
    float beta;
    int32_t depth;                                       /* the rows are the rest of the input (rows_of) */
    int32_t input_multiplier, input_left_shift, diff_min; /* int8 input; int16: the first two */
    int16_t out_bits;                                    /* 8 or 16 */
    int16_t out_zero;                                    /* -2^(out_bits - 1); uint8 output: 0 */
    int16_t *exp_lut;  /* int16 input: LUT_STEPS + 1 entries, then the reciprocal's (recip_lut) */
} softmax_data;

static const int16_t *recip_lut(const softmax_data *d) { return d->exp_lut + LUT_STEPS + 1; }

static int32_t rows_of(tl_interpreter *it, const tl_node *node, const softmax_data *d) {
    return d->depth ? (int32_t)(tl_tensor_numel(tl_node_input(it, node, 0)) / d->depth) : 0;
}

enum { SCALED_DIFF_INTEGER_BITS = 5, ACCUMULATION_INTEGER_BITS = 12 };

static tl_status tl_softmax_eval_f32(tl_interpreter *it, tl_node *node);
static tl_status tl_softmax_eval_s8(tl_interpreter *it, tl_node *node);
static tl_status tl_softmax_eval_s8_s16(tl_interpreter *it, tl_node *node);
static tl_status tl_softmax_eval_u8(tl_interpreter *it, tl_node *node);
static tl_status tl_softmax_eval_s16(tl_interpreter *it, tl_node *node);

static double exp_of(double x) { return exp(x); }
static double one_over_one_plus(double x) { return 1.0 / (1.0 + x); }

static double clamp_q15(double v) { return v < -32768.0 ? -32768.0 : (v > 32767.0 ? 32767.0 : v); }

/* LiteRT's int16 table of f over [lo, hi]: entry i is f at lo + i * step in units of 1/32768,
 * less half (rounded) the error linear interpolation would make at the step's midpoint. */
static void build_lut(double (*f)(double), double lo, double hi, int16_t *lut) {
    const double step = (hi - lo) / LUT_STEPS, half_step = step / 2.0;
    int i;
    for (i = 0; i < LUT_STEPS; i++) {
        double val = f(lo + i * step), mid = f(lo + i * step + half_step), next = f(lo + (i + 1) * step);
        double sample = round(val * 32768.0);
        double interp = round((next * 32768.0 + round(val * 32768.0)) / 2.0);
        double bias = round((interp - round(mid * 32768.0)) / 2.0);
        lut[i] = (int16_t)clamp_q15(sample - bias);
    }
    lut[LUT_STEPS] = (int16_t)clamp_q15(round(f(hi) * 32768.0));
}

/* x >> n rounding toward minus infinity, for any sign (what LiteRT's compilers do). */
static int32_t shift_right_floor(int32_t x, int n) { return x < 0 ? ~(~x >> n) : x >> n; }

/* The table at v in [-32768, 32767]: entry 256 + v / 128 plus the slope to the next times v % 128, rounded. */
static int32_t lut_lookup(const int16_t *lut, int32_t v) {
    int32_t index = 256 + shift_right_floor(v, 7), offset = v & 0x7f;
    int32_t base = lut[index], slope = lut[index + 1] - lut[index];
    return base + shift_right_floor(slope * offset + 64, 7);
}

/* int16: zero points 0, output scale 1/32768 (LiteRT's tolerance: 0.1%), the tables, the input
 * multiplier that maps a difference of -10 / (scale * beta) to -65535, rows LiteRT's int32 sum holds. */
static tl_status prepare_s16(tl_interpreter *it, tl_node *node, const tl_tensor *in, const tl_tensor *out,
                             softmax_data *d) {
    const double unit = 1.0 / 32768.0;
    float scale_beta;
    tl_status st;
    if ((st = tl_check_quantized(it, node, in)) != TL_STATUS_OK || (st = tl_check_quantized(it, node, out)) != TL_STATUS_OK)
        return st;
    if (in->zero_point != 0) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "int16 softmax input must have zero point 0");
    if (out->zero_point != 0 || fabs(out->scale - unit) > 0.001 * unit)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "int16 softmax output must have scale 1/32768, zero point 0");
    if (d->depth > 65536) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "rows longer than 65536 overflow the int32 sum");
    scale_beta = in->scale * d->beta; /* a float product, as LiteRT's */
    if (!(scale_beta > 0.0f)) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "beta must be positive");
    st = tl_quantize_multiplier_checked(it, node, (double)scale_beta / (10.0 / 65535.0), &d->input_multiplier,
                                        &d->input_left_shift);
    if (st != TL_STATUS_OK) return st;
    if (d->input_left_shift > 15) /* a difference of 65535 shifted left must fit int32 */
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "input scale * beta too large");
    d->exp_lut = tl_alloc_persistent(it, 2 * sizeof(int16_t) * (LUT_STEPS + 1));
    if (!d->exp_lut) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "softmax tables");
    build_lut(exp_of, -10.0, 0.0, d->exp_lut);
    build_lut(one_over_one_plus, 0.0, 1.0, d->exp_lut + LUT_STEPS + 1);
    return TL_STATUS_OK;
}

tl_status tl_softmax_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    softmax_data *d;
    if (!in || !out || !tl_same_shape(in, out) || in->ndim < 1)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output must have one shape");
    if (!((in->type == TL_TYPE_FLOAT32 && out->type == TL_TYPE_FLOAT32) ||
          (in->type == TL_TYPE_INT8 && (out->type == TL_TYPE_INT8 || out->type == TL_TYPE_INT16)) ||
          (in->type == TL_TYPE_INT16 && out->type == TL_TYPE_INT16) ||
          (in->type == TL_TYPE_UINT8 && out->type == TL_TYPE_UINT8)))
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED,
                       "SOFTMAX supports float32, int8, int8 -> int16, int16 and uint8");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (tl_fb_f32(&it->fb, node->options, OPT_BETA, 1.0f, &d->beta) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    d->depth = in->dims[in->ndim - 1];
    node->eval = in->type == TL_TYPE_FLOAT32 ? tl_softmax_eval_f32 : in->type == TL_TYPE_INT16 ? tl_softmax_eval_s16
                 : in->type == TL_TYPE_UINT8 ? tl_softmax_eval_u8
                 : out->type == TL_TYPE_INT8 ? tl_softmax_eval_s8 : tl_softmax_eval_s8_s16;
    if (in->type == TL_TYPE_INT16) return prepare_s16(it, node, in, out, d);
    if (in->type == TL_TYPE_INT8 || in->type == TL_TYPE_UINT8) {
        double real, radius, unit;
        tl_status st;
        if (tl_check_quantized(it, node, in) || tl_check_quantized(it, node, out)) return TL_STATUS_MODEL_INVALID;
        d->out_bits = out->type == TL_TYPE_INT16 ? 16 : 8;
        d->out_zero = (int16_t)(out->type == TL_TYPE_UINT8 ? 0 : -(1 << (d->out_bits - 1)));
        /* The output is in units of 2^-bits from out_zero whatever the tensor says; refuse
         * parameters that would misread it (LiteRT's tolerance: 0.1% of the scale). */
        unit = 1.0 / (double)(1L << d->out_bits);
        if (out->zero_point != d->out_zero || fabs(out->scale - unit) > 0.001 * unit)
            return tl_fail(it, node, TL_STATUS_MODEL_INVALID, out->type == TL_TYPE_UINT8
                           ? "uint8 softmax output must have scale 1/256, zero point 0"
                           : d->out_bits == 8 ? "int8 softmax output must have scale 1/256, zero point -128"
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
        if (!it->reference_kernels) { /* opt/softmax_q8.c: the same arithmetic through tables */
            tl_softmax_q8_params p = {rows_of(it, node, d), d->depth, in->type == TL_TYPE_INT8, d->out_bits, d->out_zero,
                                      d->input_multiplier, d->input_left_shift, d->diff_min};
            return tl_softmax_opt_q8_prepare(it, node, &p);
        }
    }
    return TL_STATUS_OK;
}

static tl_status tl_softmax_eval_f32(tl_interpreter *it, tl_node *node) {
    const softmax_data *d = node->op_data;
    const float *x = tl_node_input(it, node, 0)->data;
    float *y = tl_node_output(it, node, 0)->data;
    int32_t r, i, rows = rows_of(it, node, d);
    for (r = 0; r < rows; r++) {
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

/* Per row of 8-bit input: the max, and 1/sum(exp) as a fixed-point reciprocal with its exponent. */
typedef struct {
    int32_t max, reciprocal, bits_over_unit;
} softmax_row;

/* The row statistics for int8 (NAME_s8) or uint8 (NAME_u8) input: x - max is the same for both. */
#define SOFTMAX_ROW(NAME, IN_T)                                                                                \
    static softmax_row NAME(const softmax_data *d, const IN_T *xr) {                                          \
        softmax_row row;                                                                                       \
        int32_t i, sum = 0, headroom;                                                                          \
        row.max = xr[0];                                                                                       \
        for (i = 1; i < d->depth; i++) row.max = xr[i] > row.max ? xr[i] : row.max;                            \
        for (i = 0; i < d->depth; i++) { /* sum of exps with 12 integer bits */                                \
            int32_t diff = xr[i] - row.max;                                                                    \
            if (diff >= d->diff_min)                                                                           \
                sum = tl_add_sat(sum, tl_fp_mul_pot(tl_fp_exp_negative(scaled_diff(d, diff)),                  \
                                                    -ACCUMULATION_INTEGER_BITS));                              \
        }                                                                                                      \
        /* 1/sum: normalise sum to [1, 2), then 1/(1 + x) by Newton-Raphson */                                 \
        headroom = tl_fp_clz((uint32_t)sum);                                                                   \
        row.bits_over_unit = ACCUMULATION_INTEGER_BITS - headroom;                                             \
        row.reciprocal = tl_fp_one_over_one_plus((int32_t)(((uint32_t)sum << headroom) - (1u << 31)));         \
        return row;                                                                                            \
    }

SOFTMAX_ROW(softmax_row_s8, int8_t)
SOFTMAX_ROW(softmax_row_u8, uint8_t)

/* One output in the output type's units, offset by its zero point, clamped to the type. */
static int32_t softmax_out_s8(const softmax_data *d, const softmax_row *row, int32_t x) {
    const int32_t zero = d->out_zero, diff = x - row->max;
    int32_t out = zero;
    if (diff >= d->diff_min) {
        int32_t e = tl_fp_exp_negative(scaled_diff(d, diff));
        out = tl_rounding_divide_by_pot(tl_srdhm(row->reciprocal, e), row->bits_over_unit + 31 - d->out_bits) + zero;
    }
    return tl_clamp_i32(out, zero, zero + (1 << d->out_bits) - 1);
}

/* int8 input, int8 or int16 output; uint8 input, uint8 output (IN_T, OUT_T, the row function ROW). */
#define SOFTMAX_EVAL_8(NAME, IN_T, OUT_T, ROW)                                                                \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {                                               \
        const softmax_data *d = node->op_data;                                                                \
        const IN_T *x = tl_node_input(it, node, 0)->data;                                                     \
        OUT_T *y = tl_node_output(it, node, 0)->data;                                                         \
        int32_t r, i, rows = rows_of(it, node, d);                                                            \
        for (r = 0; r < rows; r++) {                                                                       \
            const IN_T *xr = x + (int64_t)r * d->depth;                                                       \
            softmax_row row = ROW(d, xr);                                                                     \
            for (i = 0; i < d->depth; i++) y[(int64_t)r * d->depth + i] = (OUT_T)softmax_out_s8(d, &row, xr[i]); \
        }                                                                                                     \
        return TL_STATUS_OK;                                                                                  \
    }

SOFTMAX_EVAL_8(tl_softmax_eval_s8, int8_t, int8_t, softmax_row_s8)
SOFTMAX_EVAL_8(tl_softmax_eval_s8_s16, int8_t, int16_t, softmax_row_s8)
SOFTMAX_EVAL_8(tl_softmax_eval_u8, uint8_t, uint8_t, softmax_row_u8)

static tl_status tl_softmax_eval_s16(tl_interpreter *it, tl_node *node) {
    const softmax_data *d = node->op_data;
    const int16_t *x = tl_node_input(it, node, 0)->data;
    int16_t *y = tl_node_output(it, node, 0)->data;
    int32_t r, i, rows = rows_of(it, node, d);
    for (r = 0; r < rows; r++) {
        const int16_t *xr = x + (int64_t)r * d->depth;
        int16_t *yr = y + (int64_t)r * d->depth;
        int32_t max = INT16_MIN, sum = 0, headroom, shifted, reciprocal, right_shift;
        for (i = 0; i < d->depth; i++) max = xr[i] > max ? xr[i] : max;
        /* first pass: the sum of exps (Q16.15); the exps are recomputed below rather than kept */
        for (i = 0; i < d->depth; i++) {
            int32_t scaled = tl_multiply_by_quantized_multiplier(xr[i] - max, d->input_multiplier, d->input_left_shift);
            sum += lut_lookup(d->exp_lut, tl_clamp_i32(scaled + 32767, INT16_MIN, INT16_MAX));
        }
        /* 1 / sum: sum normalised to [2^16, 2^17), less 1.5 * 2^16 to centre it on the table */
        headroom = tl_fp_clz((uint32_t)sum);
        shifted = (int32_t)((((int64_t)sum << (headroom - 1)) + (1 << 13)) >> 14);
        reciprocal = lut_lookup(recip_lut(d), tl_clamp_i32(shifted - ((1 << 15) + (1 << 16)), INT16_MIN, INT16_MAX));
        right_shift = 31 - headroom;
        for (i = 0; i < d->depth; i++) {
            int32_t scaled = tl_multiply_by_quantized_multiplier(xr[i] - max, d->input_multiplier, d->input_left_shift);
            int64_t e = lut_lookup(d->exp_lut, tl_clamp_i32(scaled + 32767, INT16_MIN, INT16_MAX));
            int64_t v = (e * reciprocal + ((int64_t)1 << (right_shift - 1))) >> right_shift;
            yr[i] = (int16_t)(v < 0 ? 0 : (v > 32767 ? 32767 : v));
        }
    }
    return TL_STATUS_OK;
}
