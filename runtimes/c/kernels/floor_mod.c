/* FLOOR_MOD: x - floor(x / y) * y, the remainder with the divisor's sign (Python's %), NumPy
 * broadcasting; int8, int16, int32, int64 (plain integers, quantization ignored as LiteRT does; C's
 * truncating % corrected by y when the signs differ) and float32
 * (fmodf corrected the same way), as LiteRT's reference. A constant zero divisor is refused at
 * prepare; a zero divisor fed at run time gives 0 (LiteRT fails the invoke; eval cannot). */
#include <math.h>

#include "../src/kernel_api.h"
#include "common/broadcast.h"

typedef struct {
    tl_broadcast bc;
} floor_mod_data;

/* y == 0 gives 0 (prepare refuses a constant one); y == -1 too: x % -1 is 0, and INT_MIN % -1
 * would trap. */
#define FLOOR_MOD_INT(NAME, T)                                          \
    static T NAME(T x, T y) {                                           \
        T r;                                                            \
        if (y == 0 || y == -1) return 0;                                \
        r = (T)(x % y);                                                 \
        return (r != 0 && ((y < 0) != (r < 0))) ? (T)(r + y) : r;       \
    }

FLOOR_MOD_INT(floor_mod_s8, int8_t)
FLOOR_MOD_INT(floor_mod_s16, int16_t)
FLOOR_MOD_INT(floor_mod_s32, int32_t)
FLOOR_MOD_INT(floor_mod_s64, int64_t)

static float floor_mod_f32(float x, float y) {
    float r = fmodf(x, y);
    return (r != 0.0f && ((y < 0.0f) != (r < 0.0f))) ? r + y : r;
}

TL_BROADCAST_EVAL(tl_floor_mod_eval_s8, floor_mod_data, int8_t, floor_mod_s8(a[oa], b[ob]))
TL_BROADCAST_EVAL(tl_floor_mod_eval_s16, floor_mod_data, int16_t, floor_mod_s16(a[oa], b[ob]))
TL_BROADCAST_EVAL(tl_floor_mod_eval_s32, floor_mod_data, int32_t, floor_mod_s32(a[oa], b[ob]))
TL_BROADCAST_EVAL(tl_floor_mod_eval_s64, floor_mod_data, int64_t, floor_mod_s64(a[oa], b[ob]))
TL_BROADCAST_EVAL(tl_floor_mod_eval_f32, floor_mod_data, float, floor_mod_f32(a[oa], b[ob]))

static int has_constant_zero(const tl_tensor *t) {
    int64_t i, n = tl_tensor_numel(t);
    if (!t->is_constant) return 0;
    for (i = 0; i < n; i++) {
        if (t->type == TL_TYPE_INT8 && ((const int8_t *)t->data)[i] == 0) return 1;
        if (t->type == TL_TYPE_INT16 && ((const int16_t *)t->data)[i] == 0) return 1;
        if (t->type == TL_TYPE_INT32 && ((const int32_t *)t->data)[i] == 0) return 1;
        if (t->type == TL_TYPE_INT64 && ((const int64_t *)t->data)[i] == 0) return 1;
    }
    return 0;
}

tl_status tl_floor_mod_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *a = tl_node_input(it, node, 0), *b = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    floor_mod_data *d;
    if (!a || !b || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 2 inputs and 1 output");
    if (a->type != b->type || a->type != out->type ||
        (a->type != TL_TYPE_INT8 && a->type != TL_TYPE_INT16 && a->type != TL_TYPE_INT32 && a->type != TL_TYPE_INT64 &&
         a->type != TL_TYPE_FLOAT32))
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "FLOOR_MOD supports int8, int16, int32, int64 and float32 (all alike)");
    if (has_constant_zero(b)) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "a constant divisor holds 0");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (!tl_broadcast_init(&d->bc, a, b, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "shapes do not broadcast");
    node->eval = a->type == TL_TYPE_INT8 ? tl_floor_mod_eval_s8 : a->type == TL_TYPE_INT16 ? tl_floor_mod_eval_s16
               : a->type == TL_TYPE_INT32 ? tl_floor_mod_eval_s32
               : a->type == TL_TYPE_INT64 ? tl_floor_mod_eval_s64 : tl_floor_mod_eval_f32;
    return TL_STATUS_OK;
}
