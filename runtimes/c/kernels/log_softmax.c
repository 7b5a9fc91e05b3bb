/* LOG_SOFTMAX over the last axis. float32 as LiteRT's reference: per row the max (from the
 * lowest float), sum of exp(x - max) in float, then x - max - log(sum). int8 and uint8 as LiteRT's
 * reference integer kernel (output scale 16/256, zero point 127 or 255: [-16, 0) onto the type): input
 * differences from the row max scaled into a fixed-point number with 5 integer bits, exp in
 * fixed point summed with 12 integer bits, its log (5 integer bits) subtracted, and the result
 * rounded to 1/16 steps; differences too negative for that (below the reverse-scaled log sum, or
 * beyond the input radius) give the type's lowest value. */
#include <float.h>
#include <math.h>

#include "../src/kernel_api.h"
#include "common/fixed_point.h"

typedef struct {
    int64_t rows;
    int32_t depth;
    int32_t input_multiplier, input_left_shift, reverse_multiplier, reverse_shift, diff_min; /* int8 */
} log_softmax_data;

enum { INPUT_INTEGER_BITS = 5, ACCUMULATION_INTEGER_BITS = 12, OUTPUT_INTEGER_BITS = 4 };

static tl_status tl_log_softmax_eval_f32(tl_interpreter *it, tl_node *node) {
    const log_softmax_data *d = node->op_data;
    const float *x = tl_node_input(it, node, 0)->data;
    float *y = tl_node_output(it, node, 0)->data;
    int64_t r;
    int32_t c;
    for (r = 0; r < d->rows; r++, x += d->depth, y += d->depth) {
        float max = -FLT_MAX, sum = 0.0f, log_sum;
        for (c = 0; c < d->depth; c++) max = max < x[c] ? x[c] : max;
        for (c = 0; c < d->depth; c++) sum += expf(x[c] - max);
        log_sum = logf(sum);
        for (c = 0; c < d->depth; c++) y[c] = x[c] - max - log_sum;
    }
    return TL_STATUS_OK;
}

/* int8 (output zero point 127) and uint8 (255): one arithmetic, as LiteRT's reference. */
#define LOG_SOFTMAX_Q(NAME, T, LO, HI, ZP) \
static tl_status NAME(tl_interpreter *it, tl_node *node) {                                                                           \
    const log_softmax_data *d = node->op_data;                                                                                       \
    const T *x = tl_node_input(it, node, 0)->data;                                                                                   \
    T *y = tl_node_output(it, node, 0)->data;                                                                                        \
    int64_t r;                                                                                                                       \
    int32_t c;                                                                                                                       \
    for (r = 0; r < d->rows; r++, x += d->depth, y += d->depth) {                                                                    \
        int32_t max = LO, sum = 0, log_sum, adjusted_diff_min;                                                                       \
        for (c = 0; c < d->depth; c++) max = x[c] > max ? x[c] : max;                                                                \
        for (c = 0; c < d->depth; c++) { /* sum of exps with 12 integer bits */                                                      \
            int32_t diff = x[c] - max;                                                                                               \
            if (diff >= d->diff_min) {                                                                                               \
                int32_t e = tl_fp_exp_negative(tl_multiply_by_quantized_multiplier(diff, d->input_multiplier, d->input_left_shift)); \
                sum = tl_add_sat(sum, tl_fp_mul_pot(e, -ACCUMULATION_INTEGER_BITS));                                                 \
            }                                                                                                                        \
        }                                                                                                                            \
        log_sum = tl_fp_log_x_ge_1(sum, ACCUMULATION_INTEGER_BITS, INPUT_INTEGER_BITS);                                              \
        /* the smallest difference whose result is representable: the log sum from the bottom of the format */                       \
        adjusted_diff_min = tl_multiply_by_quantized_multiplier(tl_add_wrap(log_sum, INT32_MIN), d->reverse_multiplier,              \
                                                                d->reverse_shift);                                                   \
        if (adjusted_diff_min < d->diff_min - 1) adjusted_diff_min = d->diff_min - 1;                                                \
        for (c = 0; c < d->depth; c++) {                                                                                             \
            int32_t diff = x[c] - max, out = LO;                                                                                     \
            if (diff > adjusted_diff_min) {                                                                                          \
                int32_t scaled = tl_multiply_by_quantized_multiplier(diff, d->input_multiplier, d->input_left_shift);                \
                int64_t rel = (int64_t)scaled - log_sum; /* within int32 above adjusted_diff_min */                                  \
                rel = rel > INT32_MAX ? INT32_MAX : rel < INT32_MIN ? INT32_MIN : rel;                                               \
                out = tl_rounding_divide_by_pot((int32_t)rel, 31 - INPUT_INTEGER_BITS - OUTPUT_INTEGER_BITS) + ZP;                   \
                out = tl_clamp_i32(out, LO, HI);                                                                                     \
            }                                                                                                                        \
            y[c] = (T)out;                                                                                                           \
        }                                                                                                                            \
    }                                                                                                                                \
    return TL_STATUS_OK;                                                                                                             \
}

