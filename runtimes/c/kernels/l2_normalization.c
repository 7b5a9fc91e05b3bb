/* L2_NORMALIZATION: each row along the last dimension divided by its L2 norm, as LiteRT's
 * reference. float32: the squares summed in float in order, the square root floored at 1e-6 (a
 * zero row stays zero), then one division per element. int8 and uint8: the centred values'
 * squares summed in int32, the sum's inverse square root as a Q31 multiplier and a shift (the
 * gemmlowp scheme LiteRT uses: normalised into [2^27, 2^29) by pairs of bits, five Newton
 * steps from 1 with 3 integer bits, times sqrt(1/2); a sum of 0 or 1 gives the multiplier
 * INT32_MAX, shift 0), each centred value scaled by it into the fixed output quantization LiteRT
 * requires: scale 1/128 with zero point 0 (int8) or 128 (uint8). LiteRT's uint8 kernel multiplies
 * 128 * value by the multiplier with one rounding shift, its int8 kernel the value with 7 bits
 * less shift; the two round differently and both are kept. No fused activation (LiteRT has none
 * either). */
#include <math.h>

#include "../src/kernel_api.h"
#include "common/fixed_point.h"
#include "common/quant_math.h"

enum { OPT_ACTIVATION = 0 };

typedef struct {
    int64_t rows, depth;
    int32_t zero_point; /* quantized input */
} l2_norm_data;

static tl_status tl_l2_normalization_eval_f32(tl_interpreter *it, tl_node *node) {
    const l2_norm_data *d = node->op_data;
    const float *x = tl_node_input(it, node, 0)->data;
    float *y = tl_node_output(it, node, 0)->data;
    int64_t r, c;
    for (r = 0; r < d->rows; r++, x += d->depth, y += d->depth) {
        float sum = 0.0f, norm;
        for (c = 0; c < d->depth; c++) sum += x[c] * x[c];
        norm = sqrtf(sum);
        if (norm < 1e-6f) norm = 1e-6f;
        for (c = 0; c < d->depth; c++) y[c] = x[c] / norm;
    }
    return TL_STATUS_OK;
}

/* One row: the centred values' sum of squares (wrapping, as LiteRT's int32 sum would on rows longer
 * than 2^16 of extreme values), then each value scaled by the inverse square root. */
#define DEFINE_EVAL_Q(suffix, T, LO, HI, OUT_ZERO, SCALE)                                          \
    static tl_status tl_l2_normalization_eval_##suffix(tl_interpreter *it, tl_node *node) {        \
        const l2_norm_data *d = node->op_data;                                                     \
        const T *x = tl_node_input(it, node, 0)->data;                                             \
        T *y = tl_node_output(it, node, 0)->data;                                                  \
        int64_t r, c;                                                                              \
        for (r = 0; r < d->rows; r++, x += d->depth, y += d->depth) {                              \
            int32_t sum = 0, mult;                                                                 \
            int shift;                                                                             \
            for (c = 0; c < d->depth; c++) {                                                       \
                int32_t v = (int32_t)x[c] - d->zero_point;                                         \
                sum = tl_add_wrap(sum, v * v);                                                     \
            }                                                                                      \
            mult = tl_fp_inv_sqrt(sum, &shift);                                                          \
            for (c = 0; c < d->depth; c++) {                                                       \
                int32_t v = SCALE((int32_t)x[c] - d->zero_point, mult, shift);                     \
                y[c] = (T)tl_clamp_i32(OUT_ZERO + v, LO, HI);                                      \
            }                                                                                      \
        }                                                                                          \
        return TL_STATUS_OK;                                                                       \
    }

/* uint8: (128 v) * mult, one rounding shift right; int8: v * mult, shifted right 7 bits less. */
#define SCALE_U8(v, mult, shift) tl_rounding_divide_by_pot(tl_srdhm(128 * (v), mult), shift)
#define SCALE_S8(v, mult, shift) tl_multiply_by_quantized_multiplier(v, mult, 7 - (shift))

DEFINE_EVAL_Q(u8, uint8_t, 0, 255, 128, SCALE_U8)
DEFINE_EVAL_Q(s8, int8_t, -128, 127, 0, SCALE_S8)

static tl_status prepare_quantized(tl_interpreter *it, tl_node *node, const tl_tensor *in, const tl_tensor *out,
                                   l2_norm_data *d) {
    const int32_t out_zero = in->type == TL_TYPE_UINT8 ? 128 : 0;
    tl_status st;
    if ((st = tl_check_quantized(it, node, in)) != TL_STATUS_OK || (st = tl_check_quantized(it, node, out)) != TL_STATUS_OK)
        return st;
    if (out->scale != 1.0f / 128 || out->zero_point != out_zero)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, in->type == TL_TYPE_UINT8
                       ? "a uint8 output needs scale 1/128 and zero point 128 (LiteRT's reference requires them too)"
                       : "an int8 output needs scale 1/128 and zero point 0 (LiteRT's reference requires them too)");
    d->zero_point = in->zero_point;
    node->eval = in->type == TL_TYPE_UINT8 ? tl_l2_normalization_eval_u8 : tl_l2_normalization_eval_s8;
    return TL_STATUS_OK;
}

tl_status tl_l2_normalization_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    l2_norm_data *d;
    int8_t act;
    if (!in || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 1 input and 1 output");
    if (in->type != out->type ||
        (in->type != TL_TYPE_FLOAT32 && in->type != TL_TYPE_INT8 && in->type != TL_TYPE_UINT8))
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "L2_NORMALIZATION supports float32, int8 and uint8");
    if (!tl_same_shape(in, out) || in->ndim < 1) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output shapes differ");
    if (tl_fb_i8(&it->fb, node->options, OPT_ACTIVATION, 0, &act) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (act != 0) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->depth = in->dims[in->ndim - 1];
    d->rows = d->depth ? tl_tensor_numel(in) / d->depth : 0;
    if (in->type != TL_TYPE_FLOAT32) return prepare_quantized(it, node, in, out, d);
    node->eval = tl_l2_normalization_eval_f32;
    return TL_STATUS_OK;
}
