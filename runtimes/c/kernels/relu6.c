/* RELU6: clamp to [0.0f, 6.0f] (shared kernel in common/relu_x.c; float32, int8, int16). */
#include "common/relu_x.h"

tl_status tl_relu6_prepare(tl_interpreter *it, tl_node *node) {
    return tl_relu_x_prepare(it, node, 0.0f, 6.0f, 1);
}
