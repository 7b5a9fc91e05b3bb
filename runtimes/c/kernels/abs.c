/* ABS: y = |x|, float32 (shared kernel in common/unary_f32.c) and int32 (as LiteRT's std::abs
 * compiles: |INT32_MIN| stays INT32_MIN, written here without overflow). */
#include "common/unary.h"
#include "common/unary_f32.h"

TL_UNARY_EVAL(tl_abs_eval_s32, void, int32_t, int32_t, (x[i] < 0 && x[i] != INT32_MIN) ? -x[i] : x[i])

tl_status tl_abs_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    if (in && out && in->type == TL_TYPE_INT32 && out->type == TL_TYPE_INT32) {
        if (!tl_same_shape(in, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output shapes differ");
        node->eval = tl_abs_eval_s32;
        return TL_STATUS_OK;
    }
    return tl_unary_f32_prepare(it, node, TL_UNARY_ABS, "ABS supports float32 and int32");
}
