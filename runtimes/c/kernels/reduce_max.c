/* REDUCE_MAX over constant axes with keep_dims (shared kernel in common/reduce.c). */
#include "common/reduce.h"

static tl_status reduce_max_prepare(tl_interpreter *it, tl_node *node) {
    return tl_reduce_prepare(it, node, TL_REDUCE_MAX);
}

/* eval is chosen per type by prepare (node->eval); the table entry's is never reached. */
static tl_status reduce_max_unreachable(tl_interpreter *it, tl_node *node) {
    return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "not prepared");
}

const tl_kernel tl_kernel_reduce_max = {82, "REDUCE_MAX", reduce_max_prepare, reduce_max_unreachable};
