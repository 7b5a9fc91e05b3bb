#include "unary_f32.h"

#include <math.h>

#include "unary.h"

#define UNARY_EVAL(NAME, EXPR) TL_UNARY_EVAL(NAME, void, float, float, EXPR)

UNARY_EVAL(tl_rsqrt_eval_f32, 1.0f / sqrtf(x[i]))
UNARY_EVAL(tl_sqrt_eval_f32, sqrtf(x[i]))
UNARY_EVAL(tl_exp_eval_f32, expf(x[i]))
UNARY_EVAL(tl_log_eval_f32, logf(x[i]))
UNARY_EVAL(tl_neg_eval_f32, -x[i])
UNARY_EVAL(tl_abs_eval_f32, fabsf(x[i]))
UNARY_EVAL(tl_sin_eval_f32, sinf(x[i]))
UNARY_EVAL(tl_cos_eval_f32, cosf(x[i]))
UNARY_EVAL(tl_square_eval_f32, x[i] * x[i])
UNARY_EVAL(tl_floor_eval_f32, floorf(x[i]))

tl_status tl_unary_f32_prepare(tl_interpreter *it, tl_node *node, tl_unary_kind kind, const char *refusal) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    if (!in || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs an input and an output");
    if (in->type != TL_TYPE_FLOAT32 || out->type != TL_TYPE_FLOAT32) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, refusal);
    if (!tl_same_shape(in, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output shapes differ");
    switch (kind) {
    case TL_UNARY_RSQRT: node->eval = tl_rsqrt_eval_f32; break;
    case TL_UNARY_SQRT: node->eval = tl_sqrt_eval_f32; break;
    case TL_UNARY_EXP: node->eval = tl_exp_eval_f32; break;
    case TL_UNARY_LOG: node->eval = tl_log_eval_f32; break;
    case TL_UNARY_NEG: node->eval = tl_neg_eval_f32; break;
    case TL_UNARY_SIN: node->eval = tl_sin_eval_f32; break;
    case TL_UNARY_COS: node->eval = tl_cos_eval_f32; break;
    case TL_UNARY_SQUARE: node->eval = tl_square_eval_f32; break;
    case TL_UNARY_FLOOR: node->eval = tl_floor_eval_f32; break;
    default: node->eval = tl_abs_eval_f32; break;
    }
    return TL_STATUS_OK;
}
