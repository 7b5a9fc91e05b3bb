/* LOG: y = log(x), float32 (shared kernel in common/unary_f32.c). */
#include "common/unary_f32.h"

tl_status tl_log_prepare(tl_interpreter *it, tl_node *node) {
    return tl_unary_f32_prepare(it, node, TL_UNARY_LOG, "LOG supports float32 only");
}
