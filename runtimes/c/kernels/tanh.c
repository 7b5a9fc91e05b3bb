/* TANH. float32: tanhf, as LiteRT's reference kernel. int8 through a table built in float at
 * prepare, as LiteRT's reference (TFLM computes it in fixed point, which can differ by 1 LSB).
 * int16 as LiteRT's reference integer kernel (common/sigmoid16.h). */
#include <math.h>

#include "../src/kernel_api.h"
#include "common/lut_activation.h"
#include "common/sigmoid16.h"
#include "common/unary.h"

static float tanh_f(float x) { return tanhf(x); }

TL_UNARY_EVAL(tl_tanh_eval_f32, void, float, float, tanhf(x[i]))

tl_status tl_tanh_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0);
    if (in && tl_node_output(it, node, 0) && in->type == TL_TYPE_INT16) return tl_sigmoid16_prepare(it, node, 1);
    return tl_lut_activation_prepare(it, node, tanh_f, 0.0f, tl_tanh_eval_f32);
}
