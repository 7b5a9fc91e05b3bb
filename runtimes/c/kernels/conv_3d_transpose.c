/* CONV_3D_TRANSPOSE: float32 transposed 3-D convolution: inputs output_shape (int32[5]), filter
 * [kd, kh, kw, Cout, Cin], input [N, D, H, W, Cin], optional bias [Cout]; output [N, Do, Ho, Wo, Cout]
 * (Conv3DOptions; the padding is the forward convolution's on the output's size). As LiteRT's reference
 * kernel, each input value is scattered over its taps in (input position, input channel, depth, height,
 * width, output channel) order into a zeroed output, then the bias is added and the result clamped.
 * A constant output_shape is checked at prepare, one fed at run time at each invoke. */
#include <string.h>

#include "../src/kernel_api.h"
#include "common/conv3d.h"

enum { IN_SHAPE = 0, IN_FILTER = 1, IN_INPUT = 2, IN_BIAS = 3 };

static tl_status check_shape(tl_interpreter *it, const tl_node *node) {
    const int32_t *s = tl_node_input(it, node, IN_SHAPE)->data;
    const tl_tensor *out = tl_node_output(it, node, 0);
    int i;
    for (i = 0; i < 5; i++)
        if (s[i] != out->dims[i])
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output_shape differs from the planned output shape");
    return TL_STATUS_OK;
}

static tl_status tl_conv_3d_transpose_eval_f32(tl_interpreter *it, tl_node *node) {
    const tl_conv3d *g = node->op_data;
    const tl_tensor *shape = tl_node_input(it, node, IN_SHAPE), *bt = tl_node_input(it, node, IN_BIAS);
    const float *x = tl_node_input(it, node, IN_INPUT)->data, *f = tl_node_input(it, node, IN_FILTER)->data;
    const float *bias = bt ? bt->data : NULL;
    tl_tensor *out = tl_node_output(it, node, 0);
    float *y = out->data;
    size_t n = (size_t)tl_tensor_numel(out), k;
    int32_t b, id, iy, ix, ic, kd, ky, kx, oc;
    tl_status st;
    if (!shape->is_constant && (st = check_shape(it, node)) != TL_STATUS_OK) return st;
    memset(y, 0, n * sizeof(float));
    for (b = 0; b < g->batches; b++)
        for (id = 0; id < g->in_d; id++)
            for (iy = 0; iy < g->in_h; iy++)
                for (ix = 0; ix < g->in_w; ix++)
                    for (ic = 0; ic < g->in_c; ic++) {
                        int32_t d0 = id * g->d.stride_h - g->d.pad_h, y0 = iy * g->hw.stride_h - g->hw.pad_h;
                        int32_t x0 = ix * g->hw.stride_w - g->hw.pad_w, kd0, kd1, ky0, ky1, kx0, kx1;
                        float v = x[((((size_t)b * g->in_d + (size_t)id) * g->in_h + (size_t)iy) * g->in_w + (size_t)ix) *
                                        (size_t)g->in_c + (size_t)ic];
                        tl_window_taps(d0, g->d.dil_h, g->kd, g->out_d, &kd0, &kd1);
                        tl_window_taps(y0, g->hw.dil_h, g->kh, g->out_h, &ky0, &ky1);
                        tl_window_taps(x0, g->hw.dil_w, g->kw, g->out_w, &kx0, &kx1);
                        for (kd = kd0; kd < kd1; kd++)
                            for (ky = ky0; ky < ky1; ky++)
                                for (kx = kx0; kx < kx1; kx++) {
                                    size_t px = (((size_t)b * g->out_d + (size_t)(d0 + kd * g->d.dil_h)) * g->out_h +
                                                 (size_t)(y0 + ky * g->hw.dil_h)) * g->out_w + (size_t)(x0 + kx * g->hw.dil_w);
                                    float *yp = y + px * (size_t)g->out_c;
                                    const float *fp = f + ((((size_t)kd * g->kh + (size_t)ky) * g->kw + (size_t)kx) *
                                                           (size_t)g->out_c) * (size_t)g->in_c + (size_t)ic;
                                    for (oc = 0; oc < g->out_c; oc++) yp[oc] += v * fp[(size_t)oc * (size_t)g->in_c];
                                }
                    }
    for (k = 0; k < n; k++) {
        float v = y[k] + (bias ? bias[k % (size_t)g->out_c] : 0.0f);
        y[k] = v < g->lo ? g->lo : (v > g->hi ? g->hi : v);
    }
    return TL_STATUS_OK;
}

tl_status tl_conv_3d_transpose_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *shape = tl_node_input(it, node, IN_SHAPE), *f = tl_node_input(it, node, IN_FILTER);
    tl_tensor *in = tl_node_input(it, node, IN_INPUT), *bias = tl_node_input(it, node, IN_BIAS);
    tl_tensor *out = tl_node_output(it, node, 0);
    tl_conv3d *g;
    int32_t spatial[3];
    tl_status st;
    if (tl_node_num_inputs(node) < 3 || tl_node_num_inputs(node) > 4 || !shape || !f || !in || !out ||
        tl_node_num_outputs(node) != 1)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs output_shape, filter, input, optional bias and one output");
    if (shape->type != TL_TYPE_INT32 || shape->ndim != 1 || shape->dims[0] != 5)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output_shape must be int32[5]");
    if (in->type != TL_TYPE_FLOAT32 || f->type != TL_TYPE_FLOAT32 || out->type != TL_TYPE_FLOAT32 ||
        (bias && bias->type != TL_TYPE_FLOAT32))
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "CONV_3D_TRANSPOSE supports float32 (as LiteRT's reference kernel)");
    if (in->ndim != 5 || f->ndim != 5 || out->ndim != 5)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input, filter and output must be 5-D (NDHWC, DHWOI)");
    if (f->dims[4] != in->dims[4]) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "filter input channels differ from the input's");
    if (shape->is_constant && (st = check_shape(it, node)) != TL_STATUS_OK) return st;
    g = tl_alloc_persistent(it, sizeof *g);
    if (!g) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = g;
    g->batches = in->dims[0], g->in_d = in->dims[1], g->in_h = in->dims[2], g->in_w = in->dims[3], g->in_c = in->dims[4];
    g->kd = f->dims[0], g->kh = f->dims[1], g->kw = f->dims[2], g->out_c = f->dims[3];
    g->out_d = out->dims[1], g->out_h = out->dims[2], g->out_w = out->dims[3];
    spatial[0] = g->out_d, spatial[1] = g->out_h, spatial[2] = g->out_w;
    if ((st = tl_conv3d_options(it, node, g, spatial)) != TL_STATUS_OK) return st;
    if (out->dims[0] != g->batches || out->dims[4] != g->out_c)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output must be [batch, depth, height, width, filter output channels]");
    if (bias && (bias->ndim != 1 || bias->dims[0] != g->out_c))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "bias must be [output channels]");
    node->eval = tl_conv_3d_transpose_eval_f32;
    return TL_STATUS_OK;
}
