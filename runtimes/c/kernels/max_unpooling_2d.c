/* MaxUnpooling2D (MediaPipe's CUSTOM op, float32): the inverse of MaxPoolingWithArgmax2D. The output,
 * [N, H * filter_height, W * filter_width, C], starts at zero; each input value goes to the place
 * its index (a float, truncated to int; window position ky * filter_width + kx) names in its
 * window, the window at (y * stride - pad, x * stride - pad) with pad from ComputePadding(stride,
 * output size, filter, input size); places outside the output are skipped (an untrusted index
 * never writes out of bounds), later inputs overwrite earlier ones. Options: TfLitePoolParams. */
#include "common/vision_ops.h"

typedef struct {
    int32_t stride_w, stride_h, filter_w, filter_h, pad_w, pad_h;
} unpool_data;

static tl_status tl_max_unpooling_2d_eval_f32(tl_interpreter *it, tl_node *node) {
    const unpool_data *d = node->op_data;
    const tl_tensor *in = tl_node_input(it, node, 0), *idx = tl_node_input(it, node, 1);
    tl_tensor *out = tl_node_output(it, node, 0);
    const float *x = in->data, *ind = idx->data;
    float *y = out->data;
    const int32_t n = in->dims[0], h = in->dims[1], w = in->dims[2], c = in->dims[3];
    const int32_t oh = out->dims[1], ow = out->dims[2];
    int32_t b, iy, ix, ch;
    memset(y, 0, out->bytes);
    for (b = 0; b < n; b++)
        for (iy = 0; iy < h; iy++)
            for (ix = 0; ix < w; ix++)
                for (ch = 0; ch < c; ch++) {
                    const int64_t i = (((int64_t)b * h + iy) * w + ix) * c + ch;
                    const float f = ind[i];
                    int32_t k;
                    int64_t oy, ox;
                    if (!(f > -2147483648.0f && f < 2147483647.0f)) continue; /* NaN or beyond int: no place */
                    k = (int32_t)f;
                    oy = (int64_t)iy * d->stride_h - d->pad_h + k / d->filter_w;
                    ox = (int64_t)ix * d->stride_w - d->pad_w + k % d->filter_w;
                    if (oy >= 0 && oy < oh && ox >= 0 && ox < ow) y[(((int64_t)b * oh + oy) * ow + ox) * c + ch] = x[i];
                }
    return TL_STATUS_OK;
}

tl_status tl_max_unpooling_2d_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *idx = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    int32_t p[6], dims[4];
    int64_t oh, ow;
    unpool_data *d;
    if (tl_node_num_inputs(node) != 2 || tl_node_num_outputs(node) != 1 || !in || !idx || !out)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs values, indices and an output");
    if (in->type != TL_TYPE_FLOAT32 || idx->type != TL_TYPE_FLOAT32 || out->type != TL_TYPE_FLOAT32)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "float32 only, as MediaPipe's kernel");
    if (in->ndim != 4 || !tl_same_shape(in, idx))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "values and indices must be 4-D of one shape");
    if (tl_vision_params(it, node, 6, p) != TL_STATUS_OK) return TL_STATUS_MODEL_INVALID;
    if (p[1] < 1 || p[2] < 1 || p[3] < 1 || p[4] < 1 || p[1] > 65536 || p[2] > 65536 || p[3] > 65536 || p[4] > 65536)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "strides or filter size");
    oh = (int64_t)in->dims[1] * p[4];
    ow = (int64_t)in->dims[2] * p[3];
    if (oh > 0x7fffffff || ow > 0x7fffffff) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output too large");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->stride_w = p[1];
    d->stride_h = p[2];
    d->filter_w = p[3];
    d->filter_h = p[4];
    d->pad_h = tl_vision_padding(p[2], (int32_t)oh, p[4], in->dims[1]);
    d->pad_w = tl_vision_padding(p[1], (int32_t)ow, p[3], in->dims[2]);
    dims[0] = in->dims[0];
    dims[1] = (int32_t)oh;
    dims[2] = (int32_t)ow;
    dims[3] = in->dims[3];
    if (tl_vision_output_shape(it, node, out, dims) != TL_STATUS_OK) return TL_STATUS_SHAPE_MISMATCH;
    node->eval = tl_max_unpooling_2d_eval_f32;
    return TL_STATUS_OK;
}
