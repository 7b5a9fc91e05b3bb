/* Kernels that only move bytes share these copies. */
#ifndef TL_COPY_H
#define TL_COPY_H

#include <string.h>

#include "../../src/kernel_api.h"

/* Interleaves the inputs along `axis` of `out`: for each outer index, input k contributes
 * its dims[axis:] block. `inner_of(k)` bytes per input come from `block[k]`. */
static inline void tl_interleave(uint8_t *out, int64_t outer, const uint8_t *const *src, const size_t *block, int32_t n) {
    int64_t o;
    int32_t k;
    for (o = 0; o < outer; o++)
        for (k = 0; k < n; k++) {
            memcpy(out, src[k] + o * (int64_t)block[k], block[k]);
            out += block[k];
        }
}

/* Eval of the kernels whose output holds the input's bytes unchanged (RESHAPE, SQUEEZE,
 * EXPAND_DIMS: only the shape differs); a no-op when the planner gave both the same memory. */
tl_status tl_copy_eval(tl_interpreter *it, tl_node *node);

#endif
