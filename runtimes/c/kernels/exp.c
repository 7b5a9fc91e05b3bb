/* EXP: y = exp(x), float32 (shared kernel in common/unary_f32.c). */
#include "common/unary_f32.h"

static tl_status exp_prepare(tl_interpreter *it, tl_node *node) {
    return tl_unary_f32_prepare(it, node, TL_UNARY_EXP, "EXP supports float32 only");
}

const tl_kernel tl_kernel_exp = {47, "EXP", exp_prepare};
