#include "pool.h"

enum { OPT_PADDING = 0, OPT_STRIDE_W = 1, OPT_STRIDE_H = 2, OPT_FILTER_W = 3, OPT_FILTER_H = 4, OPT_ACTIVATION = 5 };

tl_status tl_pool_prepare(tl_interpreter *it, tl_node *node, tl_eval_fn eval_f32, tl_eval_fn eval_s8,
                          tl_eval_fn eval_s16) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    const tl_fb *fb = &it->fb;
    tl_pool_data *d;
    tl_window w = {1, 1, 1, 1, 1, 1, 0, 0, 0, 0};
    int8_t padding, act;
    if (!in || !out || in->ndim != 4 || out->ndim != 4) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "4-D input and output");
    if (in->type != out->type) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "input and output types differ");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (tl_fb_i8(fb, node->options, OPT_PADDING, 0, &padding) || tl_fb_i8(fb, node->options, OPT_ACTIVATION, 0, &act) ||
        tl_fb_i32(fb, node->options, OPT_STRIDE_W, 1, &w.stride_w) || tl_fb_i32(fb, node->options, OPT_STRIDE_H, 1, &w.stride_h) ||
        tl_fb_i32(fb, node->options, OPT_FILTER_W, 1, &w.filter_w) || tl_fb_i32(fb, node->options, OPT_FILTER_H, 1, &w.filter_h))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (!tl_window_init(&w, padding, in->dims[1], in->dims[2]))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "padding, stride or filter size");
    if (out->dims[0] != in->dims[0] || out->dims[1] != w.out_h || out->dims[2] != w.out_w || out->dims[3] != in->dims[3])
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output shape does not match the pool");
    d->stride_h = w.stride_h;
    d->stride_w = w.stride_w;
    d->filter_h = w.filter_h;
    d->filter_w = w.filter_w;
    d->pad_h = w.pad_h;
    d->pad_w = w.pad_w;
    if (in->type == TL_TYPE_FLOAT32) {
        node->eval = eval_f32;
        return tl_activation_range_f32(act, &d->act.f.lo, &d->act.f.hi) == TL_STATUS_OK
                   ? TL_STATUS_OK : tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
    }
    if (in->type == TL_TYPE_INT8 || in->type == TL_TYPE_INT16) {
        node->eval = in->type == TL_TYPE_INT8 ? eval_s8 : eval_s16;
        return tl_activation_range_quant(act, out, &d->act.q.lo, &d->act.q.hi) == TL_STATUS_OK
                   ? TL_STATUS_OK : tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
    }
    return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "pooling supports float32, int8 and int16");
}
