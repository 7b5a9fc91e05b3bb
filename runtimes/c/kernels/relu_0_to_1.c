/* RELU_0_TO_1: clamp to [0.0f, 1.0f] (shared kernel in common/relu_x.c; float32, int8). */
#include "common/relu_x.h"

tl_status tl_relu_0_to_1_prepare(tl_interpreter *it, tl_node *node) {
    return tl_relu_x_prepare(it, node, 0.0f, 1.0f, 0);
}
