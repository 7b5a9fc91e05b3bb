/* ARG_MAX and ARG_MIN: index of the largest (smallest) value along one axis (a constant int32
 * or int64 scalar or 1-element tensor; negative counts from the end), as int32 or int64
 * (output_type, which must match the output tensor). The first of equal values wins. float32
 * compares as LiteRT 2.3: a NaN never replaces the running best and any number replaces a NaN
 * one (all NaN: index 0). Inputs float32, int8, uint8, int16, int32, int64 (quantized ones
 * compare stored values). */
#ifndef TL_ARG_MIN_MAX_H
#define TL_ARG_MIN_MAX_H

#include "../../src/kernel_api.h"

tl_status tl_arg_min_max_prepare(tl_interpreter *it, tl_node *node, int is_max);

#endif
