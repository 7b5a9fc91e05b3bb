/* RELU6: clamp to [0.0f, 6.0f] (shared kernel in common/relu_x.c; float32, int8, int16). */
#include "common/relu_x.h"

static tl_status relu6_prepare(tl_interpreter *it, tl_node *node) {
    return tl_relu_x_prepare(it, node, 0.0f, 6.0f, 1);
}

const tl_kernel tl_kernel_relu6 = {21, "RELU6", relu6_prepare};
