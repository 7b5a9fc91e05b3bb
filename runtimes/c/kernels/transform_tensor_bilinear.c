/* TransformTensorBilinear (MediaPipe's CUSTOM op, version 2, float32): samples input 0 [1,H,W,C] at
 * the points a 4x4 row-major matrix (input 1) maps each output pixel (x, y) to, bilinearly, with
 * the reference's align-corners correction (m3 += m0/2 + m1/2 - 1/2, m7 likewise, in double) and
 * its arithmetic: the point (m0*x + m1*y + m2*0 + m3, ...) in float; outside [0, W-1] x [0, H-1]
 * the output is 0; corners past the last row or column read 0; the weights mix float and double
 * exactly as the reference's expressions do. Output [1, OH, OW, C] from the model. Only batch 1 is
 * defined (the reference reads and writes batch 0 only). MediaPipe's version 1 (without the
 * correction, custom code "TransformTensor") is not this kernel. */
#include <math.h>

#include "../src/kernel_api.h"

static float read_at(const float *x, int32_t h, int32_t w, int32_t c, int32_t y, int32_t xx, int32_t ch) {
    return y < 0 || xx < 0 || y >= h || xx >= w ? 0.0f : x[((int64_t)y * w + xx) * c + ch];
}

static tl_status tl_transform_tensor_bilinear_eval_f32(tl_interpreter *it, tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0), *mt = tl_node_input(it, node, 1);
    tl_tensor *out = tl_node_output(it, node, 0);
    const float *x = in->data, *m = mt->data;
    float *o = out->data;
    const int32_t h = in->dims[1], w = in->dims[2], c = in->dims[3], oh = out->dims[1], ow = out->dims[2];
    float tx[4], ty[4];
    int32_t oy, ox, ch, k;
    for (k = 0; k < 4; k++) {
        tx[k] = m[k];
        ty[k] = m[4 + k];
    }
    tx[3] = (float)((double)tx[3] + ((double)tx[0] * 0.5 + (double)tx[1] * 0.5 - 0.5));
    ty[3] = (float)((double)ty[3] + ((double)ty[0] * 0.5 + (double)ty[1] * 0.5 - 0.5));
    for (oy = 0; oy < oh; oy++)
        for (ox = 0; ox < ow; ox++) {
            const float fx = (float)ox, fy = (float)oy, zero = 0.0f, one = 1.0f;
            const float cx = tx[0] * fx + tx[1] * fy + tx[2] * zero + tx[3] * one;
            const float cy = ty[0] * fx + ty[1] * fy + ty[2] * zero + ty[3] * one;
            const int outside = cx < 0.0 || cx > w - 1 || cy < 0.0 || cy > h - 1 || cx != cx || cy != cy;
            float *dst = o + ((int64_t)oy * ow + ox) * c;
            if (outside) {
                for (ch = 0; ch < c; ch++) dst[ch] = 0.0f;
                continue;
            }
            {
                const float flx = floorf(cx), fly = floorf(cy);
                const int32_t x0 = (int32_t)flx, y0 = (int32_t)fly, x1 = (int32_t)(flx + 1), y1 = (int32_t)(fly + 1);
                const float rc = cx - flx, lc = cy - fly;
                for (ch = 0; ch < c; ch++) {
                    const float q11 = read_at(x, h, w, c, y0, x0, ch), q21 = read_at(x, h, w, c, y0, x1, ch);
                    const float q12 = read_at(x, h, w, c, y1, x0, ch), q22 = read_at(x, h, w, c, y1, x1, ch);
                    const float rq21 = rc * q21, rq22 = rc * q22;
                    const float upper = (float)((1.0 - rc) * q11 + (double)rq21);
                    const float lower = (float)((1.0 - rc) * q12 + (double)rq22);
                    const float ll = lc * lower;
                    dst[ch] = (float)((double)ll + (1.0 - lc) * upper);
                }
            }
        }
    return TL_STATUS_OK;
}

tl_status tl_transform_tensor_bilinear_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *mt = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    if (tl_node_num_inputs(node) != 2 || tl_node_num_outputs(node) != 1 || !in || !mt || !out)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs an image, a matrix and an output");
    if (in->type != TL_TYPE_FLOAT32 || mt->type != TL_TYPE_FLOAT32 || out->type != TL_TYPE_FLOAT32)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "float32 only, as MediaPipe's kernel");
    if (in->ndim != 4 || out->ndim != 4 || in->dims[0] != 1 || out->dims[0] != 1 || out->dims[3] != in->dims[3] ||
        tl_tensor_numel(mt) != 16 || in->dims[1] > 65536 || in->dims[2] > 65536)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "image [1,H,W,C], output [1,OH,OW,C] and a 4x4 matrix");
    node->eval = tl_transform_tensor_bilinear_eval_f32;
    return TL_STATUS_OK;
}
