/* TRANSPOSE_CONV: inputs (output_shape int32[4], filter [out_c, kh, kw, in_c], input NHWC,
 * optional bias [out_c]). Each input pixel scatters input * filter into the output window at
 * (in_y * stride - pad, in_x * stride - pad); the padding is the one a CONV_2D from the output
 * size to the input size would use (LiteRT's rule). Computed here as a gather per output
 * element (same sums, no scratch buffer).
 * float32: plus bias, fused activation. int8 (per-channel weights, int32 bias): (x - in_zp) * w in
 * int32, requantized per channel with LiteRT's multiplier + shift. int16x8: int16 activations
 * with zero point 0, int8 weights, int64 bias and accumulation, requantized with the 64-bit
 * multiply; with an int32 bias (LiteRT: quantized_bias_type INT32) the sum is int32 and the
 * 32-bit multiply rounds it, as LiteRT's reference does. */
#include "../src/kernel_api.h"
#include "common/conv.h"
#include "common/quant_math.h"

enum { OPT_PADDING = 0, OPT_STRIDE_W = 1, OPT_STRIDE_H = 2, OPT_ACTIVATION = 3 };
enum { IN_SHAPE = 0, IN_FILTER = 1, IN_DATA = 2, IN_BIAS = 3 };

/* The convolutions' record (conv.win: the CONV_2D from the output to the input) and the output's size. */
typedef struct {
    tl_conv_data conv;
    int32_t out_h, out_w;
} tconv_data;

static tl_status tl_transpose_conv_eval_f32(tl_interpreter *it, tl_node *node);
static tl_status tl_transpose_conv_eval_s8(tl_interpreter *it, tl_node *node);
static tl_status tl_transpose_conv_eval_s16(tl_interpreter *it, tl_node *node);
static tl_status tl_transpose_conv_eval_s16_bias32(tl_interpreter *it, tl_node *node);

static tl_status prepare_quantized(tl_interpreter *it, tl_node *node, tl_conv_data *d, int8_t act) {
    tl_tensor *in = tl_node_input(it, node, IN_DATA), *f = tl_node_input(it, node, IN_FILTER);
    tl_tensor *bias = tl_node_input(it, node, IN_BIAS), *out = tl_node_output(it, node, 0);
    int64_t taps = (int64_t)d->win.filter_h * d->win.filter_w * d->in_c;
    if (f->type != TL_TYPE_INT8) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "quantized filter must be int8");
    if (in->type == TL_TYPE_INT8) {
        if (bias && bias->type != TL_TYPE_INT32) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "int8 needs int32 bias");
        if (taps * 255 * 128 > INT32_MAX)
            return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "window too large for int32 accumulation");
        node->eval = tl_transpose_conv_eval_s8;
    } else {
        if (bias && bias->type != TL_TYPE_INT64 && bias->type != TL_TYPE_INT32)
            return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "int16x8 needs int64 or int32 bias");
        if (in->zero_point != 0 || out->zero_point != 0)
            return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "int16 activations must have zero point 0");
        node->eval = bias && bias->type == TL_TYPE_INT32 ? tl_transpose_conv_eval_s16_bias32 : tl_transpose_conv_eval_s16;
    }
    if (f->zero_point != 0) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "filter zero point must be 0");
    return tl_conv_prepare_requant(it, node, IN_DATA, IN_FILTER, act, d);
}

