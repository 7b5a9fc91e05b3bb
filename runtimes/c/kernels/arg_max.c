/* ARG_MAX (shared kernel in common/arg_min_max.c). */
#include "common/arg_min_max.h"

tl_status tl_arg_max_prepare(tl_interpreter *it, tl_node *node) {
    return tl_arg_min_max_prepare(it, node, 1);
}
