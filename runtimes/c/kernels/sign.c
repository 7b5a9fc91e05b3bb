/* SIGN: y = 1 for x > 0, -1 for x < 0, 0 otherwise (both zeros give +0); float32 and float64 keep
 * NaN as it is (LiteRT's sign kernel). int32 too. */
#include "../src/kernel_api.h"
#include "common/unary.h"

#define SIGN_EVAL(NAME, T, KEEP_NAN) \
    TL_UNARY_EVAL(NAME, void, T, T, (KEEP_NAN && x[i] != x[i]) ? x[i] : x[i] > 0 ? 1 : x[i] < 0 ? -1 : 0)

SIGN_EVAL(tl_sign_eval_f32, float, 1)
SIGN_EVAL(tl_sign_eval_f64, double, 1)
SIGN_EVAL(tl_sign_eval_s32, int32_t, 0)

tl_status tl_sign_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    if (!in || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs an input and an output");
    if (in->type != out->type) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "input and output types differ");
    if (!tl_same_shape(in, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output shapes differ");
    switch (in->type) {
    case TL_TYPE_FLOAT32: node->eval = tl_sign_eval_f32; break;
    case TL_TYPE_FLOAT64: node->eval = tl_sign_eval_f64; break;
    case TL_TYPE_INT32: node->eval = tl_sign_eval_s32; break;
    default: return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "SIGN supports float32, float64 and int32");
    }
    return TL_STATUS_OK;
}
