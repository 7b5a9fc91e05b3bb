/* DEPTHWISE_CONV_2D int8 on the DSP extension (see dsp_kernels.h; kernels/depthwise_conv_2d.c is
 * the definition). Per output pixel, four output channels at a time: each tap inside the input
 * costs one word of weights read in place (SXTB16 twice: the pairs (c0, c2) and (c1, c3)), the
 * input (multiplier 1: one word, SXTAB16 twice, the input offset added on the way; a multiplier
 * that is a multiple of 4: one input value for all four, in both lanes) and four 16 x 16
 * multiply-accumulates, SMLABB / SMLATT. A depthwise channel sums only its own taps, so the dual
 * SMLAD, which adds two lanes together, would first need each channel's taps paired: more packing
 * than it saves here. With multiplier 1, channels past a multiple of 4 run one at a time. Not
 * taken: other multipliers, sums that could leave int32. */
#include "dsp_kernels.h"

#if defined(TL_ARM_DSP)
#include "../../../kernels/common/conv.h"
#include "dsp_math.h"

tl_status tl_depthwise_conv_2d_dsp_eval_s8(tl_interpreter *it, tl_node *node);

tl_status tl_depthwise_conv_2d_dsp_eval_s8(tl_interpreter *it, tl_node *node) {
    const tl_conv_data *d = node->op_data;
    const tl_window *w = &d->win;
    const int8_t *x = tl_node_input(it, node, 0)->data, *f = tl_node_input(it, node, 1)->data;
    const tl_tensor *bt = tl_node_input(it, node, 2);
    const int32_t *bias = bt ? bt->data : NULL;
    int8_t *y = tl_node_output(it, node, 0)->data;
    const int32_t ch = d->out_c, in_c = d->in_c, c4 = ch & ~3, kw = w->filter_w, mult = d->depth_mult;
    const uint32_t off2 = tl_dsp_pair(d->in_offset);
    const int64_t x_step = (int64_t)w->dil_w * in_c;
    int32_t b, oy, ox, c, ky, kx;
    for (b = 0; b < d->batches; b++)
        for (oy = 0; oy < w->out_h; oy++)
            for (ox = 0; ox < w->out_w; ox++) {
                int32_t oy0 = oy * w->stride_h - w->pad_h, ox0 = ox * w->stride_w - w->pad_w, ky0, ky1, kx0, kx1;
                int8_t *out = y + (((int64_t)b * w->out_h + oy) * w->out_w + ox) * ch;
                tl_window_taps(oy0, w->dil_h, w->filter_h, d->in_h, &ky0, &ky1);
                tl_window_taps(ox0, w->dil_w, kw, d->in_w, &kx0, &kx1);
                for (c = 0; c < ch; c += 4) {
                    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, j, n = c < c4 ? 4 : ch - c;
                    for (ky = ky0; ky < ky1 && kx0 < kx1; ky++) {
                        const int8_t *px = x + (((int64_t)b * d->in_h + oy0 + ky * w->dil_h) * d->in_w + ox0 + kx0 * w->dil_w) * in_c +
                                           c / mult;
                        const int8_t *pw = f + ((int64_t)ky * kw + kx0) * ch + c;
                        if (n == 4 && mult == 1) { /* four channels, four inputs */
                            for (kx = kx0; kx < kx1; kx++, px += x_step, pw += ch) {
                                uint32_t xv = tl_dsp_load32(px), wv = tl_dsp_load32(pw);
                                int32_t xe = tl_dsp_even(off2, xv), xo = tl_dsp_odd(off2, xv);
                                int32_t we = tl_dsp_ext_even(wv), wo = tl_dsp_ext_odd(wv);
                                a0 = __smlabb(xe, we, a0);
                                a2 = __smlatt(xe, we, a2);
                                a1 = __smlabb(xo, wo, a1);
                                a3 = __smlatt(xo, wo, a3);
                            }
                        } else if (n == 4) { /* a multiple of 4 per input: four channels of one input */
                            for (kx = kx0; kx < kx1; kx++, px += x_step, pw += ch) {
                                uint32_t wv = tl_dsp_load32(pw);
                                int32_t xx = (int32_t)tl_dsp_pair(*px + d->in_offset);
                                int32_t we = tl_dsp_ext_even(wv), wo = tl_dsp_ext_odd(wv);
                                a0 = __smlabb(xx, we, a0);
                                a2 = __smlatt(xx, we, a2);
                                a1 = __smlabb(xx, wo, a1);
                                a3 = __smlatt(xx, wo, a3);
                            }
                        } else { /* multiplier 1: the last ch % 4 channels */
                            for (kx = kx0; kx < kx1; kx++, px += x_step, pw += ch) {
                                a0 += (px[0] + d->in_offset) * pw[0];
                                if (n > 1) a1 += (px[1] + d->in_offset) * pw[1];
                                if (n > 2) a2 += (px[2] + d->in_offset) * pw[2];
                            }
                        }
                    }
                    for (j = 0; j < n; j++) {
                        int32_t acc = j == 0 ? a0 : j == 1 ? a1 : j == 2 ? a2 : a3;
                        out[c + j] = tl_dsp_requant(acc, bias ? bias[c + j] : 0, d->mult[c + j], tl_conv_shift(d)[c + j],
                                                    d->out_offset, d->q_lo, d->q_hi);
                    }
                }
            }
    return TL_STATUS_OK;
}

tl_status tl_depthwise_conv_2d_dsp_s8_prepare(tl_interpreter *it, tl_node *node) {
    const tl_conv_data *d = node->op_data;
    const tl_tensor *bt = tl_node_input(it, node, 2);
    const int32_t *bias = bt ? bt->data : NULL;
    const int64_t taps = (int64_t)d->win.filter_h * d->win.filter_w;
    int32_t c;
    if ((d->depth_mult != 1 && d->depth_mult % 4 != 0) || (bias && !bt->is_constant)) return TL_STATUS_OK;
    for (c = 0; c < d->out_c; c++) /* |sum| <= taps * 255 * 128, plus the bias, inside int32 */
        if (taps * 255 * 128 + (bias ? (bias[c] < 0 ? -(int64_t)bias[c] : bias[c]) : 0) > INT32_MAX) return TL_STATUS_OK;
    node->eval = tl_depthwise_conv_2d_dsp_eval_s8; /* the reference's op data is all it needs */
    return TL_STATUS_OK;
}

#else
typedef int tl_depthwise_conv_2d_dsp_unused; /* ISO C: a translation unit holds at least one declaration */
#endif
