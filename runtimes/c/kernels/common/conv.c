#include "conv.h"

#include "hybrid.h"

/* Conv2DOptions and DepthwiseConv2DOptions field ids: the same up to the depth multiplier. */
enum { OPT_PADDING = 0, OPT_STRIDE_W = 1, OPT_STRIDE_H = 2, OPT_DW_MULTIPLIER = 3 };

static tl_status activation_f32(tl_interpreter *it, tl_node *node, int8_t act, tl_conv_data *d) {
    return tl_activation_range_f32(act, &d->f_lo, &d->f_hi) == TL_STATUS_OK
               ? TL_STATUS_OK : tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
}

/* Hybrid types: float32 input and output, int8 filter. */
static int is_hybrid(const tl_tensor *in, const tl_tensor *f, const tl_tensor *o) {
    return in->type == TL_TYPE_FLOAT32 && f->type == TL_TYPE_INT8 && o->type == TL_TYPE_FLOAT32;
}

static tl_status prepare_geometry(tl_interpreter *it, tl_node *node, int depthwise, int8_t *act, tl_conv_data **out) {
    tl_tensor *in = tl_node_input(it, node, 0), *f = tl_node_input(it, node, 1), *bias = tl_node_input(it, node, 2);
    tl_tensor *o = tl_node_output(it, node, 0);
    const tl_fb *fb = &it->fb;
    const int32_t opt_act = depthwise ? 4 : 3, opt_dil_w = opt_act + 1, opt_dil_h = opt_act + 2;
    tl_conv_data *d;
    int8_t padding;
    int32_t unused;
    if (!in || !f || !o || in->ndim != 4 || f->ndim != 4 || o->ndim != 4)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input, filter and output must be 4-D");
    d = tl_alloc_persistent(it, is_hybrid(in, f, o) ? sizeof(tl_conv_hybrid_data) : sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d; /* a tl_conv_hybrid_data starts with its tl_conv_data */
    *out = d;
    if (tl_fb_i8(fb, node->options, OPT_PADDING, 0, &padding) || tl_fb_i8(fb, node->options, opt_act, 0, act) ||
        tl_fb_i32(fb, node->options, OPT_STRIDE_W, 1, &d->win.stride_w) ||
        tl_fb_i32(fb, node->options, OPT_STRIDE_H, 1, &d->win.stride_h) ||
        (depthwise && tl_fb_i32(fb, node->options, OPT_DW_MULTIPLIER, 1, &unused)) ||
        tl_fb_i32(fb, node->options, opt_dil_w, 1, &d->win.dil_w) || tl_fb_i32(fb, node->options, opt_dil_h, 1, &d->win.dil_h))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    d->batches = in->dims[0];
    d->in_h = in->dims[1];
    d->in_w = in->dims[2];
    d->in_c = in->dims[3];
    d->win.filter_h = f->dims[1];
    d->win.filter_w = f->dims[2];
    if (depthwise) { /* filter [1, kh, kw, in_c * depth_mult] */
        d->out_c = f->dims[3];
        d->filter_c = 1;
        if (f->dims[0] != 1 || d->in_c <= 0 || d->out_c % d->in_c)
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "filter channels must be a multiple of input channels");
        d->depth_mult = d->out_c / d->in_c;
    } else { /* filter [out_c, kh, kw, in_c / groups] */
        d->out_c = f->dims[0];
        d->filter_c = f->dims[3];
    }
    if (!tl_window_init(&d->win, padding, d->in_h, d->in_w))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "padding, stride or dilation");
    /* in_c <= 0 would leave no group to divide out_c by */
    if (!depthwise && (d->filter_c <= 0 || d->in_c <= 0 || d->in_c % d->filter_c || d->out_c % (d->in_c / d->filter_c)))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "filter channels do not divide input channels");
    if (o->dims[0] != d->batches || o->dims[1] != d->win.out_h || o->dims[2] != d->win.out_w || o->dims[3] != d->out_c)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output shape does not match the convolution");
    if (bias && tl_tensor_numel(bias) != d->out_c) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "bias size");
    return TL_STATUS_OK;
}

tl_status tl_conv_prepare_f32(tl_interpreter *it, tl_node *node, int32_t bias_input, int8_t act, tl_conv_data *d) {
    const tl_tensor *bias = tl_node_input(it, node, bias_input);
    if (bias && bias->type != TL_TYPE_FLOAT32) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "bias type");
    return activation_f32(it, node, act, d);
}

/* int8: int32 bias, a window small enough for int32 sums of 255 * 255 products. */
static tl_status prepare_s8(tl_interpreter *it, tl_node *node, int8_t act, tl_conv_data *d) {
    const tl_tensor *bias = tl_node_input(it, node, 2);
    if (bias && bias->type != TL_TYPE_INT32) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "int8 needs int32 bias");
    if ((int64_t)d->win.filter_h * d->win.filter_w * d->filter_c * 255 * 255 > INT32_MAX)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "window too large for int32 accumulation");
    return tl_conv_prepare_requant(it, node, 0, 1, act, d);
}

