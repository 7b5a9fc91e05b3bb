/* DEPTHWISE_CONV_2D int8 (multiplier 1) per instruction set: y from x, the filter f [1, kh, kw, c]
 * and int32 bias (NULL: none), over the geometry, offsets, per-channel multipliers and activation
 * range in `d`. Windows up to TL_DW_MAX_TAPS taps. */
#ifndef TL_DEPTHWISE_S8_H
#define TL_DEPTHWISE_S8_H

#include "depthwise_f32.h" /* TL_DW_MAX_TAPS */

void tl_dw_s8_portable(const tl_conv_data *d, const int8_t *x, const int8_t *f, const int32_t *bias, int8_t *y,
    int64_t first_row, int64_t last_row);
void tl_dw_s8_avx2(const tl_conv_data *d, const int8_t *x, const int8_t *f, const int32_t *bias, int8_t *y,
    int64_t first_row, int64_t last_row);
void tl_dw_s8_avx512(const tl_conv_data *d, const int8_t *x, const int8_t *f, const int32_t *bias, int8_t *y,
    int64_t first_row, int64_t last_row);
/* AArch64 (depthwise_conv_2d_s8_neon.c). */
void tl_dw_s8_neon(const tl_conv_data *d, const int8_t *x, const int8_t *f, const int32_t *bias, int8_t *y,
    int64_t first_row, int64_t last_row);
/* WebAssembly SIMD128 (depthwise_conv_2d_s8_wasm.c). */
void tl_dw_s8_wasm(const tl_conv_data *d, const int8_t *x, const int8_t *f, const int32_t *bias, int8_t *y,
    int64_t first_row, int64_t last_row);

#endif
