/* ARG_MAX (shared kernel in common/arg_min_max.c). */
#include "common/arg_min_max.h"

static tl_status arg_max_prepare(tl_interpreter *it, tl_node *node) {
    return tl_arg_min_max_prepare(it, node, 1);
}

const tl_kernel tl_kernel_arg_max = {56, "ARG_MAX", arg_max_prepare};
