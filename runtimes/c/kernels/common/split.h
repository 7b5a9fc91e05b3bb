/* Shared by SPLIT and SPLIT_V: the input cut along one axis into consecutive pieces, one per
 * output (a byte copy; the kernels check the pieces' sizes against their size rule). */
#ifndef TL_SPLIT_H
#define TL_SPLIT_H

#include "../../src/kernel_api.h"

/* Reads the axis from the constant int32 tensor `axis_t` (negative counts from the end),
 * checks that every output has the input's type and dims except along the axis and that the
 * outputs' sizes along it add up to the input's; stores the axis in *axis and the copy plan in
 * op data, and sets the eval. `input` is the index of the split tensor among the node's inputs. */
tl_status tl_split_prepare_common(tl_interpreter *it, tl_node *node, int32_t input, const tl_tensor *axis_t, int32_t *axis);

#endif
