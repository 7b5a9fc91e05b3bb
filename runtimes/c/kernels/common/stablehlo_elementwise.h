/* STABLEHLO_ADD, STABLEHLO_MULTIPLY, STABLEHLO_MAXIMUM and STABLEHLO_MINIMUM: two inputs and the
 * output of one shape (StableHLO does not broadcast) and one type. */
#ifndef TL_STABLEHLO_ELEMENTWISE_H
#define TL_STABLEHLO_ELEMENTWISE_H

#include "../../src/kernel_api.h"

typedef enum { TL_SHLO_ADD, TL_SHLO_MUL, TL_SHLO_MAX, TL_SHLO_MIN } tl_shlo_op;

tl_status tl_stablehlo_elementwise_prepare(tl_interpreter *it, tl_node *node, tl_shlo_op op);

#endif
