/* "im2col": the windows of a block of output pixels laid out as rows, so a convolution becomes a
 * GEMM (conv_2d_f32.c, conv_2d_s8.c). */
#ifndef TL_IM2COL_H
#define TL_IM2COL_H

#include <stdint.h>

#include "../common/conv.h"

/* Rows for output pixels [first, first + rows) (flattened over batch, y, x) of the convolution `d`
 * over x (elements of `elem` bytes): each row is the window's kh * kw input pixels' channels, in
 * the filter's order; taps over the border are filled with the byte `pad` (0 for float, the zero
 * point for int8, so they contribute nothing). */
void tl_im2col(const tl_conv_data *d, const void *x, int32_t elem, uint8_t pad, int32_t first, int32_t rows, void *cols);

#endif
