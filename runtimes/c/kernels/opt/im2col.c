/* See im2col.h. */
#include "im2col.h"

#include <string.h>

/* n bytes, mostly a window row of a few channels (MobileNet's first layer: 3 taps x 3 channels, 9 bytes):
 * fixed-size copies, the last one overlapping the one before, compile to a few plain loads and stores,
 * where a call to memcpy costs more than the copy (WebAssembly builds have no inlined memcpy for a
 * variable size); nothing outside [src, src + n) is read or outside [dst, dst + n) written */
static void copy_small(uint8_t *dst, const uint8_t *src, size_t n) {
    size_t i = 0;
    if (n >= 256) {
        memcpy(dst, src, n);
    } else if (n >= 16) {
        for (; i + 16 < n; i += 16) memcpy(dst + i, src + i, 16);
        memcpy(dst + n - 16, src + n - 16, 16);
    } else if (n >= 8) {
        memcpy(dst, src, 8);
        memcpy(dst + n - 8, src + n - 8, 8);
    } else if (n >= 4) {
        memcpy(dst, src, 4);
        memcpy(dst + n - 4, src + n - 4, 4);
    } else {
        for (; i < n; i++) dst[i] = src[i];
    }
}

void tl_im2col(const tl_conv_data *d, const void *x, int32_t elem, uint8_t pad, int32_t first, int32_t rows, void *cols) {
    const tl_window *w = &d->win;
    const uint8_t *in = x;
    uint8_t *dst = cols;
    size_t pixel = (size_t)elem * (size_t)d->in_c, span = pixel * (size_t)w->filter_w;
    int32_t r, ky, kx, per_image = w->out_h * w->out_w;
    /* the first pixel's place, then stepped along: no divisions per pixel */
    int32_t b = first / per_image, oy = first % per_image / w->out_w, ox = first % w->out_w;
    for (r = 0; r < rows; r++) {
        int32_t iy0 = oy * w->stride_h - w->pad_h, ix0 = ox * w->stride_w - w->pad_w;
        const uint8_t *image = in + (int64_t)b * d->in_h * d->in_w * (int64_t)pixel;
        /* taps of a window row all inside the input and next to each other (dilation 1): one copy */
        int whole_row = w->dil_w == 1 && ix0 >= 0 && ix0 + w->filter_w <= d->in_w;
        if (whole_row && iy0 >= 0 && iy0 + (w->filter_h - 1) * w->dil_h < d->in_h) { /* the window inside */
            const uint8_t *src = image + ((int64_t)iy0 * d->in_w + ix0) * (int64_t)pixel;
            int64_t step = (int64_t)w->dil_h * d->in_w * (int64_t)pixel;
            if (span >= 8 && span <= 16) /* 3 taps of 3 int8 channels: written out here, not a call */
                for (ky = 0; ky < w->filter_h; ky++, src += step, dst += span) {
                    memcpy(dst, src, 8);
                    memcpy(dst + span - 8, src + span - 8, 8);
                }
            else
                for (ky = 0; ky < w->filter_h; ky++, src += step, dst += span) copy_small(dst, src, span);
        } else {
            for (ky = 0; ky < w->filter_h; ky++) {
                int32_t iy = iy0 + ky * w->dil_h;
                if (whole_row && iy >= 0 && iy < d->in_h) {
                    copy_small(dst, image + ((int64_t)iy * d->in_w + ix0) * (int64_t)pixel, span);
                    dst += span;
                    continue;
                }
                for (kx = 0; kx < w->filter_w; kx++, dst += pixel) {
                    int32_t ix = ix0 + kx * w->dil_w;
                    if (iy < 0 || iy >= d->in_h || ix < 0 || ix >= d->in_w)
                        memset(dst, pad, pixel);
                    else
                        copy_small(dst, image + ((int64_t)iy * d->in_w + ix) * (int64_t)pixel, pixel);
                }
            }
        }
        if (++ox == w->out_w) {
            ox = 0;
            if (++oy == w->out_h) {
                oy = 0;
                b++;
            }
        }
    }
}
