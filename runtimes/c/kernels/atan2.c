/* ATAN2: out = atan2(y, x) elementwise, the angle of (x, y) in [-pi, pi]; float32 (atan2f) and
 * float64 (atan2), as LiteRT's reference. Both inputs and the output share one shape: LiteRT does
 * not broadcast this op. */
#include <math.h>

#include "../src/kernel_api.h"

#define ATAN2_EVAL(NAME, T, FN)                                                                   \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {                                    \
        const T *y = tl_node_input(it, node, 0)->data, *x = tl_node_input(it, node, 1)->data;     \
        tl_tensor *out = tl_node_output(it, node, 0);                                             \
        T *o = out->data;                                                                         \
        int64_t i, n = tl_tensor_numel(out);                                                      \
        for (i = 0; i < n; i++) o[i] = FN(y[i], x[i]);                                            \
        return TL_STATUS_OK;                                                                      \
    }

ATAN2_EVAL(tl_atan2_eval_f32, float, atan2f)
ATAN2_EVAL(tl_atan2_eval_f64, double, atan2)

tl_status tl_atan2_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *y = tl_node_input(it, node, 0), *x = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    if (!y || !x || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 2 inputs and 1 output");
    if (y->type != x->type || y->type != out->type)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "inputs and output types differ");
    if (!tl_same_shape(y, x) || !tl_same_shape(y, out))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "inputs and output must have one shape (no broadcasting)");
    switch (y->type) {
    case TL_TYPE_FLOAT32: node->eval = tl_atan2_eval_f32; break;
    case TL_TYPE_FLOAT64: node->eval = tl_atan2_eval_f64; break;
    default: return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "ATAN2 supports float32 and float64 (float16: not implemented)");
    }
    return TL_STATUS_OK;
}
