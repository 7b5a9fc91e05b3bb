/* See im2col.h. */
#include "im2col.h"

#include <string.h>

/* n bytes, mostly a window row of a few channels (MobileNet's first layer: 3 taps x 3 channels x 4 bytes):
 * fixed-size copies compile to plain loads and stores, where a call to memcpy costs more than the copy
 * (WebAssembly builds have no inlined memcpy for a variable size) */
static void copy_small(uint8_t *dst, const uint8_t *src, size_t n) {
    size_t i = 0;
    if (n >= 256) {
        memcpy(dst, src, n);
        return;
    }
    for (; i + 16 <= n; i += 16) memcpy(dst + i, src + i, 16);
    for (; i + 4 <= n; i += 4) memcpy(dst + i, src + i, 4);
    for (; i < n; i++) dst[i] = src[i];
}

void tl_im2col(const tl_conv_data *d, const void *x, int32_t elem, uint8_t pad, int32_t first, int32_t rows, void *cols) {
    const tl_window *w = &d->win;
    const uint8_t *in = x;
    uint8_t *dst = cols;
    size_t pixel = (size_t)elem * (size_t)d->in_c;
    int32_t r, ky, kx, per_image = w->out_h * w->out_w;
    for (r = 0; r < rows; r++) {
        int32_t p = first + r, b = p / per_image, oy = p % per_image / w->out_w, ox = p % w->out_w;
        int32_t iy0 = oy * w->stride_h - w->pad_h, ix0 = ox * w->stride_w - w->pad_w;
        /* taps of a window row all inside the input and next to each other (dilation 1): one copy */
        int whole_row = w->dil_w == 1 && ix0 >= 0 && ix0 + w->filter_w <= d->in_w;
        for (ky = 0; ky < w->filter_h; ky++) {
            int32_t iy = iy0 + ky * w->dil_h;
            if (whole_row && iy >= 0 && iy < d->in_h) {
                copy_small(dst, in + (((int64_t)b * d->in_h + iy) * d->in_w + ix0) * (int64_t)pixel,
                           pixel * (size_t)w->filter_w);
                dst += pixel * (size_t)w->filter_w;
                continue;
            }
            for (kx = 0; kx < w->filter_w; kx++, dst += pixel) {
                int32_t ix = ix0 + kx * w->dil_w;
                if (iy < 0 || iy >= d->in_h || ix < 0 || ix >= d->in_w)
                    memset(dst, pad, pixel);
                else
                    copy_small(dst, in + (((int64_t)b * d->in_h + iy) * d->in_w + ix) * (int64_t)pixel, pixel);
            }
        }
    }
}
