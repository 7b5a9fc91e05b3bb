/* Helpers shared by kernels: fused activation ranges. */
#include <float.h>
#include <math.h>

#include "../kernels/common/quant_math.h"
#include "kernel_api.h"

enum { ACT_NONE = 0, ACT_RELU = 1, ACT_RELU_N1_TO_1 = 2, ACT_RELU6 = 3 };

tl_status tl_activation_range_f32(int8_t act, float *lo, float *hi) {
    switch (act) {
    case ACT_NONE: *lo = -FLT_MAX; *hi = FLT_MAX; return TL_STATUS_OK;
    case ACT_RELU: *lo = 0.0f; *hi = FLT_MAX; return TL_STATUS_OK;
    case ACT_RELU_N1_TO_1: *lo = -1.0f; *hi = 1.0f; return TL_STATUS_OK;
    case ACT_RELU6: *lo = 0.0f; *hi = 6.0f; return TL_STATUS_OK;
    default: return TL_STATUS_MODEL_UNSUPPORTED;
    }
}

tl_status tl_activation_range_int(int8_t act, int64_t type_lo, int64_t type_hi, int64_t *lo, int64_t *hi) {
    switch (act) {
    case ACT_NONE: *lo = type_lo; *hi = type_hi; return TL_STATUS_OK;
    case ACT_RELU: *lo = 0; *hi = type_hi; return TL_STATUS_OK;
    case ACT_RELU_N1_TO_1: *lo = -1; *hi = 1; return TL_STATUS_OK;
    case ACT_RELU6: *lo = 0; *hi = 6; return TL_STATUS_OK;
    default: return TL_STATUS_MODEL_UNSUPPORTED;
    }
}

static int32_t quantize(const tl_tensor *t, float v) {
    float q = (float)t->zero_point + v / t->scale;
    return (int32_t)(q >= 0 ? q + 0.5f : q - 0.5f); /* TfLiteRound: half away from zero */
}

tl_status tl_activation_range_quant(int8_t act, const tl_tensor *out, int32_t *lo, int32_t *hi) {
    int32_t qmin = out->type == TL_TYPE_INT8 ? -128 : (out->type == TL_TYPE_INT16 ? -32768 : 0);
    int32_t qmax = out->type == TL_TYPE_INT8 ? 127 : (out->type == TL_TYPE_INT16 ? 32767 : 255);
    int32_t a = qmin, b = qmax;
    switch (act) {
    case ACT_NONE: break;
    case ACT_RELU: a = quantize(out, 0.0f); break;
    case ACT_RELU6: a = quantize(out, 0.0f); b = quantize(out, 6.0f); break;
    case ACT_RELU_N1_TO_1: a = quantize(out, -1.0f); b = quantize(out, 1.0f); break;
    default: return TL_STATUS_MODEL_UNSUPPORTED;
    }
    *lo = a > qmin ? a : qmin;
    *hi = b < qmax ? b : qmax;
    return TL_STATUS_OK;
}

tl_status tl_check_quantized(tl_interpreter *it, const tl_node *node, const tl_tensor *t) {
    int32_t lo = t->type == TL_TYPE_INT8 ? -128 : (t->type == TL_TYPE_INT16 ? -32768 : 0);
    int32_t hi = t->type == TL_TYPE_INT8 ? 127 : (t->type == TL_TYPE_INT16 ? 32767 : 255);
    int32_t c, n = tl_tensor_quant_count(it, t);
    if (n == 0) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "quantized tensor without scale");
    if (t->type != TL_TYPE_INT32 && (t->zero_point < lo || t->zero_point > hi))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "zero point outside the type's range");
    for (c = 0; c < n; c++) {
        float s = tl_tensor_scale(it, t, c);
        if (!(s > 0.0f) || s > 3.0e38f) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "scale is not a positive number");
    }
    return TL_STATUS_OK;
}

tl_status tl_quantize_multiplier_checked(tl_interpreter *it, const tl_node *node, double real, int32_t *multiplier,
                                         int32_t *shift) {
    int e = 0;
    if (!(real >= 0.0) || real > 1e9) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "requantization scale out of range");
    (void)frexp(real, &e);
    if (e > 30) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "requantization scale out of range");
    tl_quantize_multiplier(real, multiplier, shift);
    return TL_STATUS_OK;
}

tl_status tl_prepare_channel_multipliers(tl_interpreter *it, const tl_node *node, const tl_tensor *in,
                                         const tl_tensor *w, const tl_tensor *out, int32_t channels,
                                         int32_t **mult, int8_t **shift) {
    int32_t c, s = 0;
    if (tl_check_quantized(it, node, in) || tl_check_quantized(it, node, w) || tl_check_quantized(it, node, out))
        return TL_STATUS_MODEL_INVALID;
    if (tl_tensor_quant_count(it, w) > 1 && tl_tensor_quant_count(it, w) != channels)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "per-channel scale count does not match the channels");
    *mult = tl_alloc_persistent(it, (sizeof(int32_t) + 1) * (size_t)channels);
    if (!*mult) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "requantization multipliers");
    *shift = (int8_t *)(*mult + channels);
    for (c = 0; c < channels; c++) {
        double real = (double)in->scale * (double)tl_tensor_scale(it, w, c) / (double)out->scale;
        if (tl_quantize_multiplier_checked(it, node, real, &(*mult)[c], &s)) return TL_STATUS_MODEL_UNSUPPORTED;
        (*shift)[c] = (int8_t)s; /* within [-31, 31]: larger scales are refused, smaller ones flushed to 0 */
    }
    return TL_STATUS_OK;
}

tl_status tl_node_flex_options(tl_interpreter *it, const tl_node *node, tl_flex_map *out) {
    tl_fb_vec v = tl_node_custom_options(it, node);
    if (tl_flex_map_root(v.len ? it->fb.buf + v.pos : NULL, v.len, out) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "custom options are not a FlexBuffer map");
    return TL_STATUS_OK;
}
