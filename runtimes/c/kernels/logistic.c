/* LOGISTIC (sigmoid). float32 as LiteRT's reference: 1 above 16.619..., exp(x) below -9,
 * 1 / (1 + exp(-x)) between. int8 through a table built in float at prepare, as LiteRT's
 * reference (TFLM computes it in fixed point, which can differ by 1 LSB); the output scale must
 * be 1/256 as TFLite's quantization spec requires. int16 as LiteRT's reference integer kernel
 * (common/sigmoid16.h). */
#include <math.h>

#include "../src/kernel_api.h"
#include "common/lut_activation.h"
#include "common/sigmoid16.h"
#include "common/unary.h"

static float sigmoid(float x) {
    if (x > 16.619047164916992188f) return 1.0f;
    if (x < -9.0f) return expf(x);
    return 1.0f / (1.0f + expf(-x));
}

TL_UNARY_EVAL(tl_logistic_eval_f32, void, float, float, sigmoid(x[i]))

tl_status tl_logistic_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0);
    if (in && tl_node_output(it, node, 0) && in->type == TL_TYPE_INT16) return tl_sigmoid16_prepare(it, node, 0);
    return tl_lut_activation_prepare(it, node, sigmoid, 1.0f / 256, tl_logistic_eval_f32);
}