LOG_SOFTMAX_Q(tl_log_softmax_eval_s8, int8_t, INT8_MIN, INT8_MAX, 127)
LOG_SOFTMAX_Q(tl_log_softmax_eval_u8, uint8_t, 0, UINT8_MAX, 255)

/* int8: output 16/256 and 127 exactly (as LiteRT requires); the input multiplier (beta 1, capped),
 * its reverse as a multiplier below one, and the input radius. */
static tl_status prepare_s8(tl_interpreter *it, tl_node *node, const tl_tensor *in, const tl_tensor *out,
                            log_softmax_data *d) {
    double real, reverse, radius;
    tl_status st;
    if ((st = tl_check_quantized(it, node, in)) != TL_STATUS_OK || (st = tl_check_quantized(it, node, out)) != TL_STATUS_OK)
        return st;
    if (out->scale != 16.0f / 256.0f || out->zero_point != (out->type == TL_TYPE_UINT8 ? 255 : 127))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID,
                       "the output must have scale 16/256 and zero point 127 (int8) or 255 (uint8)");
    real = (double)in->scale * (double)(1u << (31 - INPUT_INTEGER_BITS));
    if (real > 2147483647.0) real = 2147483647.0;
    st = tl_quantize_multiplier_checked(it, node, real, &d->input_multiplier, &d->input_left_shift);
    if (st != TL_STATUS_OK) return st;
    if (d->input_left_shift < 1) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "input scale too small");
    reverse = ldexp(1.0, 31 - d->input_left_shift) / (double)d->input_multiplier;
    tl_quantize_multiplier(reverse, &d->reverse_multiplier, &d->reverse_shift);
    if (d->reverse_shift > 0) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "input scale too small");
    radius = (double)((1 << INPUT_INTEGER_BITS) - 1) * (double)(1u << (31 - INPUT_INTEGER_BITS)) /
             (double)((uint64_t)1 << d->input_left_shift);
    d->diff_min = -(int32_t)floor(radius);
    return TL_STATUS_OK;
}

tl_status tl_log_softmax_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    log_softmax_data *d;
    if (!in || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs an input and an output");
    if (in->type != out->type || (in->type != TL_TYPE_FLOAT32 && in->type != TL_TYPE_INT8 && in->type != TL_TYPE_UINT8))
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "LOG_SOFTMAX supports float32, int8 and uint8");
    if (!tl_same_shape(in, out) || in->ndim < 1 || in->dims[in->ndim - 1] <= 0)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output must have one non-empty shape");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->depth = in->dims[in->ndim - 1];
    d->rows = tl_tensor_numel(in) / d->depth;
    if (in->type == TL_TYPE_FLOAT32) {
        node->eval = tl_log_softmax_eval_f32;
        return TL_STATUS_OK;
    }
    node->eval = in->type == TL_TYPE_UINT8 ? tl_log_softmax_eval_u8 : tl_log_softmax_eval_s8;
    return prepare_s8(it, node, in, out, d);
}
