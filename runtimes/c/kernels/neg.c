/* NEG: y = -x, float32 (shared kernel in common/unary_f32.c). */
#include "common/unary_f32.h"

static tl_status neg_prepare(tl_interpreter *it, tl_node *node) {
    return tl_unary_f32_prepare(it, node, TL_UNARY_NEG, "NEG supports float32 only");
}

const tl_kernel tl_kernel_neg = {59, "NEG", neg_prepare};
