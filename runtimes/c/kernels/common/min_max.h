/* MAXIMUM and MINIMUM share one kernel: elementwise max / min with broadcasting on the raw values
 * (LiteRT's reference compares stored values without requantizing quantized inputs). */
#ifndef TL_MIN_MAX_H
#define TL_MIN_MAX_H

#include "../../src/kernel_api.h"

tl_status tl_min_max_prepare(tl_interpreter *it, tl_node *node, int is_max);

#endif
