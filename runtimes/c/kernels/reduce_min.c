/* REDUCE_MIN over constant axes with keep_dims (shared kernel in common/reduce.c). */
#include "common/reduce.h"

static tl_status reduce_min_prepare(tl_interpreter *it, tl_node *node) {
    return tl_reduce_prepare(it, node, TL_REDUCE_MIN);
}

const tl_kernel tl_kernel_reduce_min = {89, "REDUCE_MIN", reduce_min_prepare};
