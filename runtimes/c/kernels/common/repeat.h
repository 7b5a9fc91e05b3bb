/* TILE and BROADCAST_TO copy input elements to a larger output: output coordinate c of dim i
 * reads input coordinate c % in_dim[i], the input's shape right-aligned to the output's rank
 * (leading dims of 1). Bytes are copied unchanged, so any fixed-size type works. */
#ifndef TL_REPEAT_H
#define TL_REPEAT_H

#include "../../src/kernel_api.h"

/* After the caller's shape checks (out->ndim >= in->ndim, every output dim a multiple of the
 * aligned input dim, an output dim of 0 whenever an input dim is 0): the copy plan in new op data,
 * and the eval. */
tl_status tl_repeat_prepare(tl_interpreter *it, tl_node *node, const tl_tensor *in, const tl_tensor *out);

#endif
