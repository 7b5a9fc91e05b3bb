/* RESIZE_BILINEAR (NHWC) as LiteRT's reference kernels. The output size is the output tensor's
 * (a constant size input must agree with it). align_corners and half_pixel_centers (not both).
 * float32: source position (dst [+ 0.5]) * scale [- 0.5] in float, scale = in / out or
 * (in - 1) / (out - 1); y0 = max(floor, 0), y1 = min(ceil, in - 1); the four-term blend written
 * in LiteRT's order. int8 / int16: the same in 10-bit fixed point (scale rounded to 1/1024), an
 * int64 blend rounded half away from zero by 2^20. Quantized values are interpolated as stored
 * (as LiteRT; input and output quantization are not compared). */
#include <math.h>
#include <string.h>

#include "../src/kernel_api.h"

enum { OPT_ALIGN_CORNERS = 2, OPT_HALF_PIXEL = 3 };

typedef struct {
    int32_t batches, in_h, in_w, out_h, out_w, depth;
    uint8_t half;
    float h_scale, w_scale;
    int32_t h_scale_10, w_scale_10;
} bilinear_data;

static void position_f(int32_t v, float scale, int half, int32_t size, float *pos, int32_t *lo, int32_t *hi) {
    float fl;
    *pos = half ? ((float)v + 0.5f) * scale - 0.5f : (float)v * scale;
    fl = floorf(*pos);
    *lo = (int32_t)fl > 0 ? (int32_t)fl : 0;
    *hi = (int32_t)ceilf(*pos) < size - 1 ? (int32_t)ceilf(*pos) : size - 1;
}

static tl_status tl_resize_bilinear_eval_f32(tl_interpreter *it, tl_node *node) {
    const bilinear_data *d = node->op_data;
    const float *x = tl_node_input(it, node, 0)->data;
    float *out = tl_node_output(it, node, 0)->data;
    int32_t b, oy, ox, c;
    for (b = 0; b < d->batches; b++)
        for (oy = 0; oy < d->out_h; oy++) {
            float iy;
            int32_t y0, y1;
            position_f(oy, d->h_scale, d->half, d->in_h, &iy, &y0, &y1);
            for (ox = 0; ox < d->out_w; ox++) {
                float ix;
                int32_t x0, x1;
                const float *p00, *p10, *p01, *p11;
                position_f(ox, d->w_scale, d->half, d->in_w, &ix, &x0, &x1);
                p00 = x + (((int64_t)b * d->in_h + y0) * d->in_w + x0) * d->depth;
                p10 = x + (((int64_t)b * d->in_h + y1) * d->in_w + x0) * d->depth;
                p01 = x + (((int64_t)b * d->in_h + y0) * d->in_w + x1) * d->depth;
                p11 = x + (((int64_t)b * d->in_h + y1) * d->in_w + x1) * d->depth;
                for (c = 0; c < d->depth; c++)
                    *out++ = p00[c] * (1 - (iy - (float)y0)) * (1 - (ix - (float)x0)) +
                             p10[c] * (iy - (float)y0) * (1 - (ix - (float)x0)) +
                             p01[c] * (1 - (iy - (float)y0)) * (ix - (float)x0) +
                             p11[c] * (iy - (float)y0) * (ix - (float)x0) + 0.0f;
            }
        }
    return TL_STATUS_OK;
}

static void position_q(int32_t v, int32_t scale_10, int half, int32_t size, int32_t *pos, int32_t *lo, int32_t *hi) {
    *pos = half ? v * scale_10 + scale_10 / 2 - (1 << 9) : v * scale_10;
    *lo = *pos / (1 << 10) > 0 ? *pos / (1 << 10) : 0;
    *hi = (*pos + (1 << 10) - 1) / (1 << 10) < size - 1 ? (*pos + (1 << 10) - 1) / (1 << 10) : size - 1;
}

