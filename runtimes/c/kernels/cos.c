/* COS: y = cosf(x), float32 as LiteRT's reference (shared kernel in common/unary_f32.c). */
#include "common/unary_f32.h"

tl_status tl_cos_prepare(tl_interpreter *it, tl_node *node) {
    return tl_unary_f32_prepare(it, node, TL_UNARY_COS, "COS supports float32 only");
}
