/* MINIMUM: elementwise, broadcasting, on raw values (shared with the other one in common/min_max.c). */
#include "common/min_max.h"

static tl_status minimum_prepare(tl_interpreter *it, tl_node *node) {
    return tl_min_max_prepare(it, node, 0);
}

/* eval is chosen per type by prepare (node->eval); the table entry's is never reached. */
static tl_status minimum_unreachable(tl_interpreter *it, tl_node *node) {
    return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "not prepared");
}

const tl_kernel tl_kernel_minimum = {57, "MINIMUM", minimum_prepare, minimum_unreachable};
