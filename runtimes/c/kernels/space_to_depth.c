/* SPACE_TO_DEPTH (NHWC): [b, h, w, c] -> [b, h / s, w / s, c * s^2]; output channel
 * (dy * s + dx) * c + k of pixel (y, x) is channel k of input pixel (y * s + dy, x * s + dx), as
 * LiteRT's reference. Bytes only: every type LiteRT runs (float32, int8, uint8, int32, int64). */
#include <string.h>

#include "../src/kernel_api.h"

enum { OPT_BLOCK_SIZE = 0 };

typedef struct {
    int32_t block;
    size_t elem;
} space_to_depth_data;

static tl_status tl_space_to_depth_eval(tl_interpreter *it, tl_node *node) {
    const space_to_depth_data *d = node->op_data;
    const tl_tensor *in = tl_node_input(it, node, 0);
    tl_tensor *out = tl_node_output(it, node, 0);
    const uint8_t *x = in->data;
    uint8_t *y = out->data;
    int32_t b, oy, ox, dy, s = d->block;
    size_t run = (size_t)s * in->dims[3] * d->elem; /* s neighbouring input pixels of one row */
    size_t in_row = (size_t)in->dims[2] * in->dims[3] * d->elem;
    for (b = 0; b < out->dims[0]; b++)
        for (oy = 0; oy < out->dims[1]; oy++)
            for (ox = 0; ox < out->dims[2]; ox++)
                for (dy = 0; dy < s; dy++) {
                    memcpy(y, x + ((size_t)b * in->dims[1] + (size_t)oy * s + dy) * in_row + (size_t)ox * run, run);
                    y += run;
                }
    return TL_STATUS_OK;
}

tl_status tl_space_to_depth_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    space_to_depth_data *d;
    int32_t s;
    if (!in || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 1 input and 1 output");
    if (in->type != out->type) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "input and output types differ");
    switch (in->type) {
    case TL_TYPE_FLOAT32: case TL_TYPE_INT8: case TL_TYPE_UINT8: case TL_TYPE_INT32: case TL_TYPE_INT64: break;
    default: return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "SPACE_TO_DEPTH supports float32, int8, uint8, int32 and int64");
    }
    if (tl_fb_i32(&it->fb, node->options, OPT_BLOCK_SIZE, 0, &s) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (s < 1 || s > 4096) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "block_size must be positive");
    if (in->ndim != 4 || out->ndim != 4 || in->dims[1] % s != 0 || in->dims[2] % s != 0 ||
        out->dims[0] != in->dims[0] || out->dims[1] != in->dims[1] / s || out->dims[2] != in->dims[2] / s ||
        (int64_t)out->dims[3] != (int64_t)in->dims[3] * s * s)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "needs 4-D [b, h, w, c] with h and w divisible by "
                                                           "block_size and output [b, h / bs, w / bs, c * bs^2]");
    if (in->quantized && out->quantized && (in->scale != out->scale || in->zero_point != out->zero_point))
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "input and output quantization differ");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    d->block = s;
    d->elem = tl_type_size(in->type);
    node->op_data = d;
    node->eval = tl_space_to_depth_eval;
    return TL_STATUS_OK;
}