#define BILINEAR_INT_EVAL(NAME, T)                                                                           \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {                                               \
        const bilinear_data *d = node->op_data;                                                              \
        const T *x = tl_node_input(it, node, 0)->data;                                                       \
        T *out = tl_node_output(it, node, 0)->data;                                                          \
        int32_t b, oy, ox, c;                                                                                \
        for (b = 0; b < d->batches; b++)                                                                     \
            for (oy = 0; oy < d->out_h; oy++) {                                                              \
                int32_t iy, y0, y1;                                                                          \
                position_q(oy, d->h_scale_10, d->half, d->in_h, &iy, &y0, &y1);                              \
                for (ox = 0; ox < d->out_w; ox++) {                                                          \
                    int32_t ix, x0, x1;                                                                      \
                    int64_t wy1, wy0, wx1, wx0;                                                              \
                    const T *p00, *p10, *p01, *p11;                                                          \
                    position_q(ox, d->w_scale_10, d->half, d->in_w, &ix, &x0, &x1);                          \
                    wy1 = iy - (1 << 10) * y0;                                                               \
                    wy0 = (1 << 10) - wy1;                                                                   \
                    wx1 = ix - (1 << 10) * x0;                                                               \
                    wx0 = (1 << 10) - wx1;                                                                   \
                    p00 = x + (((int64_t)b * d->in_h + y0) * d->in_w + x0) * d->depth;                       \
                    p10 = x + (((int64_t)b * d->in_h + y1) * d->in_w + x0) * d->depth;                       \
                    p01 = x + (((int64_t)b * d->in_h + y0) * d->in_w + x1) * d->depth;                       \
                    p11 = x + (((int64_t)b * d->in_h + y1) * d->in_w + x1) * d->depth;                       \
                    for (c = 0; c < d->depth; c++) {                                                         \
                        int64_t v = p00[c] * wy0 * wx0 + p10[c] * wy1 * wx0 + p01[c] * wy0 * wx1 +           \
                                    p11[c] * wy1 * wx1;                                                      \
                        *out++ = (T)((v + (v > 0 ? (1 << 19) : -(1 << 19))) / (1 << 20));                    \
                    }                                                                                        \
                }                                                                                            \
            }                                                                                                \
        return TL_STATUS_OK;                                                                                 \
    }

BILINEAR_INT_EVAL(tl_resize_bilinear_eval_s8, int8_t)
BILINEAR_INT_EVAL(tl_resize_bilinear_eval_s16, int16_t)

tl_status tl_resize_bilinear_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *size = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    bilinear_data *d;
    uint8_t align;
    int32_t i;
    if (!in || !size || !out || in->ndim != 4 || out->ndim != 4 || in->type != out->type ||
        in->dims[0] != out->dims[0] || in->dims[3] != out->dims[3])
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "4-D input and output of one type, batch and channels");
    for (i = 1; i < 3; i++)
        if (in->dims[i] < 1 || out->dims[i] < 1 || in->dims[i] > (1 << 16) || out->dims[i] > (1 << 16))
            return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "height and width must be 1 .. 65536");
    if (size->type != TL_TYPE_INT32 || tl_tensor_numel(size) != 2)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "size must be 2 int32 values");
    if (size->is_constant) {
        int32_t hw[2];
        memcpy(hw, size->data, sizeof hw);
        if (hw[0] != out->dims[1] || hw[1] != out->dims[2])
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "size differs from the output's height and width");
    }
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (tl_fb_u8(&it->fb, node->options, OPT_ALIGN_CORNERS, 0, &align) ||
        tl_fb_u8(&it->fb, node->options, OPT_HALF_PIXEL, 0, &d->half))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (align && d->half) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "align_corners and half_pixel_centers both set");
    d->batches = in->dims[0];
    d->in_h = in->dims[1];
    d->in_w = in->dims[2];
    d->out_h = out->dims[1];
    d->out_w = out->dims[2];
    d->depth = in->dims[3];
    d->h_scale = (float)d->in_h / (float)d->out_h;
    d->w_scale = (float)d->in_w / (float)d->out_w;
    d->h_scale_10 = ((1 << 10) * d->in_h + d->out_h / 2) / d->out_h;
    d->w_scale_10 = ((1 << 10) * d->in_w + d->out_w / 2) / d->out_w;
    if (align && d->out_h > 1) {
        d->h_scale = (float)(d->in_h - 1) / (float)(d->out_h - 1);
        d->h_scale_10 = ((1 << 10) * (d->in_h - 1) + (d->out_h - 1) / 2) / (d->out_h - 1);
    }
    if (align && d->out_w > 1) {
        d->w_scale = (float)(d->in_w - 1) / (float)(d->out_w - 1);
        d->w_scale_10 = ((1 << 10) * (d->in_w - 1) + (d->out_w - 1) / 2) / (d->out_w - 1);
    }
    switch (in->type) {
    case TL_TYPE_FLOAT32: node->eval = tl_resize_bilinear_eval_f32; break;
    case TL_TYPE_INT8: node->eval = tl_resize_bilinear_eval_s8; break;
    case TL_TYPE_INT16: node->eval = tl_resize_bilinear_eval_s16; break;
    default: return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "RESIZE_BILINEAR supports float32, int8 and int16");
    }
    return TL_STATUS_OK;
}
