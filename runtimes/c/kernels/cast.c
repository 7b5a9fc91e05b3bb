/* CAST between float32, int8, uint8, int16, int32, uint32, int64 and bool, elementwise, as LiteRT 2.3:
 * float -> integer truncates toward zero and saturates to the type's range, NaN giving the
 * type's maximum; integer -> narrower integer wraps (two's complement); anything -> bool is
 * x != 0 (NaN -> true); bool -> number is 0 or 1; integer -> float rounds to nearest. */
#include "../src/kernel_api.h"

static int cast_type_ok(tl_type t) {
    return t == TL_TYPE_FLOAT32 || t == TL_TYPE_INT8 || t == TL_TYPE_UINT8 || t == TL_TYPE_INT16 ||
           t == TL_TYPE_INT32 || t == TL_TYPE_UINT32 || t == TL_TYPE_INT64 || t == TL_TYPE_BOOL;
}

/* Float to an integer range [lo, hi]: hi_excl is hi + 1 as a double (2^63 for int64, exact);
 * values at or beyond either end (and NaN, to hi) saturate, others truncate. */
static int64_t sat_f(double v, double lo, double hi_excl, int64_t min, int64_t max) {
    if (v != v || v >= hi_excl) return max;
    if (v <= lo - 1.0) return min;
    return (int64_t)v;
}

#define F2I_S8(v) (int8_t)sat_f(v, -128.0, 128.0, INT8_MIN, INT8_MAX)
#define F2I_U8(v) (uint8_t)sat_f(v, 0.0, 256.0, 0, UINT8_MAX)
#define F2I_S16(v) (int16_t)sat_f(v, -32768.0, 32768.0, INT16_MIN, INT16_MAX)
#define F2I_S32(v) (int32_t)sat_f(v, -2147483648.0, 2147483648.0, INT32_MIN, INT32_MAX)
#define F2I_U32(v) (uint32_t)sat_f(v, 0.0, 4294967296.0, 0, UINT32_MAX)
#define F2I_S64(v) (int64_t)sat_f(v, -9223372036854775808.0, 9223372036854775808.0, INT64_MIN, INT64_MAX)

/* Integer narrowing keeps the low bits (through unsigned, then two's complement reinterpretation). */
#define I2I_S8(v) (int8_t)(uint8_t)(uint64_t)(int64_t)(v)
#define I2I_U8(v) (uint8_t)(uint64_t)(int64_t)(v)
#define I2I_S16(v) (int16_t)(uint16_t)(uint64_t)(int64_t)(v)
#define I2I_S32(v) (int32_t)(uint32_t)(uint64_t)(int64_t)(v)
#define I2I_U32(v) (uint32_t)(uint64_t)(int64_t)(v)
#define I2I_S64(v) (int64_t)(v)

#define LOOP(DT, EXPR)                          \
    {                                           \
        DT *y = out->data;                      \
        for (i = 0; i < n; i++) y[i] = (EXPR);  \
    }                                           \
    break

/* One eval per source type; READ(x) loads element i (bool: 0/1 whatever byte is stored), CONV is
 * F2I (float source) or I2I (integer and bool sources). */
#define CAST_FROM(NAME, ST, READ, CONV)                                                 \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {                         \
        const ST *x = tl_node_input(it, node, 0)->data;                                \
        tl_tensor *out = tl_node_output(it, node, 0);                                  \
        int64_t i, n = tl_tensor_numel(out);                                           \
        switch (out->type) {                                                           \
        case TL_TYPE_FLOAT32: LOOP(float, (float)READ(x[i]));                          \
        case TL_TYPE_INT8: LOOP(int8_t, CONV##_S8(READ(x[i])));                        \
        case TL_TYPE_UINT8: LOOP(uint8_t, CONV##_U8(READ(x[i])));                      \
        case TL_TYPE_INT16: LOOP(int16_t, CONV##_S16(READ(x[i])));                     \
        case TL_TYPE_INT32: LOOP(int32_t, CONV##_S32(READ(x[i])));                     \
        case TL_TYPE_UINT32: LOOP(uint32_t, CONV##_U32(READ(x[i])));                   \
        case TL_TYPE_INT64: LOOP(int64_t, CONV##_S64(READ(x[i])));                     \
        default: LOOP(uint8_t, (uint8_t)(x[i] != 0));                                  \
        }                                                                              \
        return TL_STATUS_OK;                                                           \
    }

#define AS_IS(v) (v)
#define AS_BOOL(v) ((v) != 0)

CAST_FROM(tl_cast_eval_f32, float, AS_IS, F2I)
CAST_FROM(tl_cast_eval_s8, int8_t, AS_IS, I2I)
CAST_FROM(tl_cast_eval_u8, uint8_t, AS_IS, I2I)
CAST_FROM(tl_cast_eval_s16, int16_t, AS_IS, I2I)
CAST_FROM(tl_cast_eval_s32, int32_t, AS_IS, I2I)
CAST_FROM(tl_cast_eval_u32, uint32_t, AS_IS, I2I)
CAST_FROM(tl_cast_eval_s64, int64_t, AS_IS, I2I)
CAST_FROM(tl_cast_eval_bool, uint8_t, AS_BOOL, I2I)

static tl_status cast_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    if (!in || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs an input and an output");
    if (!cast_type_ok(in->type) || !cast_type_ok(out->type))
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED,
                       "CAST supports float32, int8, uint8, int16, int32, uint32, int64 and bool");
    if (tl_tensor_numel(in) != tl_tensor_numel(out))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output sizes differ");
    switch (in->type) {
    case TL_TYPE_FLOAT32: node->eval = tl_cast_eval_f32; break;
    case TL_TYPE_INT8: node->eval = tl_cast_eval_s8; break;
    case TL_TYPE_UINT8: node->eval = tl_cast_eval_u8; break;
    case TL_TYPE_INT16: node->eval = tl_cast_eval_s16; break;
    case TL_TYPE_INT32: node->eval = tl_cast_eval_s32; break;
    case TL_TYPE_UINT32: node->eval = tl_cast_eval_u32; break;
    case TL_TYPE_INT64: node->eval = tl_cast_eval_s64; break;
    default: node->eval = tl_cast_eval_bool; break;
    }
    return TL_STATUS_OK;
}

/* eval is chosen per source type by prepare (node->eval); the table entry's is never reached. */
static tl_status cast_unreachable(tl_interpreter *it, tl_node *node) {
    return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "not prepared");
}

const tl_kernel tl_kernel_cast = {53, "CAST", cast_prepare, cast_unreachable};