tl_status tl_conv_prepare_requant(tl_interpreter *it, tl_node *node, int32_t in_input, int32_t filter_input, int8_t act,
                                  tl_conv_data *d) {
    const tl_tensor *in = tl_node_input(it, node, in_input), *f = tl_node_input(it, node, filter_input);
    const tl_tensor *out = tl_node_output(it, node, 0);
    int32_t c, lo, hi;
    int8_t *shift;
    tl_status st = tl_prepare_channel_multipliers(it, node, in, f, out, d->out_c, &d->mult, &shift);
    if (st != TL_STATUS_OK) return st;
    if (in->type == TL_TYPE_INT16) /* the 64-bit requantization's range */
        for (c = 0; c < d->out_c; c++)
            if (shift[c] < -31 || shift[c] > 7)
                return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "int16x8 requantization shift out of range");
    /* int8 and int16 zero points (tl_check_quantized bounds them), 0 for int16: all fit int16 */
    d->in_offset = (int16_t)-in->zero_point;
    d->out_offset = (int16_t)out->zero_point;
    if (tl_activation_range_quant(act, out, &lo, &hi) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
    d->q_lo = (int16_t)lo; /* within the output type's range */
    d->q_hi = (int16_t)hi;
    return TL_STATUS_OK;
}

/* Hybrid: float32 bias, a window small enough for int32 sums of 255 * 128 products, a non-empty
 * input, the filter's scales along `quant_dim`, the scratch and the activation's float range. */
static tl_status prepare_hybrid(tl_interpreter *it, tl_node *node, int32_t quant_dim, int8_t act, tl_conv_hybrid_data *h) {
    tl_conv_data *d = &h->conv;
    const tl_tensor *in = tl_node_input(it, node, 0), *f = tl_node_input(it, node, 1), *bias = tl_node_input(it, node, 2);
    tl_status st;
    if (bias && bias->type != TL_TYPE_FLOAT32) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "hybrid needs float32 bias");
    if ((int64_t)d->win.filter_h * d->win.filter_w * d->filter_c * 255 * 128 > INT32_MAX)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "window too large for int32 accumulation");
    if (tl_tensor_numel(in) <= 0) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "hybrid input is empty");
    if ((st = tl_hybrid_prepare_weights(it, node, f, quant_dim, d->out_c, &h->w_scale)) != TL_STATUS_OK) return st;
    h->scratch = tl_hybrid_request_rows(it, node, d->batches, tl_tensor_numel(in) / d->batches);
    if (!h->scratch) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "hybrid scratch");
    return activation_f32(it, node, act, d);
}

tl_status tl_conv_prepare(tl_interpreter *it, tl_node *node, int depthwise, const tl_conv_evals *evals,
                          const char *refusal) {
    const tl_tensor *in, *f, *bias, *out;
    tl_conv_data *d = NULL;
    int8_t act = 0;
    int32_t c;
    tl_status st = prepare_geometry(it, node, depthwise, &act, &d);
    if (st != TL_STATUS_OK) return st;
    in = tl_node_input(it, node, 0);
    f = tl_node_input(it, node, 1);
    bias = tl_node_input(it, node, 2);
    out = tl_node_output(it, node, 0);
    if (evals->f32 && in->type == TL_TYPE_FLOAT32 && f->type == TL_TYPE_FLOAT32 && out->type == TL_TYPE_FLOAT32) {
        node->eval = evals->f32;
        return tl_conv_prepare_f32(it, node, 2, act, d);
    }
    if (evals->s8 && in->type == TL_TYPE_INT8 && f->type == TL_TYPE_INT8 && out->type == TL_TYPE_INT8) {
        node->eval = evals->s8;
        return prepare_s8(it, node, act, d);
    }
    if (evals->s16 && in->type == TL_TYPE_INT16 && f->type == TL_TYPE_INT8 && out->type == TL_TYPE_INT16) {
        if (bias && bias->type != TL_TYPE_INT64) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "int16x8 needs int64 bias");
        if (in->zero_point != 0 || out->zero_point != 0)
            return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "int16 activations must have zero point 0");
        node->eval = evals->s16;
        return tl_conv_prepare_requant(it, node, 0, 1, act, d);
    }
    if (evals->hybrid && is_hybrid(in, f, out)) { /* prepare_geometry allocated a tl_conv_hybrid_data */
        tl_conv_hybrid_data *h = (tl_conv_hybrid_data *)(void *)d;
        node->eval = evals->hybrid;
        if ((st = prepare_hybrid(it, node, depthwise ? 3 : 0, act, h)) != TL_STATUS_OK || depthwise) return st;
        /* CONV_2D: the asymmetric per-channel path for groups or per-channel scales that differ */
        h->per_channel = d->in_c != d->filter_c;
        for (c = 1; c < d->out_c; c++)
            if (h->w_scale[c] != h->w_scale[0]) h->per_channel = 1;
        return TL_STATUS_OK;
    }
    return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, refusal);
}
