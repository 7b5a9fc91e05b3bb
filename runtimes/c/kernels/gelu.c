/* GELU: 0.5 x (1 + erf(x / sqrt 2)), computed as 0.5 x erfc(-x / sqrt 2) as LiteRT does, or with
 * the `approximate` option 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))). float32 in float;
 * int8 and uint8 through the 256-entry table LiteRT builds from the same float functions, int16 through
 * LiteRT's 513-entry interpolated one (common/lut_activation.c). LiteRT takes int16 zero points here: the input's
 * moves the table's range, the output's is not added to the result (its range's width is all it uses), and
 * ours does the same. */
#include <math.h>

#include "../src/kernel_api.h"
#include "common/lut_activation.h"
#include "common/unary.h"

enum { OPT_APPROXIMATE = 0 };

static float gelu_exact(float x) {
    return 0.5f * x * erfcf(x * -0.70710678118654752f);
}

static float gelu_tanh(float x) {
    return 0.5f * x * (1.0f + tanhf(0.79788456080286536f * (x + 0.044715f * x * x * x)));
}

TL_UNARY_EVAL(tl_gelu_eval_f32, void, float, float, gelu_exact(x[i]))

TL_UNARY_EVAL(tl_gelu_eval_f32_approximate, void, float, float, gelu_tanh(x[i]))

tl_status tl_gelu_prepare(tl_interpreter *it, tl_node *node) {
    uint8_t approximate;
    if (tl_fb_u8(&it->fb, node->options, OPT_APPROXIMATE, 0, &approximate) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (tl_node_input(it, node, 0) && tl_node_input(it, node, 0)->type == TL_TYPE_INT16)
        return tl_lut16_activation_prepare(it, node, approximate ? gelu_tanh : gelu_exact, 0);
    return approximate ? tl_lut_activation_prepare(it, node, gelu_tanh, 0.0f, tl_gelu_eval_f32_approximate)
                       : tl_lut_activation_prepare(it, node, gelu_exact, 0.0f, tl_gelu_eval_f32);
}
