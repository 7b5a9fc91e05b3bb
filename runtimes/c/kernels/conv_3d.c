/* CONV_3D: float32 3-D convolution, input [N, D, H, W, Cin], filter [kd, kh, kw, Cin, Cout], optional bias
 * [Cout], output [N, Do, Ho, Wo, Cout] (Conv3DOptions: SAME/VALID padding, strides and dilations per axis,
 * fused activation). As LiteRT's reference kernel, each output sums its in-bounds taps from zero in
 * (depth, height, width, input channel) order, then adds the bias and clamps. */
#include "../src/kernel_api.h"
#include "common/conv3d.h"

enum { IN_INPUT = 0, IN_FILTER = 1, IN_BIAS = 2 };

static tl_status tl_conv_3d_eval_f32(tl_interpreter *it, tl_node *node) {
    const tl_conv3d *g = node->op_data;
    const float *x = tl_node_input(it, node, IN_INPUT)->data, *f = tl_node_input(it, node, IN_FILTER)->data;
    const tl_tensor *bt = tl_node_input(it, node, IN_BIAS);
    const float *bias = bt ? bt->data : NULL;
    float *y = tl_node_output(it, node, 0)->data;
    int32_t b, od, oy, ox, oc, kd, ky, kx, ic;
    for (b = 0; b < g->batches; b++)
        for (od = 0; od < g->out_d; od++)
            for (oy = 0; oy < g->out_h; oy++)
                for (ox = 0; ox < g->out_w; ox++)
                    for (oc = 0; oc < g->out_c; oc++) {
                        int32_t d0 = od * g->d.stride_h - g->d.pad_h, y0 = oy * g->hw.stride_h - g->hw.pad_h;
                        int32_t x0 = ox * g->hw.stride_w - g->hw.pad_w, kd0, kd1, ky0, ky1, kx0, kx1;
                        float total = 0.0f;
                        tl_window_taps(d0, g->d.dil_h, g->kd, g->in_d, &kd0, &kd1);
                        tl_window_taps(y0, g->hw.dil_h, g->kh, g->in_h, &ky0, &ky1);
                        tl_window_taps(x0, g->hw.dil_w, g->kw, g->in_w, &kx0, &kx1);
                        for (kd = kd0; kd < kd1; kd++)
                            for (ky = ky0; ky < ky1; ky++)
                                for (kx = kx0; kx < kx1; kx++) {
                                    size_t px = (((size_t)b * g->in_d + (size_t)(d0 + kd * g->d.dil_h)) * g->in_h +
                                                 (size_t)(y0 + ky * g->hw.dil_h)) * g->in_w + (size_t)(x0 + kx * g->hw.dil_w);
                                    const float *xp = x + px * (size_t)g->in_c;
                                    const float *fp = f + ((((size_t)kd * g->kh + (size_t)ky) * g->kw + (size_t)kx) *
                                                           (size_t)g->in_c) * (size_t)g->out_c + (size_t)oc;
                                    for (ic = 0; ic < g->in_c; ic++) total += xp[ic] * fp[(size_t)ic * (size_t)g->out_c];
                                }
                        total += bias ? bias[oc] : 0.0f;
                        *y++ = total < g->lo ? g->lo : (total > g->hi ? g->hi : total);
                    }
    return TL_STATUS_OK;
}

tl_status tl_conv_3d_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, IN_INPUT), *f = tl_node_input(it, node, IN_FILTER);
    tl_tensor *bias = tl_node_input(it, node, IN_BIAS), *out = tl_node_output(it, node, 0);
    tl_conv3d *g;
    int32_t spatial[3];
    tl_status st;
    if (tl_node_num_inputs(node) < 2 || tl_node_num_inputs(node) > 3 || !in || !f || !out || tl_node_num_outputs(node) != 1)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs input, filter, optional bias and one output");
    if (in->type != TL_TYPE_FLOAT32 || f->type != TL_TYPE_FLOAT32 || out->type != TL_TYPE_FLOAT32 ||
        (bias && bias->type != TL_TYPE_FLOAT32))
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "CONV_3D supports float32 (as LiteRT's reference kernel)");
    if (in->ndim != 5 || f->ndim != 5 || out->ndim != 5)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input, filter and output must be 5-D (NDHWC, DHWIO)");
    if (f->dims[3] != in->dims[4]) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "filter input channels differ from the input's");
    g = tl_alloc_persistent(it, sizeof *g);
    if (!g) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = g;
    g->batches = in->dims[0], g->in_d = in->dims[1], g->in_h = in->dims[2], g->in_w = in->dims[3], g->in_c = in->dims[4];
    g->kd = f->dims[0], g->kh = f->dims[1], g->kw = f->dims[2], g->out_c = f->dims[4];
    spatial[0] = g->in_d, spatial[1] = g->in_h, spatial[2] = g->in_w;
    if ((st = tl_conv3d_options(it, node, g, spatial)) != TL_STATUS_OK) return st;
    g->out_d = g->d.out_h, g->out_h = g->hw.out_h, g->out_w = g->hw.out_w;
    if (bias && (bias->ndim != 1 || bias->dims[0] != g->out_c))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "bias must be [output channels]");
    if (out->dims[0] != g->batches || out->dims[1] != g->out_d || out->dims[2] != g->out_h || out->dims[3] != g->out_w ||
        out->dims[4] != g->out_c)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output shape does not follow from the input, filter and options");
    node->eval = tl_conv_3d_eval_f32;
    return TL_STATUS_OK;
}
