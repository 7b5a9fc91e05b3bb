/* The StableHLO elementwise binary kernels, for float32, float64, int8/16/32/64, uint8/16/32 and
 * bool, as LiteRT's reference. Integers wrap (LiteRT's compiled arithmetic; written here in
 * unsigned arithmetic, without signed overflow); bool adds as OR and multiplies as AND (C++'s bool
 * arithmetic converted back to bool); maximum and minimum are std::max / std::min, so a NaN or a
 * signed zero comes from the first input unless the second compares greater (smaller). */

#include "stablehlo_elementwise.h"

#define SHLO_EVAL(NAME, T, EXPR)                                                                  \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {                                    \
        const T *a = tl_node_input(it, node, 0)->data, *b = tl_node_input(it, node, 1)->data;     \
        tl_tensor *out = tl_node_output(it, node, 0);                                             \
        T *y = out->data;                                                                         \
        int64_t i, n = tl_tensor_numel(out);                                                      \
        for (i = 0; i < n; i++) y[i] = (EXPR);                                                    \
        return TL_STATUS_OK;                                                                      \
    }

#define I_MAX(x, y) ((x) < (y) ? (y) : (x))
#define I_MIN(x, y) ((y) < (x) ? (y) : (x))

/* Every op for one integer type T computed in unsigned U (wrapping), converted back. */
#define SHLO_INT(SUF, T, U)                                                                    \
    SHLO_EVAL(tl_stablehlo_add_eval_##SUF, T, (T)(U)((U)a[i] + (U)b[i]))                       \
    SHLO_EVAL(tl_stablehlo_multiply_eval_##SUF, T, (T)(U)((U)a[i] * (U)b[i]))                  \
    SHLO_EVAL(tl_stablehlo_maximum_eval_##SUF, T, I_MAX(a[i], b[i]))                           \
    SHLO_EVAL(tl_stablehlo_minimum_eval_##SUF, T, I_MIN(a[i], b[i]))

#define SHLO_FLOAT(SUF, T)                                                                     \
    SHLO_EVAL(tl_stablehlo_add_eval_##SUF, T, a[i] + b[i])                                     \
    SHLO_EVAL(tl_stablehlo_multiply_eval_##SUF, T, a[i] * b[i])                                \
    SHLO_EVAL(tl_stablehlo_maximum_eval_##SUF, T, I_MAX(a[i], b[i]))                           \
    SHLO_EVAL(tl_stablehlo_minimum_eval_##SUF, T, I_MIN(a[i], b[i]))

SHLO_FLOAT(f32, float)
SHLO_FLOAT(f64, double)
/* int8/uint8/int16/uint16 products are formed in unsigned int so that 0xffff * 0xffff cannot overflow int */
SHLO_INT(s8, int8_t, unsigned)
SHLO_INT(u8, uint8_t, unsigned)
SHLO_INT(s16, int16_t, unsigned)
SHLO_INT(u16, uint16_t, unsigned)
SHLO_INT(s32, int32_t, uint32_t)
SHLO_INT(u32, uint32_t, uint32_t)
SHLO_INT(s64, int64_t, uint64_t)
SHLO_EVAL(tl_stablehlo_add_eval_b, uint8_t, (uint8_t)(a[i] || b[i]))
SHLO_EVAL(tl_stablehlo_multiply_eval_b, uint8_t, (uint8_t)(a[i] && b[i]))
SHLO_EVAL(tl_stablehlo_maximum_eval_b, uint8_t, (uint8_t)(a[i] || b[i]))
SHLO_EVAL(tl_stablehlo_minimum_eval_b, uint8_t, (uint8_t)(a[i] && b[i]))

#define PICK(SUF)                                                                                          \
    (op == TL_SHLO_ADD ? tl_stablehlo_add_eval_##SUF : op == TL_SHLO_MUL ? tl_stablehlo_multiply_eval_##SUF \
     : op == TL_SHLO_MAX ? tl_stablehlo_maximum_eval_##SUF : tl_stablehlo_minimum_eval_##SUF)

tl_status tl_stablehlo_elementwise_prepare(tl_interpreter *it, tl_node *node, tl_shlo_op op) {
    tl_tensor *a = tl_node_input(it, node, 0), *b = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    if (!a || !b || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 2 inputs and 1 output");
    if (a->type != b->type || a->type != out->type) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "inputs and output types differ");
    if (!tl_same_shape(a, b) || !tl_same_shape(a, out))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "inputs and output must have one shape (StableHLO does not broadcast)");
    switch (a->type) {
    case TL_TYPE_FLOAT32: node->eval = PICK(f32); break;
    case TL_TYPE_FLOAT64: node->eval = PICK(f64); break;
    case TL_TYPE_INT8: node->eval = PICK(s8); break;
    case TL_TYPE_UINT8: node->eval = PICK(u8); break;
    case TL_TYPE_INT16: node->eval = PICK(s16); break;
    case TL_TYPE_UINT16: node->eval = PICK(u16); break;
    case TL_TYPE_INT32: node->eval = PICK(s32); break;
    case TL_TYPE_UINT32: node->eval = PICK(u32); break;
    case TL_TYPE_INT64: node->eval = PICK(s64); break;
    case TL_TYPE_BOOL: node->eval = PICK(b); break;
    default:
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED,
                       "supports float32, float64, int8/16/32/64, uint8/16/32 and bool (float16: not implemented)");
    }
    return TL_STATUS_OK;
}