tl_status tl_transpose_conv_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *shape = tl_node_input(it, node, IN_SHAPE), *f = tl_node_input(it, node, IN_FILTER);
    tl_tensor *in = tl_node_input(it, node, IN_DATA), *bias = tl_node_input(it, node, IN_BIAS);
    tl_tensor *out = tl_node_output(it, node, 0);
    const tl_fb *fb = &it->fb;
    tconv_data *t;
    tl_conv_data *d;
    int8_t padding, act;
    if (!shape || !in || !f || !out || in->ndim != 4 || f->ndim != 4 || out->ndim != 4)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input, filter and output must be 4-D");
    if (shape->type != TL_TYPE_INT32 || tl_tensor_numel(shape) != 4)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output_shape must be int32[4]");
    t = tl_alloc_persistent(it, sizeof *t);
    if (!t) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = t;
    d = &t->conv;
    if (tl_fb_i8(fb, node->options, OPT_PADDING, 0, &padding) || tl_fb_i8(fb, node->options, OPT_ACTIVATION, 0, &act) ||
        tl_fb_i32(fb, node->options, OPT_STRIDE_W, 1, &d->win.stride_w) ||
        tl_fb_i32(fb, node->options, OPT_STRIDE_H, 1, &d->win.stride_h))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    d->batches = in->dims[0];
    d->in_h = in->dims[1];
    d->in_w = in->dims[2];
    d->in_c = in->dims[3];
    t->out_h = out->dims[1];
    t->out_w = out->dims[2];
    d->out_c = out->dims[3];
    d->win.filter_h = f->dims[1];
    d->win.filter_w = f->dims[2];
    d->win.dil_h = d->win.dil_w = 1;
    if (!tl_window_init(&d->win, padding, t->out_h, t->out_w))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "padding or stride");
    if (d->win.out_h != d->in_h || d->win.out_w != d->in_w || out->dims[0] != d->batches || f->dims[0] != d->out_c ||
        f->dims[3] != d->in_c)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input, filter and output shapes do not match the strides");
    if (shape->is_constant) {
        const int32_t *s = shape->data;
        int i;
        for (i = 0; i < 4; i++)
            if (s[i] != out->dims[i]) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output_shape differs from the output");
    }
    if (bias && tl_tensor_numel(bias) != d->out_c) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "bias size");
    if (in->type == TL_TYPE_FLOAT32 && f->type == TL_TYPE_FLOAT32 && out->type == TL_TYPE_FLOAT32) {
        node->eval = tl_transpose_conv_eval_f32;
        return tl_conv_prepare_f32(it, node, IN_BIAS, act, d);
    }
    if ((in->type == TL_TYPE_INT8 && out->type == TL_TYPE_INT8) || (in->type == TL_TYPE_INT16 && out->type == TL_TYPE_INT16))
        return prepare_quantized(it, node, d, act);
    return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "TRANSPOSE_CONV supports float32, int8 and int16x8");
}

/* A model may feed output_shape at run time: it must still name the planned output shape. */
static tl_status check_shape(tl_interpreter *it, tl_node *node) {
    const tl_tensor *shape = tl_node_input(it, node, IN_SHAPE), *out = tl_node_output(it, node, 0);
    const int32_t *s = shape->data;
    int i;
    for (i = 0; i < 4; i++)
        if (s[i] != out->dims[i])
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output_shape input differs from the planned output shape");
    return TL_STATUS_OK;
}

/* Visits, for output (b, oy, ox), every tap (iy, ix, ky, kx) with iy * stride - pad + ky == oy
 * (same for x), and runs BODY with px (the input pixel) and fo (filter offset of (0, ky, kx, 0)). */
#define TCONV_LOOP(BODY)                                                                                        \
    for (b = 0; b < d->batches; b++)                                                                            \
        for (oy = 0; oy < t->out_h; oy++)                                                                       \
            for (ox = 0; ox < t->out_w; ox++)                                                                   \
                for (oc = 0; oc < d->out_c; oc++) {                                                             \
                    int32_t ky, kx, ic;                                                                         \
                    ACC_INIT;                                                                                   \
                    for (ky = 0; ky < w->filter_h; ky++) {                                                      \
                        int32_t ty = oy + w->pad_h - ky, iy = ty / w->stride_h;                                 \
                        if (ty < 0 || ty % w->stride_h || iy >= d->in_h) continue;                              \
                        for (kx = 0; kx < w->filter_w; kx++) {                                                  \
                            int32_t tx = ox + w->pad_w - kx, ix = tx / w->stride_w;                             \
                            int64_t px, pf;                                                                     \
                            if (tx < 0 || tx % w->stride_w || ix >= d->in_w) continue;                          \
                            px = (((int64_t)b * d->in_h + iy) * d->in_w + ix) * d->in_c;                        \
                            pf = (((int64_t)oc * w->filter_h + ky) * w->filter_w + kx) * d->in_c;               \
                            for (ic = 0; ic < d->in_c; ic++) BODY;                                              \
                        }                                                                                       \
                    }                                                                                           \
                    FINISH;                                                                                     \
                }

#define OUT_INDEX ((((int64_t)b * t->out_h + oy) * t->out_w + ox) * d->out_c + oc)

