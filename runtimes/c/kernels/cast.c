/* CAST between float32, int8, uint8, int16, int32, uint32, int64 and bool, elementwise, as LiteRT 2.3:
 * float -> integer truncates toward zero and saturates to the type's range, NaN giving the
 * type's maximum; integer -> narrower integer wraps (two's complement); anything -> bool is
 * x != 0 (NaN -> true); bool -> number is 0 or 1; integer -> float rounds to nearest. */
#include "../src/kernel_api.h"
#include "common/unary.h"

/* Position of a supported type in the cast table (-1: not supported). */
static int type_index(tl_type t) {
    switch (t) {
    case TL_TYPE_FLOAT32: return 0;
    case TL_TYPE_INT8: return 1;
    case TL_TYPE_UINT8: return 2;
    case TL_TYPE_INT16: return 3;
    case TL_TYPE_INT32: return 4;
    case TL_TYPE_UINT32: return 5;
    case TL_TYPE_INT64: return 6;
    case TL_TYPE_BOOL: return 7;
    default: return -1;
    }
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

#define CAST_EVAL(NAME, ST, DT, EXPR) TL_UNARY_EVAL(NAME, void, ST, DT, EXPR)

/* The eight evals from source type S, in type_index order; READ(x) loads element i (bool: 0/1
 * whatever byte is stored), CONV is F2I (float source) or I2I (integer and bool sources). */
#define CAST_FROM(S, ST, READ, CONV)                                    \
    CAST_EVAL(tl_cast_eval_##S##_f32, ST, float, (float)READ(x[i]))     \
    CAST_EVAL(tl_cast_eval_##S##_s8, ST, int8_t, CONV##_S8(READ(x[i]))) \
    CAST_EVAL(tl_cast_eval_##S##_u8, ST, uint8_t, CONV##_U8(READ(x[i]))) \
    CAST_EVAL(tl_cast_eval_##S##_s16, ST, int16_t, CONV##_S16(READ(x[i]))) \
    CAST_EVAL(tl_cast_eval_##S##_s32, ST, int32_t, CONV##_S32(READ(x[i]))) \
    CAST_EVAL(tl_cast_eval_##S##_u32, ST, uint32_t, CONV##_U32(READ(x[i]))) \
    CAST_EVAL(tl_cast_eval_##S##_s64, ST, int64_t, CONV##_S64(READ(x[i]))) \
    CAST_EVAL(tl_cast_eval_##S##_b, ST, uint8_t, (uint8_t)(x[i] != 0))
#define CAST_ROW(S)                                                                                       \
    {tl_cast_eval_##S##_f32, tl_cast_eval_##S##_s8, tl_cast_eval_##S##_u8, tl_cast_eval_##S##_s16,        \
     tl_cast_eval_##S##_s32, tl_cast_eval_##S##_u32, tl_cast_eval_##S##_s64, tl_cast_eval_##S##_b}

#define AS_IS(v) (v)
#define AS_BOOL(v) ((v) != 0)

CAST_FROM(f32, float, AS_IS, F2I)
CAST_FROM(s8, int8_t, AS_IS, I2I)
CAST_FROM(u8, uint8_t, AS_IS, I2I)
CAST_FROM(s16, int16_t, AS_IS, I2I)
CAST_FROM(s32, int32_t, AS_IS, I2I)
CAST_FROM(u32, uint32_t, AS_IS, I2I)
CAST_FROM(s64, int64_t, AS_IS, I2I)
CAST_FROM(b, uint8_t, AS_BOOL, I2I)

tl_status tl_cast_prepare(tl_interpreter *it, tl_node *node) {
    static const tl_eval_fn evals[8][8] = {CAST_ROW(f32), CAST_ROW(s8), CAST_ROW(u8), CAST_ROW(s16),
                                           CAST_ROW(s32), CAST_ROW(u32), CAST_ROW(s64), CAST_ROW(b)};
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    if (!in || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs an input and an output");
    if (type_index(in->type) < 0 || type_index(out->type) < 0)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED,
                       "CAST supports float32, int8, uint8, int16, int32, uint32, int64 and bool");
    if (tl_tensor_numel(in) != tl_tensor_numel(out))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output sizes differ");
    node->eval = evals[type_index(in->type)][type_index(out->type)];
    return TL_STATUS_OK;
}
