/* Sliding-window geometry shared by convolutions and pools (TFLite's padding rules):
 * SAME: out = ceil(in / stride), VALID: out = (in - effective_filter) / stride + 1, where
 * effective_filter = (filter - 1) * dilation + 1; SAME pads total = (out-1)*stride + eff - in,
 * with the smaller half (total / 2) before. */
#ifndef TL_WINDOW_H
#define TL_WINDOW_H

#include <stdint.h>

enum { TL_PADDING_SAME = 0, TL_PADDING_VALID = 1 };

typedef struct {
    int32_t stride_h, stride_w, dil_h, dil_w, filter_h, filter_w;
    int32_t pad_h, pad_w, out_h, out_w;
} tl_window;

/* Fills the output size and padding; returns 0 on invalid or absurd parameters (limits keep
 * every index computation inside int32). */
static inline int tl_window_init(tl_window *w, int8_t padding, int32_t in_h, int32_t in_w) {
    const int32_t limit = 1 << 16;
    int64_t eff_h, eff_w, total;
    if (w->stride_h < 1 || w->stride_w < 1 || w->dil_h < 1 || w->dil_w < 1 || w->filter_h < 1 || w->filter_w < 1 ||
        w->stride_h > limit || w->stride_w > limit || w->dil_h > limit || w->dil_w > limit ||
        w->filter_h > limit || w->filter_w > limit || in_h > limit || in_w > limit)
        return 0;
    eff_h = (int64_t)(w->filter_h - 1) * w->dil_h + 1;
    eff_w = (int64_t)(w->filter_w - 1) * w->dil_w + 1;
    if (padding == TL_PADDING_SAME) {
        w->out_h = (in_h + w->stride_h - 1) / w->stride_h;
        w->out_w = (in_w + w->stride_w - 1) / w->stride_w;
        total = (int64_t)(w->out_h - 1) * w->stride_h + eff_h - in_h;
        w->pad_h = total > 0 ? (int32_t)(total / 2) : 0;
        total = (int64_t)(w->out_w - 1) * w->stride_w + eff_w - in_w;
        w->pad_w = total > 0 ? (int32_t)(total / 2) : 0;
        return w->pad_h < limit * 2 && w->pad_w < limit * 2;
    }
    if (padding != TL_PADDING_VALID) return 0;
    w->out_h = in_h >= eff_h ? (int32_t)((in_h - eff_h) / w->stride_h + 1) : 0;
    w->out_w = in_w >= eff_w ? (int32_t)((in_w - eff_w) / w->stride_w + 1) : 0;
    w->pad_h = w->pad_w = 0;
    return 1;
}

/* The filter taps [*k0, *k1) whose input position origin + k * dilation lies in [0, in):
 * loops visit only those, so cost does not grow with padding or a huge filter. */
static inline void tl_window_taps(int32_t origin, int32_t dilation, int32_t filter, int32_t in, int32_t *k0,
                                  int32_t *k1) {
    int32_t lo = origin < 0 ? (-origin + dilation - 1) / dilation : 0;
    int32_t hi = in - origin > 0 ? (in - origin + dilation - 1) / dilation : 0;
    *k0 = lo;
    *k1 = hi < filter ? hi : filter;
}

#endif
