/* StableHLO gather/scatter index helpers (STABLEHLO_GATHER, STABLEHLO_SCATTER): reading the int64 dimension
 * lists of their options, checked, and an index tensor's elements. */
#ifndef TL_STABLEHLO_INDEX_H
#define TL_STABLEHLO_INDEX_H

#include <string.h>

#include "../../src/kernel_api.h"

/* Dimension list option `id` (int64 values, each in [0, bound), distinct) into out[0..*n); error naming `what`. */
tl_status tl_shlo_dims(tl_interpreter *it, tl_node *node, int id, int32_t bound, int64_t *out, int32_t *n,
                       const char *what);
/* Whether dims[0..n) holds d. */
int tl_shlo_has(const int64_t *dims, int32_t n, int64_t d);

/* Element i of an int32 or int64 index tensor (wide: int64). */
static inline int64_t tl_shlo_index_at(const void *data, int wide, int64_t i) {
    if (wide) {
        int64_t v;
        memcpy(&v, (const uint8_t *)data + 8 * i, 8);
        return v;
    } else {
        int32_t v;
        memcpy(&v, (const uint8_t *)data + 4 * i, 4);
        return v;
    }
}

#endif
