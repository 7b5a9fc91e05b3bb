/* DEPTHWISE_CONV_2D float32 (multiplier 1) per instruction set: y from x, the filter f
 * [1, kh, kw, c] and bias (NULL: none), over the geometry and activation range in `d`. Windows up
 * to TL_DW_MAX_TAPS taps (7x7). */
#ifndef TL_DEPTHWISE_F32_H
#define TL_DEPTHWISE_F32_H

#include "../common/conv.h"

#define TL_DW_MAX_TAPS 49

void tl_dw_f32_portable(const tl_conv_data *d, const float *x, const float *f, const float *bias, float *y,
    int64_t first_row, int64_t last_row);
void tl_dw_f32_avx2(const tl_conv_data *d, const float *x, const float *f, const float *bias, float *y,
    int64_t first_row, int64_t last_row);
void tl_dw_f32_avx512(const tl_conv_data *d, const float *x, const float *f, const float *bias, float *y,
    int64_t first_row, int64_t last_row);
/* AArch64 (depthwise_conv_2d_f32_neon.c); any window size. */
void tl_dw_f32_neon(const tl_conv_data *d, const float *x, const float *f, const float *bias, float *y,
    int64_t first_row, int64_t last_row);
/* WebAssembly SIMD128 (depthwise_conv_2d_f32_wasm.c). */
void tl_dw_f32_wasm(const tl_conv_data *d, const float *x, const float *f, const float *bias, float *y,
    int64_t first_row, int64_t last_row);

/* For a depth multiplier m > 1 (output channel c reads input channel c / m): the micro-kernels read one
 * input channel per output channel, so d's input, [batches * in_h * in_w, in_c] elements of `elem_bytes`
 * (1 or 4), is first written to e with each channel repeated m times. */
void tl_dw_repeat_channels(const tl_conv_data *d, const void *x, size_t elem_bytes, void *e);

#endif
