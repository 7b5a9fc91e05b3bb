/* The vision pipelines' CUSTOM operators (MediaPipe's MaxPoolingWithArgmax2D, MaxUnpooling2D,
 * Convolution2DTransposeBias) take TFLite's C parameter structs as their custom_options bytes, not
 * a FlexBuffer: little-endian int32 fields in order. TfLitePoolParams: padding (1 SAME, 2 VALID),
 * stride_width, stride_height, filter_width, filter_height, activation (0 none, 1 RELU,
 * 2 RELU_N1_TO_1, 3 RELU6); TfLiteTransposeConvParams: padding, stride_width, stride_height. */
#ifndef TL_VISION_OPS_H
#define TL_VISION_OPS_H

#include <string.h>

#include "../../src/kernel_api.h"

enum { TL_VISION_PADDING_SAME = 1, TL_VISION_PADDING_VALID = 2 };

/* The first n int32 fields of the node's custom_options (MODEL_INVALID, naming the node, when the
 * bytes are fewer). */
static inline tl_status tl_vision_params(tl_interpreter *it, const tl_node *node, int32_t n, int32_t *out) {
    int32_t k;
    tl_fb_vec v = tl_node_custom_options(it, node);
    if (v.len < 4u * (uint32_t)n)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "custom_options hold fewer bytes than the op's parameters");
    for (k = 0; k < n; k++) memcpy(&out[k], it->fb.buf + v.pos + 4u * (uint32_t)k, 4);
    return TL_STATUS_OK;
}

/* Sets a 4-D output to dims after a resize, else checks the model's shape equals them. */
static inline tl_status tl_vision_output_shape(tl_interpreter *it, const tl_node *node, tl_tensor *out,
                                               const int32_t *dims) {
    if (it->resized) {
        if (tl_tensor_set_dims(it, out, dims, 4) != TL_STATUS_OK)
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output would be too large");
        return TL_STATUS_OK;
    }
    if (out->ndim != 4 || out->dims[0] != dims[0] || out->dims[1] != dims[1] || out->dims[2] != dims[2] ||
        out->dims[3] != dims[3])
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output shape differs from the one the op computes");
    return TL_STATUS_OK;
}

/* TFLite's ComputePadding with dilation 1: half the total padding, never negative. */
static inline int32_t tl_vision_padding(int32_t stride, int32_t in_size, int32_t filter, int32_t out_size) {
    int64_t total = ((int64_t)out_size - 1) * stride + filter - in_size;
    return total > 0 ? (int32_t)(total / 2) : 0;
}

#endif
