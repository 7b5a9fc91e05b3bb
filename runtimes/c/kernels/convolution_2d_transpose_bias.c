/* Convolution2DTransposeBias (MediaPipe's CUSTOM op, float32): TRANSPOSE_CONV with a bias and its
 * output size computed from the input: inputs [N,H,W,Cin], filter [Cout,KH,KW,Cin], bias [Cout];
 * output [N, stride*(H-1) + KH - pad_total_h, stride*(W-1) + KW - pad_total_w, Cout], pad_total
 * SAME: max(0, K - (in - 1) % stride - 1), VALID: 0, the window shifted by pad_total / 2. Each
 * output starts at its bias; every input pixel adds x * w into the outputs its window covers, in
 * input order (y, x, input channel, ky, kx, output channel): the reference's summation order.
 * Options: TfLiteTransposeConvParams (padding, stride_width, stride_height). */
#include "common/vision_ops.h"

typedef struct {
    int32_t stride_w, stride_h, pad_w, pad_h;
} tconv_data;

static tl_status tl_convolution_2d_transpose_bias_eval_f32(tl_interpreter *it, tl_node *node) {
    const tconv_data *d = node->op_data;
    const tl_tensor *in = tl_node_input(it, node, 0), *f = tl_node_input(it, node, 1), *bias = tl_node_input(it, node, 2);
    tl_tensor *out = tl_node_output(it, node, 0);
    const float *x = in->data, *w = f->data, *bv = bias->data;
    float *y = out->data;
    const int32_t n = in->dims[0], h = in->dims[1], wd = in->dims[2], ci = in->dims[3];
    const int32_t co = f->dims[0], kh = f->dims[1], kw = f->dims[2], oh = out->dims[1], ow = out->dims[2];
    int32_t b, iy, ix, ic, ky, kx, oc;
    int64_t i;
    for (b = 0; b < n; b++) {
        float *yb = y + (int64_t)b * oh * ow * co;
        for (i = 0; i < (int64_t)oh * ow; i++)
            for (oc = 0; oc < co; oc++) yb[i * co + oc] = bv[oc];
        for (iy = 0; iy < h; iy++)
            for (ix = 0; ix < wd; ix++)
                for (ic = 0; ic < ci; ic++) {
                    const float v = x[(((int64_t)b * h + iy) * wd + ix) * ci + ic];
                    const int32_t y0 = iy * d->stride_h - d->pad_h, x0 = ix * d->stride_w - d->pad_w;
                    for (ky = 0; ky < kh; ky++)
                        for (kx = 0; kx < kw; kx++) {
                            const int32_t oy = y0 + ky, ox = x0 + kx;
                            if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) continue;
                            for (oc = 0; oc < co; oc++)
                                yb[((int64_t)oy * ow + ox) * co + oc] += v * w[(((int64_t)oc * kh + ky) * kw + kx) * ci + ic];
                        }
                }
    }
    return TL_STATUS_OK;
}

tl_status tl_convolution_2d_transpose_bias_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *f = tl_node_input(it, node, 1), *bias = tl_node_input(it, node, 2);
    tl_tensor *out = tl_node_output(it, node, 0);
    int32_t p[3], dims[4], pad_h = 0, pad_w = 0;
    int64_t oh, ow;
    tconv_data *d;
    if (tl_node_num_inputs(node) != 3 || tl_node_num_outputs(node) != 1 || !in || !f || !bias || !out)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs input, filter, bias and an output");
    if (in->type != TL_TYPE_FLOAT32 || f->type != TL_TYPE_FLOAT32 || bias->type != TL_TYPE_FLOAT32 ||
        out->type != TL_TYPE_FLOAT32)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "float32 only, as MediaPipe's kernel");
    if (in->ndim != 4 || f->ndim != 4 || bias->ndim != 1 || f->dims[3] != in->dims[3] || bias->dims[0] != f->dims[0] ||
        f->dims[1] < 1 || f->dims[2] < 1)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input [N,H,W,C], filter [O,KH,KW,C] and bias [O]");
    if (tl_vision_params(it, node, 3, p) != TL_STATUS_OK) return TL_STATUS_MODEL_INVALID;
    if ((p[0] != TL_VISION_PADDING_SAME && p[0] != TL_VISION_PADDING_VALID) || p[1] < 1 || p[2] < 1 || p[1] > 65536 ||
        p[2] > 65536 || in->dims[1] < 1 || in->dims[2] < 1)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "padding or strides");
    if (p[0] == TL_VISION_PADDING_SAME) {
        pad_h = f->dims[1] - (in->dims[1] - 1) % p[2] - 1;
        pad_w = f->dims[2] - (in->dims[2] - 1) % p[1] - 1;
        pad_h = pad_h > 0 ? pad_h : 0;
        pad_w = pad_w > 0 ? pad_w : 0;
    }
    oh = (int64_t)p[2] * (in->dims[1] - 1) + f->dims[1] - pad_h;
    ow = (int64_t)p[1] * (in->dims[2] - 1) + f->dims[2] - pad_w;
    if (oh > 65536 || ow > 65536) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output too large");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->stride_w = p[1];
    d->stride_h = p[2];
    d->pad_h = pad_h / 2;
    d->pad_w = pad_w / 2;
    dims[0] = in->dims[0];
    dims[1] = (int32_t)oh;
    dims[2] = (int32_t)ow;
    dims[3] = f->dims[0];
    if (tl_vision_output_shape(it, node, out, dims) != TL_STATUS_OK) return TL_STATUS_SHAPE_MISMATCH;
    node->eval = tl_convolution_2d_transpose_bias_eval_f32;
    return TL_STATUS_OK;
}
