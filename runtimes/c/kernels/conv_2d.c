/* CONV_2D, NHWC input, filter [out_c, kh, kw, in_c], bias [out_c].
 * float32: out = act(sum x * w + bias). int8 (per-channel weights, int32 bias): int32
 * accumulation of (x - in_zp) * w, plus bias, requantized per output channel (LiteRT
 * reference ConvPerChannel). Grouped convolution: in_c of the filter divides the input's.
 * Hybrid (float32 input and output, int8 filter with zero point 0, float32 bias), as LiteRT:
 * with one filter scale (or per-channel scales that are all equal) and no groups, each batch is
 * quantized symmetrically (common/hybrid.h) and out = act((float)acc * (row_scale * w_scale) +
 * bias) (EvalHybrid); with differing per-channel scales or groups, asymmetrically, and out =
 * act((float)acc * w_scale[oc] * row_scale + bias), acc summing w * (q - zp) (EvalHybridPerChannel). */
#include "../src/kernel_api.h"
#include "common/hybrid.h"
#include "common/quant_math.h"
#include "common/window.h"

enum { OPT_PADDING = 0, OPT_STRIDE_W = 1, OPT_STRIDE_H = 2, OPT_ACTIVATION = 3, OPT_DIL_W = 4, OPT_DIL_H = 5 };

typedef struct {
    tl_window win;
    int32_t batches, in_h, in_w, in_c, out_c, filter_c;
    float f_lo, f_hi;
    int32_t in_offset, out_offset, q_lo, q_hi;
    int32_t *mult, *shift;
    float *w_scale;      /* hybrid: per output channel */
    uint8_t per_channel; /* hybrid: asymmetric per-channel path */
    tl_scratch *scratch; /* hybrid: row scales [batches], zero points [batches], quantized input */
} conv_data;

static tl_status tl_conv_2d_eval_hybrid(tl_interpreter *it, tl_node *node);

static tl_status conv_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *f = tl_node_input(it, node, 1), *bias = tl_node_input(it, node, 2);
    tl_tensor *out = tl_node_output(it, node, 0);
    const tl_fb *fb = &it->fb;
    conv_data *d;
    int8_t padding, act;
    tl_status st;
    int32_t c;
    if (!in || !f || !out || in->ndim != 4 || f->ndim != 4 || out->ndim != 4)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input, filter and output must be 4-D");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (tl_fb_i8(fb, node->options, OPT_PADDING, 0, &padding) || tl_fb_i8(fb, node->options, OPT_ACTIVATION, 0, &act) ||
        tl_fb_i32(fb, node->options, OPT_STRIDE_W, 1, &d->win.stride_w) ||
        tl_fb_i32(fb, node->options, OPT_STRIDE_H, 1, &d->win.stride_h) ||
        tl_fb_i32(fb, node->options, OPT_DIL_W, 1, &d->win.dil_w) || tl_fb_i32(fb, node->options, OPT_DIL_H, 1, &d->win.dil_h))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    d->batches = in->dims[0];
    d->in_h = in->dims[1];
    d->in_w = in->dims[2];
    d->in_c = in->dims[3];
    d->out_c = f->dims[0];
    d->win.filter_h = f->dims[1];
    d->win.filter_w = f->dims[2];
    d->filter_c = f->dims[3];
    if (!tl_window_init(&d->win, padding, d->in_h, d->in_w))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "padding, stride or dilation");
    if (d->filter_c <= 0 || d->in_c % d->filter_c || d->out_c % (d->in_c / d->filter_c))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "filter channels do not divide input channels");
    if (out->dims[0] != d->batches || out->dims[1] != d->win.out_h || out->dims[2] != d->win.out_w ||
        out->dims[3] != d->out_c)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output shape does not match the convolution");
    if (bias && tl_tensor_numel(bias) != d->out_c) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "bias size");
    if (in->type == TL_TYPE_FLOAT32 && f->type == TL_TYPE_FLOAT32 && out->type == TL_TYPE_FLOAT32) {
        if (bias && bias->type != TL_TYPE_FLOAT32) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "bias type");
        return tl_activation_range_f32(act, &d->f_lo, &d->f_hi) == TL_STATUS_OK
                   ? TL_STATUS_OK : tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
    }
    if (in->type == TL_TYPE_INT8 && f->type == TL_TYPE_INT8 && out->type == TL_TYPE_INT8) {
        if (bias && bias->type != TL_TYPE_INT32) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "int8 needs int32 bias");
        if ((int64_t)d->win.filter_h * d->win.filter_w * d->filter_c * 255 * 255 > INT32_MAX)
            return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "window too large for int32 accumulation");
        st = tl_prepare_channel_multipliers(it, node, in, f, out, d->out_c, &d->mult, &d->shift);
        if (st != TL_STATUS_OK) return st;
        d->in_offset = -in->zero_point;
        d->out_offset = out->zero_point;
        return tl_activation_range_quant(act, out, &d->q_lo, &d->q_hi) == TL_STATUS_OK
                   ? TL_STATUS_OK : tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
    }
    if (in->type == TL_TYPE_INT16 && f->type == TL_TYPE_INT8 && out->type == TL_TYPE_INT16) {
        if (bias && bias->type != TL_TYPE_INT64) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "int16x8 needs int64 bias");
        if (in->zero_point != 0 || out->zero_point != 0)
            return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "int16 activations must have zero point 0");
        st = tl_prepare_channel_multipliers(it, node, in, f, out, d->out_c, &d->mult, &d->shift);
        if (st != TL_STATUS_OK) return st;
        for (c = 0; c < d->out_c; c++)
            if (d->shift[c] < -31 || d->shift[c] > 7)
                return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "int16x8 requantization shift out of range");
        d->in_offset = d->out_offset = 0;
        return tl_activation_range_quant(act, out, &d->q_lo, &d->q_hi) == TL_STATUS_OK
                   ? TL_STATUS_OK : tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
    }
    if (in->type == TL_TYPE_FLOAT32 && f->type == TL_TYPE_INT8 && out->type == TL_TYPE_FLOAT32) {
        if (bias && bias->type != TL_TYPE_FLOAT32) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "hybrid needs float32 bias");
        if ((int64_t)d->win.filter_h * d->win.filter_w * d->filter_c * 255 * 128 > INT32_MAX)
            return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "window too large for int32 accumulation");
        if (tl_tensor_numel(in) <= 0) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "hybrid input is empty");
        if ((st = tl_hybrid_prepare_weights(it, node, f, 0, d->out_c, &d->w_scale)) != TL_STATUS_OK) return st;
        d->per_channel = d->in_c != d->filter_c;
        for (c = 1; c < d->out_c; c++)
            if (d->w_scale[c] != d->w_scale[0]) d->per_channel = 1;
        d->scratch = tl_request_scratch(it, node, (size_t)d->batches * 8 + (size_t)tl_tensor_numel(in));
        if (!d->scratch) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "hybrid scratch");
        node->eval = tl_conv_2d_eval_hybrid;
        return tl_activation_range_f32(act, &d->f_lo, &d->f_hi) == TL_STATUS_OK
                   ? TL_STATUS_OK : tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
    }
    return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "CONV_2D supports float32, int8, int16x8 and hybrid float32 x int8");
}

