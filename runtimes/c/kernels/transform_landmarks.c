/* TransformLandmarks (MediaPipe's CUSTOM op, float32): landmarks times a 4x4 row-major matrix (input
 * 1, 16 floats), each point p = (x, y) becoming (m0*x + m1*y + m2*0 + m3*s*1, m4*x + m5*y + m6*0 +
 * m7*s*1), summed left to right in float as the reference's dot product; z (3-D landmarks) is
 * copied. Two forms, told apart by the input's rank as MediaPipe's versions are: 4-D [1,H,W,C]
 * (version 1: FlexBuffer options {dimensions: 2 or 3, scale s != 0}, C a multiple of dimensions)
 * and 3-D [1,N,D] (version 2: D = dimensions = 2 or 3, s = 1). Only batch 1 is defined (the
 * reference reads and writes batch 0 only), so larger batches are refused. Output: the input's
 * shape. */
#include "../src/kernel_api.h"

typedef struct {
    int32_t dims;
    float scale;
} landmarks_data;

static tl_status tl_transform_landmarks_eval_f32(tl_interpreter *it, tl_node *node) {
    const landmarks_data *d = node->op_data;
    const tl_tensor *in = tl_node_input(it, node, 0), *mt = tl_node_input(it, node, 1);
    tl_tensor *out = tl_node_output(it, node, 0);
    const float *p = in->data, *m = mt->data;
    float *y = out->data;
    const float x3 = m[3] * d->scale, y3 = m[7] * d->scale, zero = 0.0f, one = 1.0f;
    const int32_t c = in->dims[in->ndim - 1];
    const int64_t pixels = tl_tensor_numel(in) / c;
    int64_t px;
    int32_t k;
    for (px = 0; px < pixels; px++)
        for (k = 0; k + d->dims <= c; k += d->dims) {
            const float *l = p + px * c + k;
            float *o = y + px * c + k;
            o[0] = m[0] * l[0] + m[1] * l[1] + m[2] * zero + x3 * one;
            o[1] = m[4] * l[0] + m[5] * l[1] + m[6] * zero + y3 * one;
            if (d->dims == 3) o[2] = l[2];
        }
    return TL_STATUS_OK;
}

tl_status tl_transform_landmarks_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *mt = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    landmarks_data *d;
    if (tl_node_num_inputs(node) != 2 || tl_node_num_outputs(node) != 1 || !in || !mt || !out)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs landmarks, a matrix and an output");
    if (in->type != TL_TYPE_FLOAT32 || mt->type != TL_TYPE_FLOAT32 || out->type != TL_TYPE_FLOAT32)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "float32 only, as MediaPipe's kernel");
    if ((in->ndim != 3 && in->ndim != 4) || in->dims[0] != 1 || tl_tensor_numel(mt) != 16)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "landmarks [1,H,W,C] or [1,N,D] (batch 1) and a 4x4 matrix");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (in->ndim == 3) {
        d->dims = in->dims[2];
        d->scale = 1.0f;
    } else {
        tl_flex_map opts;
        if (tl_node_flex_options(it, node, &opts) != TL_STATUS_OK) return TL_STATUS_MODEL_INVALID;
        if (tl_flex_map_i32(&opts, "dimensions", &d->dims) != TL_STATUS_OK || tl_flex_map_f32(&opts, "scale", &d->scale))
            return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options dimensions and scale");
        if (d->scale == 0.0f) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "scale must not be 0");
    }
    if ((d->dims != 2 && d->dims != 3) || in->dims[in->ndim - 1] % d->dims)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "dimensions must be 2 or 3 and divide the channels");
    if (it->resized ? tl_tensor_set_dims(it, out, in->dims, in->ndim) != TL_STATUS_OK : !tl_same_shape(in, out))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output must have the landmarks' shape");
    node->eval = tl_transform_landmarks_eval_f32;
    return TL_STATUS_OK;
}
