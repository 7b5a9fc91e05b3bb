/* BATCH_TO_SPACE_ND (4-D NHWC, constant block_shape [bh, bw] and crops [[t, b], [l, r]]): the
 * inverse of SPACE_TO_BATCH_ND, as LiteRT's reference: input batch ib holds output batch
 * ib % n_out at phase (ib / n_out / bw, ib / n_out % bw); cropped pixels are dropped. */
#include <string.h>

#include "../src/kernel_api.h"

typedef struct {
    int32_t bh, bw, crop_top, crop_left;
    size_t elem;
} b2s_data;

static tl_status tl_batch_to_space_nd_eval(tl_interpreter *it, tl_node *node) {
    const b2s_data *d = node->op_data;
    const tl_tensor *in = tl_node_input(it, node, 0);
    tl_tensor *out = tl_node_output(it, node, 0);
    const uint8_t *x = in->data;
    uint8_t *y = out->data;
    int32_t on = out->dims[0], oh = out->dims[1], ow = out->dims[2];
    int32_t ib, iy, ix;
    size_t px = (size_t)in->dims[3] * d->elem;
    for (ib = 0; ib < in->dims[0]; ib++) {
        int32_t b = ib % on, phase = ib / on, sy = phase / d->bw, sx = phase % d->bw;
        for (iy = 0; iy < in->dims[1]; iy++) {
            int32_t oy = iy * d->bh + sy - d->crop_top;
            if (oy < 0 || oy >= oh) continue;
            for (ix = 0; ix < in->dims[2]; ix++) {
                int32_t ox = ix * d->bw + sx - d->crop_left;
                if (ox < 0 || ox >= ow) continue;
                memcpy(y + (((size_t)b * oh + oy) * ow + ox) * px, x + (((size_t)ib * in->dims[1] + iy) * in->dims[2] + ix) * px, px);
            }
        }
    }
    return TL_STATUS_OK;
}

tl_status tl_batch_to_space_nd_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *block = tl_node_input(it, node, 1), *crop = tl_node_input(it, node, 2);
    tl_tensor *out = tl_node_output(it, node, 0);
    b2s_data *d;
    const int32_t *bs, *c;
    if (!in || !block || !crop || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs input, block_shape, crops, output");
    switch (in->type) {
    case TL_TYPE_FLOAT32: case TL_TYPE_INT8: case TL_TYPE_UINT8: case TL_TYPE_INT16: case TL_TYPE_INT32: case TL_TYPE_INT64:
    case TL_TYPE_BOOL: break;
    default: return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "BATCH_TO_SPACE_ND supports float32, int8, uint8, int16, int32, int64 and bool");
    }
    if (out->type != in->type) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "input and output types differ");
    if (block->type != TL_TYPE_INT32 || tl_tensor_numel(block) != 2 || crop->type != TL_TYPE_INT32 || tl_tensor_numel(crop) != 4)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "block_shape must be int32 [2] and crops int32 [2, 2]");
    if (!block->is_constant || !crop->is_constant)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "block_shape and crops must be constants");
    if (in->ndim != 4 || out->ndim != 4) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "only 4-D input");
    bs = block->data;
    c = crop->data;
    if (bs[0] < 1 || bs[1] < 1 || c[0] < 0 || c[1] < 0 || c[2] < 0 || c[3] < 0)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "block_shape must be positive and crops not negative");
    if (in->dims[0] % (bs[0] * bs[1]) != 0 || out->dims[0] != in->dims[0] / (bs[0] * bs[1]) ||
        (int64_t)out->dims[1] != (int64_t)in->dims[1] * bs[0] - c[0] - c[1] ||
        (int64_t)out->dims[2] != (int64_t)in->dims[2] * bs[1] - c[2] - c[3] || out->dims[3] != in->dims[3])
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output shape does not follow from block_shape and crops");
    if (in->quantized && out->quantized && (in->scale != out->scale || in->zero_point != out->zero_point))
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "input and output quantization differ");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->bh = bs[0];
    d->bw = bs[1];
    d->crop_top = c[0];
    d->crop_left = c[2];
    d->elem = tl_type_size(in->type);
    node->eval = tl_batch_to_space_nd_eval;
    return TL_STATUS_OK;
}
