/* MIRROR_PAD: padding by reflection, mode REFLECT (0: the edge element is not repeated, each
 * side at most dim - 1) or SYMMETRIC (1: the edge is repeated, at most dim), LiteRT's limits.
 * Any fixed-size type, bytes copied; paddings as PAD's (constant, common/pad.h). */
#include <string.h>

#include "../src/kernel_api.h"
#include "common/pad.h"

enum { OPT_MODE = 0 };

static tl_status tl_mirror_pad_eval(tl_interpreter *it, tl_node *node);

tl_status tl_mirror_pad_prepare(tl_interpreter *it, tl_node *node) {
    tl_pad_data *d;
    int8_t mode;
    tl_status st;
    if (tl_fb_i8(&it->fb, node->options, OPT_MODE, 0, &mode) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (mode != 0 && mode != 1) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "mode must be REFLECT or SYMMETRIC");
    if ((st = tl_pad_prepare_common(it, node, mode == 0 ? 1 : 0, &d)) != TL_STATUS_OK) return st;
    d->mirror_offset = mode == 0 ? 1 : 0;
    node->eval = tl_mirror_pad_eval;
    return TL_STATUS_OK;
}

static tl_status tl_mirror_pad_eval(tl_interpreter *it, tl_node *node) {
    const tl_pad_data *d = node->op_data;
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    int64_t o, n = tl_tensor_numel(out);
    uint8_t *y = out->data;
    const uint8_t *x = in->data;
    for (o = 0; o < n; o++) {
        int64_t rest = o, src = 0, stride = 1;
        int32_t i;
        for (i = d->ndim - 1; i >= 0; i--) {
            int64_t size = in->dims[i], c = rest % out->dims[i] - d->before[i];
            rest /= out->dims[i];
            if (c < 0) c = -c - 1 + d->mirror_offset;             /* reflected across the first element */
            else if (c >= size) c = 2 * size - 1 - d->mirror_offset - c; /* across the last */
            src += c * stride;
            stride *= size;
        }
        memcpy(y + o * d->elem, x + src * d->elem, d->elem);
    }
    return TL_STATUS_OK;
}
