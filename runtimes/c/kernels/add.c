/* ADD: out = a + b (broadcasting, fused activation); float32, int8, int16, int32, int64.
 * The arithmetic is shared with SUB in common/add_sub.c. */
#include "common/add_sub.h"

tl_status tl_add_prepare(tl_interpreter *it, tl_node *node) {
    return tl_add_sub_prepare(it, node, 1);
}
