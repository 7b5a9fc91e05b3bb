#include "repeat.h"

#include <string.h>

typedef struct {
    int32_t ndim;
    int32_t out_dims[TL_MAX_DIMS], in_dims[TL_MAX_DIMS];
    int64_t in_stride[TL_MAX_DIMS];
    size_t elem;
} repeat_data;

static tl_status tl_repeat_eval(tl_interpreter *it, tl_node *node) {
    const repeat_data *r = node->op_data;
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

tl_status tl_repeat_prepare(tl_interpreter *it, tl_node *node, const tl_tensor *in, const tl_tensor *out) {
    int32_t i, lead = out->ndim - in->ndim;
    int64_t s = 1;
    repeat_data *r = tl_alloc_persistent(it, sizeof *r);
    if (!r) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = r;
    r->ndim = out->ndim;
    r->elem = tl_type_size(out->type);
    for (i = out->ndim - 1; i >= 0; i--) {
        r->out_dims[i] = out->dims[i];
        r->in_dims[i] = i >= lead ? in->dims[i - lead] : 1;
        r->in_stride[i] = s;
        s *= r->in_dims[i];
    }
    node->eval = tl_repeat_eval;
    return TL_STATUS_OK;
}
