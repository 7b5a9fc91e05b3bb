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

/* Windows up to 7x7 (dilation 1, any stride and padding) on AVX-512, with the weights packed at prepare for
 * int16 multiply-adds (vpmaddwd, or vpdpwssd with VNNI) on pairs of taps: per window column, input rows 2r and
 * 2r + 1 interleaved as int16 pairs (an odd last row paired with zero). Per block of 32 channels, int32 lanes
 * are in the order the interleave leaves them (vpunpck{l,h}wd within each 128-bit lane: the low half holds
 * channels 8k..8k+3 of each lane k, the high half 8k+4..8k+7), which vpackssdw puts back in order. The
 * input's zero point is summed as input_offset * sum(w) in the bias, so taps outside the input read the zero
 * point (`zp`) and add nothing: border pixels need no per-tap bounds. 3x3 windows have their own unrolled
 * loops (depthwise_s8_pairs_x86.h). */
#define TL_DWP_CB 32
#define TL_DWP_MAX_SIDE 7
typedef struct {
    const tl_conv_data *conv;
    int16_t *w;        /* [blocks][kw][pairs][low, high half][32 int16]: rows 2r, 2r + 1 of window column kx */
    int32_t *bias;     /* [blocks][32], permuted as above: bias + input_offset * sum of the channel's weights */
    int32_t *mult;     /* [blocks][32], permuted */
    int32_t *shift;    /* [blocks][32], permuted */
    int8_t *zp;        /* out_c bytes of the input zero point: what a tap outside the input reads */
    int32_t pairs;     /* (kh + 1) / 2 */
    int flat;          /* tl_dw_s8_flat_*: one block whose virtual lane v is channel v % out_c (out_c divides 32);
                        * zp then holds in_w * out_c bytes, a whole row */
    int left;          /* some channel shifts left */
} tl_dw_s8_pairs;

/* Fills `p` (its arrays allocated for ceil(out_c / 32) blocks) from the filter f [1, kh, kw, out_c] and the
 * bias (NULL: none), and the geometry and multipliers in `d`; portable C. */
void tl_dw_s8_pairs_pack(tl_dw_s8_pairs *p, const tl_conv_data *d, const int8_t *f, const int32_t *bias);
/* Few channels (out_c 1, 2, 4, 8 or 16), stride_w 1, no column padding: an output row is one run of
 * out_w * out_c bytes and each window column reads the input row's run kx * out_c bytes on, so 32 lanes hold
 * 32 / out_c pixels, with `p` packed flat (one block; the weights repeat every out_c lanes). */
void tl_dw_s8_flat_avx512(const tl_dw_s8_pairs *p, const int8_t *x, int8_t *y, int64_t first_row, int64_t last_row);
void tl_dw_s8_flat_avx512vnni(const tl_dw_s8_pairs *p, const int8_t *x, int8_t *y, int64_t first_row,
    int64_t last_row);
void tl_dw_s8_pairs_avx512(const tl_dw_s8_pairs *p, const int8_t *x, int8_t *y, int64_t first_row, int64_t last_row);
void tl_dw_s8_pairs_avx512vnni(const tl_dw_s8_pairs *p, const int8_t *x, int8_t *y, int64_t first_row,
    int64_t last_row);

#endif
