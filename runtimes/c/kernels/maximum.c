/* MAXIMUM: elementwise, broadcasting, on raw values (shared with the other one in common/min_max.c). */
#include "common/min_max.h"

tl_status tl_maximum_prepare(tl_interpreter *it, tl_node *node) {
    return tl_min_max_prepare(it, node, 1);
}