/* The accumulation loop, shared by both types through a macro over the element types. */
#define CONV_LOOP(IN_T, W_T, ACC_T, INPUT_OFFSET, FINISH)                                                          \
    for (b = 0; b < d->batches; b++)                                                                          \
        for (oy = 0; oy < w->out_h; oy++)                                                                     \
            for (ox = 0; ox < w->out_w; ox++)                                                                 \
                for (oc = 0; oc < d->out_c; oc++) {                                                           \
                    int32_t group = oc / (d->out_c / groups), ky, kx, ic, ky0, ky1, kx0, kx1;                 \
                    int32_t oy0 = oy * w->stride_h - w->pad_h, ox0 = ox * w->stride_w - w->pad_w;             \
                    ACC_T acc = 0;                                                                            \
                    tl_window_taps(oy0, w->dil_h, w->filter_h, d->in_h, &ky0, &ky1);                          \
                    tl_window_taps(ox0, w->dil_w, w->filter_w, d->in_w, &kx0, &kx1);                          \
                    for (ky = ky0; ky < ky1; ky++) {                                                          \
                        int32_t iy = oy0 + ky * w->dil_h;                                                     \
                        for (kx = kx0; kx < kx1; kx++) {                                                      \
                            int32_t ix = ox0 + kx * w->dil_w;                                                 \
                            const IN_T *px;                                                                   \
                            const W_T *pf;                                                                    \
                            px = x + (((int64_t)b * d->in_h + iy) * d->in_w + ix) * d->in_c + group * d->filter_c; \
                            pf = f + (((int64_t)oc * w->filter_h + ky) * w->filter_w + kx) * d->filter_c;     \
                            for (ic = 0; ic < d->filter_c; ic++) acc += (px[ic] + (INPUT_OFFSET)) * pf[ic];  \
                        }                                                                                     \
                    }                                                                                         \
                    FINISH;                                                                                   \
                }

static tl_status tl_conv_2d_eval_f32(tl_interpreter *it, tl_node *node) {
    const conv_data *d = node->op_data;
    const tl_window *w = &d->win;
    const float *x = tl_node_input(it, node, 0)->data, *f = tl_node_input(it, node, 1)->data;
    const tl_tensor *bt = tl_node_input(it, node, 2);
    const float *bias = bt ? bt->data : NULL;
    float *y = tl_node_output(it, node, 0)->data;
    int32_t groups = d->in_c / d->filter_c, b, oy, ox, oc;
    CONV_LOOP(float, float, float, 0.0f, {
        float v = acc + (bias ? bias[oc] : 0.0f);
        y[(((int64_t)b * w->out_h + oy) * w->out_w + ox) * d->out_c + oc] = v < d->f_lo ? d->f_lo : (v > d->f_hi ? d->f_hi : v);
    })
    return TL_STATUS_OK;
}

