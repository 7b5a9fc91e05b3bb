/* DEQUANTIZE: int8/uint8/int16 -> float32, x = scale * (q - zero_point), computed in double and
 * rounded once to float as LiteRT's reference kernel does; float16 -> float32 (weights stored in
 * half precision), exactly (every half value is a float: subnormals, infinities, NaN payloads).
 * A constant input (float16 or int8 weights) is dequantized once, at prepare, into persistent
 * memory, and the output becomes a constant, as in LiteRT: the optimized kernels that read it then
 * pack it as weights; the reference kernels keep dequantizing at each invoke (as TFLite Micro, whose
 * arena would otherwise hold the float weights). */
#include <string.h>

#include "../src/kernel_api.h"

#define DEQUANTIZE_EVAL(NAME, T)                                                \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {                  \
        tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0); \
        const T *x = in->data;                                                  \
        float *y = out->data;                                                   \
        double scale = in->scale;                                               \
        int64_t i, n = tl_tensor_numel(out);                                    \
        for (i = 0; i < n; i++) y[i] = (float)(scale * (x[i] - in->zero_point)); \
        return TL_STATUS_OK;                                                    \
    }

DEQUANTIZE_EVAL(tl_dequantize_eval_s8, int8_t)
DEQUANTIZE_EVAL(tl_dequantize_eval_u8, uint8_t)
DEQUANTIZE_EVAL(tl_dequantize_eval_s16, int16_t)

/* IEEE binary16 bits -> binary32 bits. */
static uint32_t half_to_float_bits(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16, exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu;
    if (exp == 0x1f) return sign | 0x7f800000u | (mant << 13); /* inf, NaN (payload kept) */
    if (exp != 0) return sign | ((exp + 112) << 23) | (mant << 13);
    if (mant == 0) return sign; /* +-0 */
    exp = 113; /* subnormal: normalize */
    while (!(mant & 0x400u)) {
        mant <<= 1;
        exp--;
    }
    return sign | (exp << 23) | ((mant & 0x3ffu) << 13);
}

static tl_status tl_dequantize_eval_f16(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    const uint16_t *x = in->data;
    float *y = out->data;
    int64_t i, n = tl_tensor_numel(out);
    for (i = 0; i < n; i++) {
        uint32_t bits = half_to_float_bits(x[i]);
        memcpy(&y[i], &bits, 4);
    }
    return TL_STATUS_OK;
}

static tl_status already_done(tl_interpreter *it, tl_node *node) {
    (void)it;
    (void)node;
    return TL_STATUS_OK;
}

/* Dequantizes a constant input now; the output is then a constant the planner leaves alone. */
static tl_status fold(tl_interpreter *it, tl_node *node, tl_tensor *out) {
    void *data = tl_alloc_persistent(it, out->bytes);
    tl_status st;
    if (!data) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "DEQUANTIZE of constant weights");
    out->data = data;
    st = node->eval(it, node);
    if (st != TL_STATUS_OK) return st;
    out->is_constant = TL_CONSTANT_FOLDED; /* cleared by the next allocation */
    node->eval = already_done;
    return TL_STATUS_OK;
}

tl_status tl_dequantize_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    if (!in || !out || tl_tensor_numel(in) != tl_tensor_numel(out))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output sizes differ");
    if (out->type == TL_TYPE_FLOAT32 && in->type == TL_TYPE_FLOAT16) {
        node->eval = tl_dequantize_eval_f16;
    } else {
        if (out->type != TL_TYPE_FLOAT32 ||
            (in->type != TL_TYPE_INT8 && in->type != TL_TYPE_UINT8 && in->type != TL_TYPE_INT16))
            return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED,
                           "DEQUANTIZE supports int8, uint8, int16 and float16 to float32");
        node->eval = in->type == TL_TYPE_INT8 ? tl_dequantize_eval_s8
                     : in->type == TL_TYPE_UINT8 ? tl_dequantize_eval_u8 : tl_dequantize_eval_s16;
        tl_status st = tl_check_quantized(it, node, in);
        if (st != TL_STATUS_OK) return st;
    }
    if (in->is_constant && !out->is_variable && !it->reference_kernels) return fold(it, node, out);
    return TL_STATUS_OK;
}
