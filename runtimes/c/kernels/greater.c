/* GREATER: out = a > b elementwise with broadcasting, bool output; the types and the
 * quantized rescaling are shared by all comparisons (common/comparison.c). */
#include "common/comparison.h"

tl_status tl_greater_prepare(tl_interpreter *it, tl_node *node) {
    return tl_comparison_prepare(it, node, TL_CMP_GREATER);
}
