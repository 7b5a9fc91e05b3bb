/* REDUCE_MIN over constant axes with keep_dims (shared kernel in common/reduce.c). */
#include "common/reduce.h"

static tl_status reduce_min_prepare(tl_interpreter *it, tl_node *node) {
    return tl_reduce_prepare(it, node, TL_REDUCE_MIN);
}

/* eval is chosen per type by prepare (node->eval); the table entry's is never reached. */
static tl_status reduce_min_unreachable(tl_interpreter *it, tl_node *node) {
    return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "not prepared");
}

const tl_kernel tl_kernel_reduce_min = {89, "REDUCE_MIN", reduce_min_prepare, reduce_min_unreachable};
