/* NEG: y = -x. float32 (shared kernel in common/unary_f32.c); int8, int16, int32 and int64 negate
 * the stored integers as LiteRT's reference does (quantization parameters are not read: its
 * template negates the raw values), wrapping the type's minimum to itself as its compiled code
 * does, here without signed overflow. */
#include "common/unary.h"
#include "common/unary_f32.h"

TL_UNARY_EVAL(tl_neg_eval_s8, void, int8_t, int8_t, (int8_t)(x[i] == INT8_MIN ? INT8_MIN : -x[i]))
TL_UNARY_EVAL(tl_neg_eval_s16, void, int16_t, int16_t, (int16_t)(x[i] == INT16_MIN ? INT16_MIN : -x[i]))
TL_UNARY_EVAL(tl_neg_eval_s32, void, int32_t, int32_t, x[i] == INT32_MIN ? INT32_MIN : -x[i])
TL_UNARY_EVAL(tl_neg_eval_s64, void, int64_t, int64_t, x[i] == INT64_MIN ? INT64_MIN : -x[i])

tl_status tl_neg_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    if (in && out && in->type == out->type && in->type != TL_TYPE_FLOAT32) {
        if (!tl_same_shape(in, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output shapes differ");
        switch (in->type) {
        case TL_TYPE_INT8: node->eval = tl_neg_eval_s8; return TL_STATUS_OK;
        case TL_TYPE_INT16: node->eval = tl_neg_eval_s16; return TL_STATUS_OK;
        case TL_TYPE_INT32: node->eval = tl_neg_eval_s32; return TL_STATUS_OK;
        case TL_TYPE_INT64: node->eval = tl_neg_eval_s64; return TL_STATUS_OK;
        default: break;
        }
    }
    return tl_unary_f32_prepare(it, node, TL_UNARY_NEG, "NEG supports float32, int8, int16, int32 and int64");
}
