/* See im2col.h. */
#include "im2col.h"

#include <string.h>

void tl_im2col(const tl_conv_data *d, const void *x, int32_t elem, uint8_t pad, int32_t first, int32_t rows, void *cols) {
    const tl_window *w = &d->win;
    const uint8_t *in = x;
    uint8_t *dst = cols;
    size_t pixel = (size_t)elem * (size_t)d->in_c;
    int32_t r, ky, kx, per_image = w->out_h * w->out_w;
    for (r = 0; r < rows; r++) {
        int32_t p = first + r, b = p / per_image, oy = p % per_image / w->out_w, ox = p % w->out_w;
        int32_t iy0 = oy * w->stride_h - w->pad_h, ix0 = ox * w->stride_w - w->pad_w;
        for (ky = 0; ky < w->filter_h; ky++) {
            int32_t iy = iy0 + ky * w->dil_h;
            for (kx = 0; kx < w->filter_w; kx++, dst += pixel) {
                int32_t ix = ix0 + kx * w->dil_w;
                if (iy < 0 || iy >= d->in_h || ix < 0 || ix >= d->in_w)
                    memset(dst, pad, pixel);
                else
                    memcpy(dst, in + (((int64_t)b * d->in_h + iy) * d->in_w + ix) * (int64_t)pixel, pixel);
            }
        }
    }
}
