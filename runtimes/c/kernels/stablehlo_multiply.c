/* STABLEHLO_MULTIPLY: elementwise, one shape, no broadcasting (common/stablehlo_elementwise.c). */
#include "../src/kernel_api.h"
#include "common/stablehlo_elementwise.h"

tl_status tl_stablehlo_multiply_prepare(tl_interpreter *it, tl_node *node) {
    return tl_stablehlo_elementwise_prepare(it, node, TL_SHLO_MUL);
}
