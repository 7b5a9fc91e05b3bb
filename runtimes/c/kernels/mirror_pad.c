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

/* The input is copied into the output's interior (tl_pad_copy_interior), then each padded dim, the
 * last first, gets its sides from slabs already written: when dim i is done, the dims after it hold
 * their whole output extent, so a slab (one index of dim i) is one contiguous run of the output, and
 * the dims before it only their input positions, which the outer loop walks. */
static tl_status tl_mirror_pad_eval(tl_interpreter *it, tl_node *node) {
    const tl_pad_data *d = node->op_data;
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    uint8_t *y = out->data;
    int64_t out_stride[TL_MAX_DIMS], s = 1;
    int32_t i, j;
    if (tl_tensor_numel(out) == 0) return TL_STATUS_OK;
    tl_pad_copy_interior(d, in, out);
    for (i = d->ndim - 1; i >= 0; i--) {
        out_stride[i] = s;
        s *= out->dims[i];
    }
    for (i = d->ndim - 1; i >= 0; i--) {
        int64_t size = in->dims[i], after = out->dims[i] - size - d->before[i], outer = 1, off = 0, r, p;
        int64_t idx[TL_MAX_DIMS] = {0};
        size_t slab = (size_t)out_stride[i] * d->elem;
        if (d->before[i] == 0 && after == 0) continue;
        for (j = 0; j < i; j++) {
            outer *= in->dims[j];
            off += d->before[j] * out_stride[j];
        }
        for (r = 0; r < outer; r++) {
            uint8_t *base = y + (size_t)off * d->elem; /* index 0 of dim i */
            for (p = 0; p < d->before[i]; p++) {       /* c = p - before < 0, reflected across the first element */
                int64_t c = d->before[i] - p - 1 + d->mirror_offset;
                memcpy(base + (size_t)p * slab, base + (size_t)(d->before[i] + c) * slab, slab);
            }
            for (p = d->before[i] + size; p < out->dims[i]; p++) { /* c >= size, across the last */
                int64_t c = 2 * size - 1 - d->mirror_offset - (p - d->before[i]);
                memcpy(base + (size_t)p * slab, base + (size_t)(d->before[i] + c) * slab, slab);
            }
            for (j = i - 1; j >= 0; j--) { /* the next input position of the dims before i */
                off += out_stride[j];
                if (++idx[j] < in->dims[j]) break;
                off -= out_stride[j] * in->dims[j];
                idx[j] = 0;
            }
        }
    }
    return TL_STATUS_OK;
}
