/* Shared by the six comparisons (EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL):
 * one prepare and one eval per input type, the operator kept in op data. */
#ifndef TL_COMPARISON_H
#define TL_COMPARISON_H

#include "../../src/kernel_api.h"

typedef enum {
    TL_CMP_EQUAL, TL_CMP_NOT_EQUAL, TL_CMP_LESS, TL_CMP_LESS_EQUAL, TL_CMP_GREATER, TL_CMP_GREATER_EQUAL
} tl_comparison_op;

/* Validates the node and picks the eval for its input type (node->eval). */
tl_status tl_comparison_prepare(tl_interpreter *it, tl_node *node, tl_comparison_op op);

#endif
