/* MAXIMUM: elementwise, broadcasting, on raw values (shared with the other one in common/min_max.c). */
#include "common/min_max.h"

static tl_status maximum_prepare(tl_interpreter *it, tl_node *node) {
    return tl_min_max_prepare(it, node, 1);
}

/* eval is chosen per type by prepare (node->eval); the table entry's is never reached. */
static tl_status maximum_unreachable(tl_interpreter *it, tl_node *node) {
    return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "not prepared");
}

const tl_kernel tl_kernel_maximum = {55, "MAXIMUM", maximum_prepare, maximum_unreachable};
