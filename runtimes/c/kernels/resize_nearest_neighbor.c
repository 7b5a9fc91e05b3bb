/* RESIZE_NEAREST_NEIGHBOR (NHWC), TFLite's coordinate rule in float arithmetic:
 * src = min(align_corners ? round((dst + o) * scale) : floor((dst + o) * scale), in - 1),
 * o = 0.5 with half-pixel centers (then clamped at 0), scale = in/out or (in-1)/(out-1). */
#include <math.h>
#include <string.h>

#include "../src/kernel_api.h"

enum { OPT_ALIGN_CORNERS = 0, OPT_HALF_PIXEL = 1 };

typedef struct {
    uint8_t align, half;
    size_t pixel; /* bytes per pixel: channels * element size */
} resize_data;

static tl_status tl_resize_nearest_neighbor_eval(tl_interpreter *it, tl_node *node);

tl_status tl_resize_nearest_neighbor_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    resize_data *d;
    if (!in || !out || in->ndim != 4 || out->ndim != 4 || in->type != out->type || tl_type_size(in->type) == 0 ||
        in->dims[0] != out->dims[0] || in->dims[3] != out->dims[3] || in->dims[1] < 1 || in->dims[2] < 1)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "4-D input and output of one type, batch and channels");
    if ((in->type == TL_TYPE_INT8 || in->type == TL_TYPE_INT16) &&
        (in->scale != out->scale || in->zero_point != out->zero_point))
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "input and output quantization differ");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (tl_fb_u8(&it->fb, node->options, OPT_ALIGN_CORNERS, 0, &d->align) ||
        tl_fb_u8(&it->fb, node->options, OPT_HALF_PIXEL, 0, &d->half))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    d->pixel = (size_t)in->dims[3] * tl_type_size(in->type);
    node->eval = tl_resize_nearest_neighbor_eval;
    return TL_STATUS_OK;
}

static int32_t source_index(int32_t dst, int32_t in_size, int32_t out_size, const resize_data *d) {
    float scale = (d->align && out_size > 1) ? (float)(in_size - 1) / (float)(out_size - 1)
                                             : (float)in_size / (float)out_size;
    float pos = ((float)dst + (d->half ? 0.5f : 0.0f)) * scale;
    int32_t src = (int32_t)(d->align ? roundf(pos) : floorf(pos));
    if (src > in_size - 1) src = in_size - 1;
    return src < 0 ? 0 : src;
}

static tl_status tl_resize_nearest_neighbor_eval(tl_interpreter *it, tl_node *node) {
    const resize_data *d = node->op_data;
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    const uint8_t *x = in->data;
    uint8_t *y = out->data;
    int32_t b, oy, ox;
    for (b = 0; b < out->dims[0]; b++)
        for (oy = 0; oy < out->dims[1]; oy++) {
            int32_t iy = source_index(oy, in->dims[1], out->dims[1], d);
            for (ox = 0; ox < out->dims[2]; ox++) {
                int32_t ix = source_index(ox, in->dims[2], out->dims[2], d);
                memcpy(y, x + (((int64_t)b * in->dims[1] + iy) * in->dims[2] + ix) * d->pixel, d->pixel);
                y += d->pixel;
            }
        }
    return TL_STATUS_OK;
}
