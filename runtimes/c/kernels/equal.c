/* EQUAL: out = a == b elementwise with broadcasting, bool output; the types and the
 * quantized rescaling are shared by all comparisons (common/comparison.c). */
#include "common/comparison.h"

static tl_status equal_prepare(tl_interpreter *it, tl_node *node) {
    return tl_comparison_prepare(it, node, TL_CMP_EQUAL);
}

const tl_kernel tl_kernel_equal = {71, "EQUAL", equal_prepare};