static tl_status tl_conv_2d_eval_s8(tl_interpreter *it, tl_node *node) {
    const conv_data *d = node->op_data;
    const tl_window *w = &d->win;
    const int8_t *x = tl_node_input(it, node, 0)->data, *f = tl_node_input(it, node, 1)->data;
    const tl_tensor *bt = tl_node_input(it, node, 2);
    const int32_t *bias = bt ? bt->data : NULL;
    int8_t *y = tl_node_output(it, node, 0)->data;
    int32_t groups = d->in_c / d->filter_c, b, oy, ox, oc;
    CONV_LOOP(int8_t, int8_t, int32_t, d->in_offset, {
        int32_t r = tl_multiply_by_quantized_multiplier(tl_add_sat(acc, bias ? bias[oc] : 0), d->mult[oc], d->shift[oc]);
        y[(((int64_t)b * w->out_h + oy) * w->out_w + ox) * d->out_c + oc] =
            (int8_t)tl_clamp_i32(tl_add_sat(r, d->out_offset), d->q_lo, d->q_hi);
    })
    return TL_STATUS_OK;
}

/* int16 activations, int8 weights, int64 bias and accumulator (LiteRT's 16x8 scheme). */
static tl_status tl_conv_2d_eval_s16(tl_interpreter *it, tl_node *node) {
    const conv_data *d = node->op_data;
    const tl_window *w = &d->win;
    const int16_t *x = tl_node_input(it, node, 0)->data;
    const int8_t *f = tl_node_input(it, node, 1)->data;
    const tl_tensor *bt = tl_node_input(it, node, 2);
    const uint8_t *bias = bt ? (const uint8_t *)bt->data : NULL;
    int16_t *y = tl_node_output(it, node, 0)->data;
    int32_t groups = d->in_c / d->filter_c, b, oy, ox, oc;
    CONV_LOOP(int16_t, int8_t, int64_t, 0, {
        int64_t total = tl_add_sat_i64(acc, bias ? tl_load_i64(bias + 8 * oc) : 0);
        int32_t r = tl_multiply_by_quantized_multiplier_64(total, d->mult[oc], d->shift[oc]);
        y[(((int64_t)b * w->out_h + oy) * w->out_w + ox) * d->out_c + oc] = (int16_t)tl_clamp_i32(r, d->q_lo, d->q_hi);
    })
    return TL_STATUS_OK;
}

static tl_status tl_conv_2d_eval_hybrid(tl_interpreter *it, tl_node *node) {
    const conv_data *d = node->op_data;
    const tl_window *w = &d->win;
    const float *xf = tl_node_input(it, node, 0)->data;
    const int8_t *f = tl_node_input(it, node, 1)->data;
    const tl_tensor *bt = tl_node_input(it, node, 2);
    const float *bias = bt ? bt->data : NULL;
    float *y = tl_node_output(it, node, 0)->data;
    float *row_scale = d->scratch->data;
    int32_t *zp = (int32_t *)(row_scale + d->batches);
    int8_t *x = (int8_t *)(zp + d->batches);
    int64_t in_size = (int64_t)d->in_h * d->in_w * d->in_c;
    int32_t groups = d->in_c / d->filter_c, b, oy, ox, oc;
    for (b = 0; b < d->batches; b++) {
        if (d->per_channel) {
            tl_hybrid_quantize_asymmetric(xf + b * in_size, in_size, x + b * in_size, &row_scale[b], &zp[b]);
        } else {
            tl_hybrid_quantize_symmetric(xf + b * in_size, in_size, x + b * in_size, &row_scale[b]);
            row_scale[b] *= d->w_scale[0];
            zp[b] = 0;
        }
    }
    CONV_LOOP(int8_t, int8_t, int32_t, -zp[b], {
        float v = d->per_channel ? (float)acc * d->w_scale[oc] * row_scale[b] : (float)acc * row_scale[b];
        if (bias) v += bias[oc];
        y[(((int64_t)b * w->out_h + oy) * w->out_w + ox) * d->out_c + oc] = v < d->f_lo ? d->f_lo : (v > d->f_hi ? d->f_hi : v);
    })
    return TL_STATUS_OK;
}

static tl_status conv_eval(tl_interpreter *it, tl_node *node) {
    switch (tl_node_output(it, node, 0)->type) {
    case TL_TYPE_FLOAT32: return tl_conv_2d_eval_f32(it, node);
    case TL_TYPE_INT8: return tl_conv_2d_eval_s8(it, node);
    default: return tl_conv_2d_eval_s16(it, node);
    }
}

const tl_kernel tl_kernel_conv_2d = {3, "CONV_2D", conv_prepare, conv_eval};
