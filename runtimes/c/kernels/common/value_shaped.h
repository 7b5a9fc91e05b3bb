/* Outputs whose shape depends on input values (WHERE's coordinates, UNIQUE's values): planned at an upper
 * bound, the real shape set at invoke (common/value_shaped.c). */
#ifndef TL_VALUE_SHAPED_H
#define TL_VALUE_SHAPED_H

#include "../../src/kernel_api.h"

/* Sets output k to its upper-bound shape for planning, after checking that no node of the subgraph reads it
 * and that the subgraph is an entry one (its consumers and callers would be planned before invoke, with the
 * bound); error naming the op otherwise. */
tl_status tl_value_shaped_output(tl_interpreter *it, tl_node *node, int32_t k, const int32_t *bound, int32_t ndim);

#endif
