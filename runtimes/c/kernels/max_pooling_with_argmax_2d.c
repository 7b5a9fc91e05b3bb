/* MaxPoolingWithArgmax2D (MediaPipe's CUSTOM op, float32): MAX_POOL_2D that also gives, per output
 * element, where in its window the maximum was, as a float: ky * filter_width + kx + 0.1 (the first
 * maximum in row-major window order wins; taps outside the input are skipped). The fused activation
 * clamps the maximum, not the index. Output size as TensorFlow's GetWindowedOutputSize (SAME:
 * ceil(in / stride); VALID: (in - filter + stride) / stride), padding as ComputePadding.
 * Options: TfLitePoolParams (common/vision_ops.h). Inputs: [N,H,W,C]; outputs: values, indices. */
#include <float.h>

#include "common/vision_ops.h"

typedef struct {
    int32_t stride_w, stride_h, filter_w, filter_h, pad_w, pad_h;
    float lo, hi;
} argmax_data;

static tl_status tl_max_pooling_with_argmax_2d_eval_f32(tl_interpreter *it, tl_node *node) {
    const argmax_data *d = node->op_data;
    const tl_tensor *in = tl_node_input(it, node, 0);
    tl_tensor *out = tl_node_output(it, node, 0), *idx = tl_node_output(it, node, 1);
    const float *x = in->data;
    float *y = out->data, *ind = idx->data;
    const int32_t n = in->dims[0], h = in->dims[1], w = in->dims[2], c = in->dims[3];
    const int32_t oh = out->dims[1], ow = out->dims[2];
    int32_t b, oy, ox, ch, ky, kx;
    for (b = 0; b < n; b++)
        for (oy = 0; oy < oh; oy++)
            for (ox = 0; ox < ow; ox++)
                for (ch = 0; ch < c; ch++) {
                    const int32_t y0 = oy * d->stride_h - d->pad_h, x0 = ox * d->stride_w - d->pad_w;
                    float best = -FLT_MAX;
                    int32_t by = 0, bx = 0;
                    for (ky = y0 < 0 ? -y0 : 0; ky < d->filter_h && y0 + ky < h; ky++)
                        for (kx = x0 < 0 ? -x0 : 0; kx < d->filter_w && x0 + kx < w; kx++) {
                            float v = x[(((int64_t)b * h + y0 + ky) * w + x0 + kx) * c + ch];
                            if (v > best) {
                                best = v;
                                by = ky;
                                bx = kx;
                            }
                        }
                    {
                        int64_t o = (((int64_t)b * oh + oy) * ow + ox) * c + ch;
                        y[o] = best < d->lo ? d->lo : (best > d->hi ? d->hi : best);
                        ind[o] = (float)(by * d->filter_w + bx) + 0.1f;
                    }
                }
    return TL_STATUS_OK;
}

tl_status tl_max_pooling_with_argmax_2d_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0), *idx = tl_node_output(it, node, 1);
    int32_t p[6], dims[4];
    argmax_data *d;
    if (tl_node_num_inputs(node) != 1 || tl_node_num_outputs(node) != 2 || !in || !out || !idx)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs one input and two outputs");
    if (in->type != TL_TYPE_FLOAT32 || out->type != TL_TYPE_FLOAT32 || idx->type != TL_TYPE_FLOAT32)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "float32 only, as MediaPipe's kernel");
    if (in->ndim != 4) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input must be 4-D");
    if (tl_vision_params(it, node, 6, p) != TL_STATUS_OK) return TL_STATUS_MODEL_INVALID;
    if ((p[0] != TL_VISION_PADDING_SAME && p[0] != TL_VISION_PADDING_VALID) || p[1] < 1 || p[2] < 1 || p[3] < 1 ||
        p[4] < 1 || p[1] > 65536 || p[2] > 65536 || p[3] > 65536 || p[4] > 65536)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "padding, strides or filter size");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->stride_w = p[1];
    d->stride_h = p[2];
    d->filter_w = p[3];
    d->filter_h = p[4];
    if (tl_activation_range_f32((int8_t)(p[5] >= 0 && p[5] <= 3 ? p[5] : 4), &d->lo, &d->hi) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
    dims[0] = in->dims[0];
    dims[1] = p[0] == TL_VISION_PADDING_SAME ? (in->dims[1] + p[2] - 1) / p[2] : (in->dims[1] - p[4] + p[2]) / p[2];
    dims[2] = p[0] == TL_VISION_PADDING_SAME ? (in->dims[2] + p[1] - 1) / p[1] : (in->dims[2] - p[3] + p[1]) / p[1];
    dims[3] = in->dims[3];
    if (dims[1] < 0 || dims[2] < 0) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "filter larger than the input");
    d->pad_h = tl_vision_padding(p[2], in->dims[1], p[4], dims[1]);
    d->pad_w = tl_vision_padding(p[1], in->dims[2], p[3], dims[2]);
    if (tl_vision_output_shape(it, node, out, dims) != TL_STATUS_OK || tl_vision_output_shape(it, node, idx, dims))
        return TL_STATUS_SHAPE_MISMATCH;
    node->eval = tl_max_pooling_with_argmax_2d_eval_f32;
    return TL_STATUS_OK;
}
