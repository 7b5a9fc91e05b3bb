/* ARG_MIN (shared kernel in common/arg_min_max.c). */
#include "common/arg_min_max.h"

static tl_status arg_min_prepare(tl_interpreter *it, tl_node *node) {
    return tl_arg_min_max_prepare(it, node, 0);
}

const tl_kernel tl_kernel_arg_min = {79, "ARG_MIN", arg_min_prepare};
