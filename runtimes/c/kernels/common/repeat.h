/* TILE and BROADCAST_TO copy input elements to a larger output: output coordinate c of dim i
 * reads input coordinate c % in_dim[i], the input's shape right-aligned to the output's rank
 * (leading dims of 1). Bytes are copied unchanged, so any fixed-size type works. */
#ifndef TL_REPEAT_H
#define TL_REPEAT_H

#include <string.h>

#include "../../src/kernel_api.h"

typedef struct {
    int32_t ndim;
    int32_t out_dims[TL_MAX_DIMS], in_dims[TL_MAX_DIMS];
    int64_t in_stride[TL_MAX_DIMS];
    size_t elem;
} tl_repeat;

/* The caller has checked out->ndim >= in->ndim and that every output dim is a multiple of the
 * aligned input dim (an output dim of 0 whenever an input dim is 0). */
static inline void tl_repeat_init(tl_repeat *r, const tl_tensor *in, const tl_tensor *out) {
    int32_t i, lead = out->ndim - in->ndim;
    int64_t s = 1;
    r->ndim = out->ndim;
    r->elem = tl_type_size(out->type);
    for (i = out->ndim - 1; i >= 0; i--) {
        r->out_dims[i] = out->dims[i];
        r->in_dims[i] = i >= lead ? in->dims[i - lead] : 1;
        r->in_stride[i] = s;
        s *= r->in_dims[i];
    }
}

static inline tl_status tl_repeat_eval(tl_interpreter *it, tl_node *node) {
    const tl_repeat *r = node->op_data;
    const uint8_t *x = tl_node_input(it, node, 0)->data;
    tl_tensor *out = tl_node_output(it, node, 0);
    uint8_t *y = out->data;
    int64_t o, n = tl_tensor_numel(out);
    for (o = 0; o < n; o++) {
        int64_t rest = o, src = 0;
        int32_t i;
        for (i = r->ndim - 1; i >= 0; i--) {
            src += (rest % r->out_dims[i] % r->in_dims[i]) * r->in_stride[i];
            rest /= r->out_dims[i];
        }
        memcpy(y + o * (int64_t)r->elem, x + src * (int64_t)r->elem, r->elem);
    }
    return TL_STATUS_OK;
}

#endif
