/* FLOOR_DIV: floor(x / y), NumPy broadcasting, as LiteRT's reference: the quotient of the two
 * values widened to double, floored, converted back (so float32 rounds once, from double). int8,
 * int16 and int32 divide the stored integers (quantization is not read, as LiteRT's template);
 * the conversion back is x86's (an out-of-range int32 becomes INT32_MIN, then narrowed), which is
 * what LiteRT's compiled code gives for INT_MIN / -1. A constant zero divisor is refused at
 * prepare; one fed at run time gives 0 (LiteRT fails the invoke; eval cannot). */
#include <math.h>

#include "../src/kernel_api.h"
#include "common/broadcast.h"
#include "common/quant_math.h"

typedef struct {
    tl_broadcast bc;
} floor_div_data;

static int32_t floor_div_int(int32_t x, int32_t y) {
    return y == 0 ? 0 : tl_to_i32_x86(floor((double)x / (double)y));
}

static float floor_div_f32(float x, float y) { return (float)floor((double)x / (double)y); }

TL_BROADCAST_EVAL(tl_floor_div_eval_f32, floor_div_data, float, floor_div_f32(a[oa], b[ob]))
TL_BROADCAST_EVAL(tl_floor_div_eval_s8, floor_div_data, int8_t, (int8_t)floor_div_int(a[oa], b[ob]))
TL_BROADCAST_EVAL(tl_floor_div_eval_s16, floor_div_data, int16_t, (int16_t)floor_div_int(a[oa], b[ob]))
TL_BROADCAST_EVAL(tl_floor_div_eval_s32, floor_div_data, int32_t, floor_div_int(a[oa], b[ob]))

static int has_constant_zero(const tl_tensor *t) {
    int64_t i, n = tl_tensor_numel(t);
    if (!t->is_constant || t->type == TL_TYPE_FLOAT32) return 0;
    for (i = 0; i < n; i++) {
        int32_t v = t->type == TL_TYPE_INT32 ? ((const int32_t *)t->data)[i]
                  : t->type == TL_TYPE_INT16 ? ((const int16_t *)t->data)[i] : ((const int8_t *)t->data)[i];
        if (v == 0) return 1;
    }
    return 0;
}

tl_status tl_floor_div_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *a = tl_node_input(it, node, 0), *b = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    floor_div_data *d;
    if (!a || !b || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 2 inputs and 1 output");
    if (a->type != b->type || a->type != out->type)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "input and output types differ");
    switch (a->type) {
    case TL_TYPE_FLOAT32: node->eval = tl_floor_div_eval_f32; break;
    case TL_TYPE_INT8: node->eval = tl_floor_div_eval_s8; break;
    case TL_TYPE_INT16: node->eval = tl_floor_div_eval_s16; break;
    case TL_TYPE_INT32: node->eval = tl_floor_div_eval_s32; break;
    default: return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "FLOOR_DIV supports float32, int8, int16 and int32");
    }
    if (has_constant_zero(b)) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "a constant divisor holds 0");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (!tl_broadcast_init(&d->bc, a, b, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "shapes do not broadcast");
    return TL_STATUS_OK;
}
