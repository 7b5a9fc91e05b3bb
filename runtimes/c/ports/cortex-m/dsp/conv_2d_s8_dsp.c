/* CONV_2D int8 on the DSP extension (see dsp_kernels.h; kernels/conv_2d.c is the definition). Two
 * output pixels at a time: each one's window is gathered as int16 (x + in_offset, 0 over the
 * border, so border taps add nothing: the reference visits only taps inside) in the (x0, x2),
 * (x1, x3) order of each four values; then per pair of output channels, each four taps cost two
 * weight loads (the filter read in place), four extensions and eight SMLADs for 16 products.
 * Not taken: grouped convolutions and sums that could leave int32. */
#include "dsp_kernels.h"

#if defined(TL_ARM_DSP)
#include "../../../kernels/common/conv.h"
#include "dsp_math.h"

typedef struct {
    const tl_conv_data *conv;
    int32_t k;
    tl_scratch *rows; /* two gathered windows of k int16 */
} conv_dsp;

tl_status tl_conv_2d_dsp_eval_s8(tl_interpreter *it, tl_node *node);

/* The window of output pixel `pixel` (over batch, y, x) as int16, each full quad in pair order. */
static void gather(const tl_conv_data *d, const int8_t *x, int32_t pixel, int32_t k, int16_t *row) {
    const tl_window *w = &d->win;
    const int32_t in_c = d->in_c, ox = pixel % w->out_w, oy = pixel / w->out_w % w->out_h, b = pixel / w->out_w / w->out_h;
    const int32_t iy0 = oy * w->stride_h - w->pad_h, ix0 = ox * w->stride_w - w->pad_w;
    const uint32_t off2 = tl_dsp_pair(d->in_offset);
    int16_t *dst = row;
    int32_t ky, kx, c;
    for (ky = 0; ky < w->filter_h; ky++) {
        int32_t iy = iy0 + ky * w->dil_h;
        for (kx = 0; kx < w->filter_w; kx++) {
            int32_t ix = ix0 + kx * w->dil_w;
            const int8_t *src;
            if (iy < 0 || iy >= d->in_h || ix < 0 || ix >= d->in_w) {
                memset(dst, 0, sizeof(int16_t) * (size_t)in_c);
                dst += in_c;
                continue;
            }
            src = x + (((int64_t)b * d->in_h + iy) * d->in_w + ix) * in_c;
            if ((in_c & 3) == 0) { /* quads never straddle taps: extend four at a time */
                for (c = 0; c < in_c; c += 4) {
                    uint32_t v = tl_dsp_load32(src + c);
                    tl_dsp_store32(dst + c, (uint32_t)tl_dsp_even(off2, v));
                    tl_dsp_store32(dst + c + 2, (uint32_t)tl_dsp_odd(off2, v));
                }
            } else {
                for (c = 0; c < in_c; c++) dst[c] = (int16_t)(src[c] + d->in_offset);
            }
            dst += in_c;
        }
    }
    if (in_c & 3) /* reorder each full quad x0 x1 x2 x3 to x0 x2 x1 x3 */
        for (c = 0; c + 4 <= k; c += 4) {
            int16_t t = row[c + 1];
            row[c + 1] = row[c + 2];
            row[c + 2] = t;
        }
}

/* Sums of two gathered rows (a0, a1) against two filter rows (w0, w1): s[row * 2 + filter]. */
static void dot2x2(const int16_t *a0, const int16_t *a1, const int8_t *w0, const int8_t *w1, int32_t k, int32_t s[4]) {
    int32_t s00 = 0, s01 = 0, s10 = 0, s11 = 0, i;
    const int32_t kq = k & ~3;
    for (i = 0; i < kq; i += 4) {
        int32_t x0e = (int32_t)tl_dsp_load32(a0 + i), x0o = (int32_t)tl_dsp_load32(a0 + i + 2);
        int32_t x1e = (int32_t)tl_dsp_load32(a1 + i), x1o = (int32_t)tl_dsp_load32(a1 + i + 2);
        uint32_t u = tl_dsp_load32(w0 + i), v = tl_dsp_load32(w1 + i);
        int32_t ue = tl_dsp_ext_even(u), uo = tl_dsp_ext_odd(u), ve = tl_dsp_ext_even(v), vo = tl_dsp_ext_odd(v);
        s00 = __smlad(x0e, ue, s00);
        s00 = __smlad(x0o, uo, s00);
        s10 = __smlad(x1e, ue, s10);
        s10 = __smlad(x1o, uo, s10);
        s01 = __smlad(x0e, ve, s01);
        s01 = __smlad(x0o, vo, s01);
        s11 = __smlad(x1e, ve, s11);
        s11 = __smlad(x1o, vo, s11);
    }
    for (; i < k; i++) { /* the last k % 4, in order */
        s00 += a0[i] * w0[i];
        s01 += a0[i] * w1[i];
        s10 += a1[i] * w0[i];
        s11 += a1[i] * w1[i];
    }
    s[0] = s00;
    s[1] = s01;
    s[2] = s10;
    s[3] = s11;
}

