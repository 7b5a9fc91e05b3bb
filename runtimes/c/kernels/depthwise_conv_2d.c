/* DEPTHWISE_CONV_2D, NHWC input, filter [1, kh, kw, in_c * M]: output channel c*M + m sees only
 * input channel c. float32, and int8 with per-channel weights (LiteRT reference
 * DepthwiseConvPerChannel arithmetic); int16x8 (int16 activations with zero point 0, int8
 * per-channel weights, int64 bias and accumulator, the 64-bit requantization, as CONV_2D).
 * Hybrid (float32 input and output, int8 filter with zero point 0, float32 bias), as LiteRT's
 * EvalHybridPerChannel: each batch quantized asymmetrically
 * (common/hybrid.h), acc = sum w * (q - zp), out = act((float)acc * (w_scale[oc] * row_scale) + bias);
 * one filter scale serves every channel. */
#include "../src/kernel_api.h"
#include "common/conv.h"
#include "common/hybrid.h"
#include "common/quant_math.h"
#include "opt/conv_2d_s8_narrow.h"
#include "opt/opt_kernels.h"

static tl_status tl_depthwise_conv_2d_eval_f32(tl_interpreter *it, tl_node *node);
static tl_status tl_depthwise_conv_2d_eval_s8(tl_interpreter *it, tl_node *node);
static tl_status tl_depthwise_conv_2d_eval_s16(tl_interpreter *it, tl_node *node);
static tl_status tl_depthwise_conv_2d_eval_hybrid(tl_interpreter *it, tl_node *node);

tl_status tl_depthwise_conv_2d_prepare(tl_interpreter *it, tl_node *node) {
    static const tl_conv_evals evals = {tl_depthwise_conv_2d_eval_f32, tl_depthwise_conv_2d_eval_s8,
                                        tl_depthwise_conv_2d_eval_s16, tl_depthwise_conv_2d_eval_hybrid};
    tl_status st = tl_conv_prepare(it, node, 1, &evals,
                                   "DEPTHWISE_CONV_2D supports float32, int8, int16x8 and hybrid float32 x int8");
    if (st != TL_STATUS_OK || it->reference_kernels) return st;
    if (node->eval == tl_depthwise_conv_2d_eval_f32) return tl_depthwise_conv_2d_opt_f32_prepare(it, node);
    if (node->eval == tl_depthwise_conv_2d_eval_s8) { /* one input channel, multiplier <= 8: opt/conv_2d_s8_narrow.c */
        st = tl_conv_2d_opt_s8_narrow_prepare(it, node, 1);
        return st != TL_STATUS_OK || node->eval != tl_depthwise_conv_2d_eval_s8 ? st
                                                                                : tl_depthwise_conv_2d_opt_s8_prepare(it, node);
    }
    return TL_STATUS_OK;
}

#define DW_LOOP(IN_T, ACC_T, INPUT_OFFSET, FINISH)                                                     \
    for (b = 0; b < d->batches; b++)                                                                   \
        for (oy = 0; oy < w->out_h; oy++)                                                              \
            for (ox = 0; ox < w->out_w; ox++)                                                          \
                for (oc = 0; oc < d->out_c; oc++) {                                                    \
                    int32_t ic = oc / d->depth_mult, ky, kx, ky0, ky1, kx0, kx1;                           \
                    int32_t oy0 = oy * w->stride_h - w->pad_h, ox0 = ox * w->stride_w - w->pad_w;      \
                    ACC_T acc = 0;                                                                     \
                    tl_window_taps(oy0, w->dil_h, w->filter_h, d->in_h, &ky0, &ky1);                   \
                    tl_window_taps(ox0, w->dil_w, w->filter_w, d->in_w, &kx0, &kx1);                   \
                    for (ky = ky0; ky < ky1; ky++) {                                                   \
                        int32_t iy = oy0 + ky * w->dil_h;                                              \
                        for (kx = kx0; kx < kx1; kx++) {                                               \
                            int32_t ix = ox0 + kx * w->dil_w;                                          \
                            acc += (x[(((int64_t)b * d->in_h + iy) * d->in_w + ix) * d->in_c + ic] +  \
                                    (INPUT_OFFSET)) *                                                  \
                                   f[((int64_t)ky * w->filter_w + kx) * d->out_c + oc];                \
                        }                                                                              \
                    }                                                                                  \
                    FINISH;                                                                            \
                }

