/* MEAN over constant axes with keep_dims (shared kernel in common/reduce.c). */
#include "common/reduce.h"

static tl_status mean_prepare(tl_interpreter *it, tl_node *node) {
    return tl_reduce_prepare(it, node, TL_REDUCE_MEAN);
}

const tl_kernel tl_kernel_mean = {40, "MEAN", mean_prepare};
