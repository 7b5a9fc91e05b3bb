/* Outputs whose shape depends on input values (WHERE's coordinates, UNIQUE's values): planned at an upper
 * bound, the real shape set at invoke (common/value_shaped.c). */
#ifndef TL_VALUE_SHAPED_H
#define TL_VALUE_SHAPED_H

#include "../../src/kernel_api.h"

/* Sets output k to its upper-bound shape for planning and marks the node TL_NODE_VALUE_SHAPED (the nodes
 * reading the output are prepared again at invoke, src/dynamic.c); refused, naming the op, in a called subgraph
 * (its callers copy tensors at their planned shapes). */
tl_status tl_value_shaped_output(tl_interpreter *it, tl_node *node, int32_t k, const int32_t *bound, int32_t ndim);

#endif
