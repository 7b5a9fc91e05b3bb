/* REDUCE_MAX over constant axes with keep_dims (shared kernel in common/reduce.c). */
#include "common/reduce.h"

static tl_status reduce_max_prepare(tl_interpreter *it, tl_node *node) {
    return tl_reduce_prepare(it, node, TL_REDUCE_MAX);
}

const tl_kernel tl_kernel_reduce_max = {82, "REDUCE_MAX", reduce_max_prepare};
