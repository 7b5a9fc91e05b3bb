/* Reading a model's small int32 / int64 input tensors (shapes, multiples, axes) in prepare,
 * with memcpy: constant data inside the model has no alignment guarantee. */
#ifndef TL_INT_INPUT_H
#define TL_INT_INPUT_H

#include <string.h>

#include "../../src/kernel_api.h"

/* Element i of an int32 or int64 tensor, widened to int64. */
static inline int64_t tl_int_at(const tl_tensor *t, int64_t i) {
    if (t->type == TL_TYPE_INT64) {
        int64_t v;
        memcpy(&v, (const uint8_t *)t->data + 8 * i, 8);
        return v;
    } else {
        int32_t v;
        memcpy(&v, (const uint8_t *)t->data + 4 * i, 4);
        return v;
    }
}

static inline int tl_is_int_index_type(const tl_tensor *t) {
    return t->type == TL_TYPE_INT32 || t->type == TL_TYPE_INT64;
}

#endif
