/* DEPTH_TO_SPACE (NHWC): [b, h, w, c] -> [b, h * s, w * s, c / s^2]; output pixel (y, x) takes the
 * c / s^2 channels of input pixel (y / s, x / s) starting at ((y % s) * s + x % s) * c / s^2, as
 * LiteRT's reference. Bytes only: every type LiteRT runs (float32, int8, uint8, int32, int64). */
#include <string.h>

#include "../src/kernel_api.h"

enum { OPT_BLOCK_SIZE = 0 };

typedef struct {
    int32_t block;
    size_t elem;
} depth_to_space_data;

static tl_status tl_depth_to_space_eval(tl_interpreter *it, tl_node *node) {
    const depth_to_space_data *d = node->op_data;
    const tl_tensor *in = tl_node_input(it, node, 0);
    tl_tensor *out = tl_node_output(it, node, 0);
    const uint8_t *x = in->data;
    uint8_t *y = out->data;
    int32_t b, oy, ox, s = d->block, oh = out->dims[1], ow = out->dims[2];
    size_t run = (size_t)out->dims[3] * d->elem, in_row = (size_t)in->dims[2] * in->dims[3] * d->elem;
    for (b = 0; b < out->dims[0]; b++)
        for (oy = 0; oy < oh; oy++)
            for (ox = 0; ox < ow; ox++) {
                const uint8_t *src = x + ((size_t)b * in->dims[1] + oy / s) * in_row +
                                     (size_t)(ox / s) * in->dims[3] * d->elem + (size_t)((oy % s) * s + ox % s) * run;
                memcpy(y, src, run);
                y += run;
            }
    return TL_STATUS_OK;
}

tl_status tl_depth_to_space_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    depth_to_space_data *d;
    int32_t s;
    if (!in || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 1 input and 1 output");
    if (in->type != out->type) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "input and output types differ");
    switch (in->type) {
    case TL_TYPE_FLOAT32: case TL_TYPE_INT8: case TL_TYPE_UINT8: case TL_TYPE_INT32: case TL_TYPE_INT64: break;
    default: return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "DEPTH_TO_SPACE supports float32, int8, uint8, int32 and int64");
    }
    if (tl_fb_i32(&it->fb, node->options, OPT_BLOCK_SIZE, 0, &s) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (s < 1 || s > 4096) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "block_size must be positive");
    if (in->ndim != 4 || out->ndim != 4 || in->dims[3] % (s * s) != 0 || out->dims[0] != in->dims[0] ||
        out->dims[1] != in->dims[1] * s || out->dims[2] != in->dims[2] * s || out->dims[3] != in->dims[3] / (s * s))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "needs 4-D [b, h, w, c] with c divisible by block_size^2 "
                                                           "and output [b, h * bs, w * bs, c / bs^2]");
    if (in->quantized && out->quantized && (in->scale != out->scale || in->zero_point != out->zero_point))
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "input and output quantization differ");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    d->block = s;
    d->elem = tl_type_size(in->type);
    node->op_data = d;
    node->eval = tl_depth_to_space_eval;
    return TL_STATUS_OK;
}