static tl_status tl_transpose_conv_eval_f32(tl_interpreter *it, tl_node *node) {
    const tconv_data *t = node->op_data;
    const tl_conv_data *d = &t->conv;
    const tl_window *w = &d->win;
    const float *x = tl_node_input(it, node, IN_DATA)->data, *f = tl_node_input(it, node, IN_FILTER)->data;
    const tl_tensor *bt = tl_node_input(it, node, IN_BIAS);
    const float *bias = bt ? bt->data : NULL;
    float *y = tl_node_output(it, node, 0)->data;
    int32_t b, oy, ox, oc;
    tl_status st = check_shape(it, node);
    if (st != TL_STATUS_OK) return st;
#define ACC_INIT float acc = 0.0f
#define FINISH                                                                  \
    do {                                                                        \
        float v = acc + (bias ? bias[oc] : 0.0f);                               \
        y[OUT_INDEX] = v < d->f_lo ? d->f_lo : (v > d->f_hi ? d->f_hi : v);     \
    } while (0)
    TCONV_LOOP(acc += x[px + ic] * f[pf + ic])
#undef ACC_INIT
#undef FINISH
    return TL_STATUS_OK;
}

static tl_status tl_transpose_conv_eval_s8(tl_interpreter *it, tl_node *node) {
    const tconv_data *t = node->op_data;
    const tl_conv_data *d = &t->conv;
    const tl_window *w = &d->win;
    const int8_t *x = tl_node_input(it, node, IN_DATA)->data, *f = tl_node_input(it, node, IN_FILTER)->data;
    const tl_tensor *bt = tl_node_input(it, node, IN_BIAS);
    const int32_t *bias = bt ? bt->data : NULL;
    int8_t *y = tl_node_output(it, node, 0)->data;
    const int8_t *shift = tl_conv_shift(d);
    int32_t b, oy, ox, oc;
    tl_status st = check_shape(it, node);
    if (st != TL_STATUS_OK) return st;
#define ACC_INIT int32_t acc = 0
#define FINISH                                                                                                  \
    do {                                                                                                        \
        int32_t r = tl_multiply_by_quantized_multiplier(tl_add_sat(acc, bias ? bias[oc] : 0), d->mult[oc], shift[oc]); \
        y[OUT_INDEX] = (int8_t)tl_clamp_i32(tl_add_sat(r, d->out_offset), d->q_lo, d->q_hi);                  \
    } while (0)
    TCONV_LOOP(acc += (x[px + ic] + d->in_offset) * f[pf + ic])
#undef ACC_INIT
#undef FINISH
    return TL_STATUS_OK;
}

/* int16x8 with an int64 bias or none (bias32 0), or an int32 one (bias32 1); prepare picks. */
static tl_status eval_s16(tl_interpreter *it, tl_node *node, int bias32) {
    const tconv_data *t = node->op_data;
    const tl_conv_data *d = &t->conv;
    const tl_window *w = &d->win;
    const int16_t *x = tl_node_input(it, node, IN_DATA)->data;
    const int8_t *f = tl_node_input(it, node, IN_FILTER)->data;
    const tl_tensor *bt = tl_node_input(it, node, IN_BIAS);
    const uint8_t *bias = bt ? (const uint8_t *)bt->data : NULL;
    int16_t *y = tl_node_output(it, node, 0)->data;
    const int8_t *shift = tl_conv_shift(d);
    int32_t b, oy, ox, oc;
    tl_status st = check_shape(it, node);
    if (st != TL_STATUS_OK) return st;
#define ACC_INIT int64_t acc = 0
#define FINISH                                                                                                  \
    do {                                                                                                        \
        int32_t r;                                                                                              \
        if (!bias32) {                                                                                          \
            int64_t total = tl_add_sat_i64(acc, bias ? tl_load_i64(bias + 8 * oc) : 0);                        \
            r = tl_multiply_by_quantized_multiplier_64(total, d->mult[oc], shift[oc]);                      \
        } else {                                                                                                \
            int32_t acc32 = (int32_t)(acc > INT32_MAX ? INT32_MAX : acc < INT32_MIN ? INT32_MIN : acc);         \
            int32_t total = tl_add_sat(acc32, ((const int32_t *)(const void *)bias)[oc]);                     \
            r = tl_multiply_by_quantized_multiplier(total, d->mult[oc], shift[oc]);                         \
        }                                                                                                       \
        y[OUT_INDEX] = (int16_t)tl_clamp_i32(r, d->q_lo, d->q_hi);                                              \
    } while (0)
    TCONV_LOOP(acc += (int32_t)x[px + ic] * f[pf + ic])
#undef ACC_INIT
#undef FINISH
    return TL_STATUS_OK;
}

static tl_status tl_transpose_conv_eval_s16(tl_interpreter *it, tl_node *node) { return eval_s16(it, node, 0); }
static tl_status tl_transpose_conv_eval_s16_bias32(tl_interpreter *it, tl_node *node) { return eval_s16(it, node, 1); }
