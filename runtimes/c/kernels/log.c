/* LOG: y = log(x), float32 (shared kernel in common/unary_f32.c); int8 through the table of logf LiteRT's
 * reference builds at prepare, int16 through LiteRT's 513-entry interpolated table of it (both in
 * common/lut_activation.c; int16 zero points must be 0, as LiteRT requires). */
#include <math.h>

#include "common/lut_activation.h"
#include "common/unary_f32.h"

static float log_f(float x) { return logf(x); }

tl_status tl_log_prepare(tl_interpreter *it, tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0);
    if (in && in->type == TL_TYPE_INT8) return tl_lut_activation_prepare(it, node, log_f, 0.0f, NULL);
    if (in && in->type == TL_TYPE_INT16) return tl_lut16_activation_prepare(it, node, log_f, 1);
    return tl_unary_f32_prepare(it, node, TL_UNARY_LOG, "LOG supports float32, int8 and int16");
}
