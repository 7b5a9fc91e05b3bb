/* RSQRT: y = 1/sqrt(x), float32 (shared kernel in common/unary_f32.c). */
#include "common/unary_f32.h"

tl_status tl_rsqrt_prepare(tl_interpreter *it, tl_node *node) {
    return tl_unary_f32_prepare(it, node, TL_UNARY_RSQRT, "RSQRT supports float32 only");
}
