#include "copy.h"

#include <string.h>

tl_status tl_copy_eval(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    if (in->data != out->data) memmove(out->data, in->data, out->bytes);
    return TL_STATUS_OK;
}

tl_status tl_interleave_eval(tl_interpreter *it, tl_node *node) {
    const tl_interleave_data *d = node->op_data;
    const uint8_t *src[TL_MAX_INTERLEAVE];
    uint8_t *y = tl_node_output(it, node, 0)->data;
    int64_t o;
    int32_t k;
    for (k = 0; k < d->n; k++) src[k] = tl_node_input(it, node, k)->data;
    for (o = 0; o < d->outer; o++)
        for (k = 0; k < d->n; k++) {
            memcpy(y, src[k] + o * (int64_t)d->block[k], d->block[k]);
            y += d->block[k];
        }
    return TL_STATUS_OK;
}
