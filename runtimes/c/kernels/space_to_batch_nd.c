/* SPACE_TO_BATCH_ND (4-D NHWC, constant block_shape [bh, bw] and paddings [[t, b], [l, r]]): the
 * padded image cut into bh x bw phases stacked into the batch, as LiteRT's reference: output batch
 * ob reads input batch ob % n at phase (ob / n / bw, ob / n % bw); padding reads as 0, or the
 * output zero point for quantized types. Bytes are copied a pixel's channels at a time. */
#include <string.h>

#include "../src/kernel_api.h"

typedef struct {
    int32_t bh, bw, pad_top, pad_left;
    size_t elem;
    int32_t pad_value; /* 0, or the output zero point */
} s2b_data;

static tl_status tl_space_to_batch_nd_eval(tl_interpreter *it, tl_node *node) {
    const s2b_data *d = node->op_data;
    const tl_tensor *in = tl_node_input(it, node, 0);
    tl_tensor *out = tl_node_output(it, node, 0);
    const uint8_t *x = in->data;
    uint8_t *y = out->data;
    int32_t n = in->dims[0], h = in->dims[1], w = in->dims[2], c = in->dims[3];
    int32_t ob, oy, ox;
    size_t px = (size_t)c * d->elem;
    for (ob = 0; ob < out->dims[0]; ob++) {
        int32_t b = ob % n, phase = ob / n, sy = phase / d->bw, sx = phase % d->bw;
        for (oy = 0; oy < out->dims[1]; oy++)
            for (ox = 0; ox < out->dims[2]; ox++, y += px) {
                int32_t iy = oy * d->bh + sy - d->pad_top, ix = ox * d->bw + sx - d->pad_left;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                    if (d->elem == 1) memset(y, d->pad_value, px);
                    else memset(y, 0, px);
                } else {
                    memcpy(y, x + (((size_t)b * h + iy) * w + ix) * px, px);
                }
            }
    }
    return TL_STATUS_OK;
}

tl_status tl_space_to_batch_nd_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *block = tl_node_input(it, node, 1), *pad = tl_node_input(it, node, 2);
    tl_tensor *out = tl_node_output(it, node, 0);
    s2b_data *d;
    const int32_t *bs, *p;
    if (!in || !block || !pad || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs input, block_shape, paddings, output");
    switch (in->type) {
    case TL_TYPE_FLOAT32: case TL_TYPE_INT8: case TL_TYPE_UINT8: case TL_TYPE_INT16: case TL_TYPE_INT32: case TL_TYPE_INT64:
    case TL_TYPE_BOOL: break;
    default: return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "SPACE_TO_BATCH_ND supports float32, int8, uint8, int16, int32, int64 and bool");
    }
    if (out->type != in->type) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "input and output types differ");
    if (block->type != TL_TYPE_INT32 || tl_tensor_numel(block) != 2 || pad->type != TL_TYPE_INT32 || tl_tensor_numel(pad) != 4)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "block_shape must be int32 [2] and paddings int32 [2, 2]");
    if (!block->is_constant || !pad->is_constant)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "block_shape and paddings must be constants");
    if (in->ndim != 4 || out->ndim != 4) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "only 4-D input");
    bs = block->data;
    p = pad->data;
    if (bs[0] < 1 || bs[1] < 1 || p[0] < 0 || p[1] < 0 || p[2] < 0 || p[3] < 0)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "block_shape must be positive and paddings not negative");
    if ((int64_t)in->dims[1] + p[0] + p[1] != (int64_t)out->dims[1] * bs[0] ||
        (int64_t)in->dims[2] + p[2] + p[3] != (int64_t)out->dims[2] * bs[1] ||
        (int64_t)out->dims[0] != (int64_t)in->dims[0] * bs[0] * bs[1] || out->dims[3] != in->dims[3])
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output shape does not follow from block_shape and paddings");
    if (in->quantized && out->quantized && (in->scale != out->scale || in->zero_point != out->zero_point))
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "input and output quantization differ");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->bh = bs[0];
    d->bw = bs[1];
    d->pad_top = p[0];
    d->pad_left = p[2];
    d->elem = tl_type_size(in->type);
    d->pad_value = (in->type == TL_TYPE_INT8 || in->type == TL_TYPE_UINT8) && out->quantized ? out->zero_point : 0;
    if (d->elem != 1 && in->type != TL_TYPE_FLOAT32 && out->quantized && out->zero_point != 0)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "a non-zero zero point above 8 bits");
    node->eval = tl_space_to_batch_nd_eval;
    return TL_STATUS_OK;
}
