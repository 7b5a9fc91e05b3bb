/* REDUCE_PROD over constant axes with keep_dims (shared kernel in common/reduce.c). */
#include "common/reduce.h"

tl_status tl_reduce_prod_prepare(tl_interpreter *it, tl_node *node) {
    return tl_reduce_prepare(it, node, TL_REDUCE_PROD);
}