static tl_status tl_depthwise_conv_2d_eval_f32(tl_interpreter *it, tl_node *node) {
    const tl_conv_data *d = node->op_data;
    const tl_window *w = &d->win;
    const float *x = tl_node_input(it, node, 0)->data, *f = tl_node_input(it, node, 1)->data;
    const tl_tensor *bt = tl_node_input(it, node, 2);
    const float *bias = bt ? bt->data : NULL;
    float *y = tl_node_output(it, node, 0)->data;
    int32_t b, oy, ox, oc;
    DW_LOOP(float, float, 0.0f, {
        float v = acc + (bias ? bias[oc] : 0.0f);
        y[(((int64_t)b * w->out_h + oy) * w->out_w + ox) * d->out_c + oc] = v < d->f_lo ? d->f_lo : (v > d->f_hi ? d->f_hi : v);
    })
    return TL_STATUS_OK;
}

static tl_status tl_depthwise_conv_2d_eval_s8(tl_interpreter *it, tl_node *node) {
    const tl_conv_data *d = node->op_data;
    const tl_window *w = &d->win;
    const int8_t *x = tl_node_input(it, node, 0)->data, *f = tl_node_input(it, node, 1)->data;
    const tl_tensor *bt = tl_node_input(it, node, 2);
    const int32_t *bias = bt ? bt->data : NULL;
    int8_t *y = tl_node_output(it, node, 0)->data;
    const int8_t *shift = tl_conv_shift(d);
    int32_t b, oy, ox, oc;
    DW_LOOP(int8_t, int32_t, d->in_offset, {
        int32_t r = tl_multiply_by_quantized_multiplier(tl_add_sat(acc, bias ? bias[oc] : 0), d->mult[oc], shift[oc]);
        y[(((int64_t)b * w->out_h + oy) * w->out_w + ox) * d->out_c + oc] =
            (int8_t)tl_clamp_i32(tl_add_sat(r, d->out_offset), d->q_lo, d->q_hi);
    })
    return TL_STATUS_OK;
}

/* int16 activations, int8 weights, int64 bias and accumulator (LiteRT's 16x8 scheme). */
static tl_status tl_depthwise_conv_2d_eval_s16(tl_interpreter *it, tl_node *node) {
    const tl_conv_data *d = node->op_data;
    const tl_window *w = &d->win;
    const int16_t *x = tl_node_input(it, node, 0)->data;
    const int8_t *f = tl_node_input(it, node, 1)->data;
    const tl_tensor *bt = tl_node_input(it, node, 2);
    const uint8_t *bias = bt ? (const uint8_t *)bt->data : NULL;
    int16_t *y = tl_node_output(it, node, 0)->data;
    const int8_t *shift = tl_conv_shift(d);
    int32_t b, oy, ox, oc;
    DW_LOOP(int16_t, int64_t, 0, {
        int64_t total = tl_add_sat_i64(acc, bias ? tl_load_i64(bias + 8 * oc) : 0);
        int32_t r = tl_multiply_by_quantized_multiplier_64(total, d->mult[oc], shift[oc]);
        y[(((int64_t)b * w->out_h + oy) * w->out_w + ox) * d->out_c + oc] = (int16_t)tl_clamp_i32(r, d->q_lo, d->q_hi);
    })
    return TL_STATUS_OK;
}

static tl_status tl_depthwise_conv_2d_eval_hybrid(tl_interpreter *it, tl_node *node) {
    const tl_conv_hybrid_data *h = node->op_data;
    const tl_conv_data *d = &h->conv;
    const tl_window *w = &d->win;
    const float *xf = tl_node_input(it, node, 0)->data;
    const int8_t *f = tl_node_input(it, node, 1)->data;
    const tl_tensor *bt = tl_node_input(it, node, 2);
    const float *bias = bt ? bt->data : NULL;
    float *y = tl_node_output(it, node, 0)->data;
    int32_t b, oy, ox, oc;
    tl_hybrid_rows rows = tl_hybrid_quantize_rows(h->scratch, xf, d->batches, (int64_t)d->in_h * d->in_w * d->in_c, 1);
    const int8_t *x = rows.q;
    DW_LOOP(int8_t, int32_t, -rows.zero_point[b], {
        float v = (float)acc * (h->w_scale[oc] * rows.scale[b]);
        if (bias) v += bias[oc];
        y[(((int64_t)b * w->out_h + oy) * w->out_w + ox) * d->out_c + oc] = v < d->f_lo ? d->f_lo : (v > d->f_hi ? d->f_hi : v);
    })
    return TL_STATUS_OK;
}
