#include "conv3d.h"

enum {
    OPT_PADDING = 0, OPT_STRIDE_D = 1, OPT_STRIDE_W = 2, OPT_STRIDE_H = 3, OPT_ACTIVATION = 4, OPT_DILATION_D = 5,
    OPT_DILATION_W = 6, OPT_DILATION_H = 7
};

tl_status tl_conv3d_options(tl_interpreter *it, const tl_node *node, tl_conv3d *g, const int32_t in[3]) {
    int8_t padding = 0, act = 0;
    const tl_fb *fb = &it->fb;
    if (tl_fb_i8(fb, node->options, OPT_PADDING, 0, &padding) || tl_fb_i8(fb, node->options, OPT_ACTIVATION, 0, &act) ||
        tl_fb_i32(fb, node->options, OPT_STRIDE_D, 1, &g->d.stride_h) ||
        tl_fb_i32(fb, node->options, OPT_STRIDE_H, 1, &g->hw.stride_h) ||
        tl_fb_i32(fb, node->options, OPT_STRIDE_W, 1, &g->hw.stride_w) ||
        tl_fb_i32(fb, node->options, OPT_DILATION_D, 1, &g->d.dil_h) ||
        tl_fb_i32(fb, node->options, OPT_DILATION_H, 1, &g->hw.dil_h) ||
        tl_fb_i32(fb, node->options, OPT_DILATION_W, 1, &g->hw.dil_w))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (tl_activation_range_f32(act, &g->lo, &g->hi) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
    g->d.stride_w = g->d.dil_w = g->d.filter_w = 1;
    g->d.filter_h = g->kd;
    g->hw.filter_h = g->kh;
    g->hw.filter_w = g->kw;
    if (!tl_window_init(&g->d, padding, in[0], 1) || !tl_window_init(&g->hw, padding, in[1], in[2]))
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "padding, strides, dilations or sizes out of range");
    return TL_STATUS_OK;
}
