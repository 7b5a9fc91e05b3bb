/* RIGHT_SHIFT: out = x >> y elementwise with NumPy broadcasting, for int8/16/32 and uint8/16/32
 * (LiteRT's set). The shift is clamped to [0, bits - 1] as LiteRT's reference: a negative one
 * leaves x as it is, one of the type's width or more shifts by width - 1. Signed values shift
 * arithmetically (the sign is kept); written without shifting a negative number. */
#include "../src/kernel_api.h"
#include "common/broadcast.h"

typedef struct {
    tl_broadcast bc;
} right_shift_data;

#define RIGHT_SHIFT_FN(NAME, T, BITS)                                  \
    static T NAME(T x, T y) {                                          \
        int s = y < 0 ? 0 : y > (BITS) - 1 ? (BITS) - 1 : (int)y;      \
        return x < 0 ? (T) ~((T) ~x >> s) : (T)(x >> s);               \
    }

RIGHT_SHIFT_FN(shift_s8, int8_t, 8)
RIGHT_SHIFT_FN(shift_s16, int16_t, 16)
RIGHT_SHIFT_FN(shift_s32, int32_t, 32)
/* unsigned: y < 0 is never true */
#define RIGHT_SHIFT_U(NAME, T, BITS) \
    static T NAME(T x, T y) { return (T)(x >> (y > (BITS) - 1 ? (BITS) - 1 : (int)y)); }
RIGHT_SHIFT_U(shift_u8, uint8_t, 8)
RIGHT_SHIFT_U(shift_u16, uint16_t, 16)
RIGHT_SHIFT_U(shift_u32, uint32_t, 32)

TL_BROADCAST_EVAL(tl_right_shift_eval_s8, right_shift_data, int8_t, shift_s8(a[oa], b[ob]))
TL_BROADCAST_EVAL(tl_right_shift_eval_s16, right_shift_data, int16_t, shift_s16(a[oa], b[ob]))
TL_BROADCAST_EVAL(tl_right_shift_eval_s32, right_shift_data, int32_t, shift_s32(a[oa], b[ob]))
TL_BROADCAST_EVAL(tl_right_shift_eval_u8, right_shift_data, uint8_t, shift_u8(a[oa], b[ob]))
TL_BROADCAST_EVAL(tl_right_shift_eval_u16, right_shift_data, uint16_t, shift_u16(a[oa], b[ob]))
TL_BROADCAST_EVAL(tl_right_shift_eval_u32, right_shift_data, uint32_t, shift_u32(a[oa], b[ob]))

tl_status tl_right_shift_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *a = tl_node_input(it, node, 0), *b = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    right_shift_data *d;
    if (!a || !b || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 2 inputs and 1 output");
    if (a->type != b->type || a->type != out->type)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "inputs and output types differ");
    switch (a->type) {
    case TL_TYPE_INT8: node->eval = tl_right_shift_eval_s8; break;
    case TL_TYPE_INT16: node->eval = tl_right_shift_eval_s16; break;
    case TL_TYPE_INT32: node->eval = tl_right_shift_eval_s32; break;
    case TL_TYPE_UINT8: node->eval = tl_right_shift_eval_u8; break;
    case TL_TYPE_UINT16: node->eval = tl_right_shift_eval_u16; break;
    case TL_TYPE_UINT32: node->eval = tl_right_shift_eval_u32; break;
    default: return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "RIGHT_SHIFT supports int8, int16, int32, uint8, uint16 and uint32");
    }
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (!tl_broadcast_init(&d->bc, a, b, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "shapes do not broadcast");
    return TL_STATUS_OK;
}
