/* EXP: y = exp(x), float32 (shared kernel in common/unary_f32.c); int8 through the table of expf LiteRT's
 * reference builds at prepare (common/lut_activation.c). */
#include <math.h>

#include "common/lut_activation.h"
#include "common/unary_f32.h"

static float exp_f(float x) { return expf(x); }

tl_status tl_exp_prepare(tl_interpreter *it, tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0);
    if (in && in->type == TL_TYPE_INT8) return tl_lut_activation_prepare(it, node, exp_f, 0.0f, NULL);
    return tl_unary_f32_prepare(it, node, TL_UNARY_EXP, "EXP supports float32 and int8 (int16: not implemented)");
}