static int32_t dot1(const int16_t *a, const int8_t *w, int32_t k) {
    int32_t s = 0, i;
    const int32_t kq = k & ~3;
    for (i = 0; i < kq; i += 4) {
        uint32_t u = tl_dsp_load32(w + i);
        s = __smlad((int32_t)tl_dsp_load32(a + i), tl_dsp_ext_even(u), s);
        s = __smlad((int32_t)tl_dsp_load32(a + i + 2), tl_dsp_ext_odd(u), s);
    }
    for (; i < k; i++) s += a[i] * w[i];
    return s;
}

tl_status tl_conv_2d_dsp_eval_s8(tl_interpreter *it, tl_node *node) {
    const conv_dsp *o = node->op_data;
    const tl_conv_data *d = o->conv;
    const int8_t *x = tl_node_input(it, node, 0)->data, *f = tl_node_input(it, node, 1)->data;
    const tl_tensor *bt = tl_node_input(it, node, 2);
    const int32_t *bias = bt ? bt->data : NULL;
    int8_t *y = tl_node_output(it, node, 0)->data;
    const int32_t k = o->k, out_c = d->out_c, pixels = d->batches * d->win.out_h * d->win.out_w;
    int16_t *row0 = o->rows->data, *row1 = row0 + ((k + 1) & ~1);
    int32_t p, oc, s[4];
#define OUT(pix, ch, acc)                                                                                            \
    y[(int64_t)(pix) * out_c + (ch)] = tl_dsp_requant(acc, bias ? bias[ch] : 0, d->mult[ch], tl_conv_shift(d)[ch], d->out_offset, \
                                                      d->q_lo, d->q_hi)
    for (p = 0; p + 2 <= pixels; p += 2) {
        gather(d, x, p, k, row0);
        gather(d, x, p + 1, k, row1);
        for (oc = 0; oc + 2 <= out_c; oc += 2) {
            dot2x2(row0, row1, f + (int64_t)oc * k, f + (int64_t)(oc + 1) * k, k, s);
            OUT(p, oc, s[0]);
            OUT(p, oc + 1, s[1]);
            OUT(p + 1, oc, s[2]);
            OUT(p + 1, oc + 1, s[3]);
        }
        if (oc < out_c) {
            OUT(p, oc, dot1(row0, f + (int64_t)oc * k, k));
            OUT(p + 1, oc, dot1(row1, f + (int64_t)oc * k, k));
        }
    }
    if (p < pixels) {
        gather(d, x, p, k, row0);
        for (oc = 0; oc < out_c; oc++) OUT(p, oc, dot1(row0, f + (int64_t)oc * k, k));
    }
#undef OUT
    return TL_STATUS_OK;
}

tl_status tl_conv_2d_dsp_s8_prepare(tl_interpreter *it, tl_node *node) {
    const tl_conv_data *d = node->op_data;
    const tl_tensor *bt = tl_node_input(it, node, 2);
    const int32_t *bias = bt ? bt->data : NULL;
    const int32_t k = d->win.filter_h * d->win.filter_w * d->in_c;
    conv_dsp *o;
    int32_t oc;
    if (d->filter_c != d->in_c || (bias && !bt->is_constant)) return TL_STATUS_OK; /* grouped */
    for (oc = 0; oc < d->out_c; oc++) /* the reference's sums must stay inside int32 */
        if ((int64_t)k * 255 * 128 + (bias ? (bias[oc] < 0 ? -(int64_t)bias[oc] : bias[oc]) : 0) > INT32_MAX)
            return TL_STATUS_OK;
    o = tl_alloc_persistent(it, sizeof *o);
    if (!o) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "DSP CONV_2D op data");
    o->conv = d;
    o->k = k;
    o->rows = tl_request_scratch(it, node, 2 * sizeof(int16_t) * (size_t)((k + 1) & ~1));
    if (!o->rows) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "DSP CONV_2D scratch");
    node->op_data = o;
    node->eval = tl_conv_2d_dsp_eval_s8;
    return TL_STATUS_OK;
}

#else
typedef int tl_conv_2d_dsp_unused; /* ISO C: a translation unit holds at least one declaration */
#endif
