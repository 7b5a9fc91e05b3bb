/* Shared by REDUCE_WINDOW and STABLEHLO_REDUCE_WINDOW: StableHLO's reduce_window of one input. The input
 * is dilated (base_dilations - 1 init values between neighbours) and padded (padding, negative crops) with
 * the init value; each window (window_dimensions, spread by window_dilations, moved by window_strides) is
 * reduced into an accumulator that starts at the init value, in row-major order over the window, padding
 * included, as LiteRT's reference kernel. Types: float32, float64, int8, uint8, int16, int32, int64 (raw
 * values: no quantization; integer sums and products wrap) and bool. */
#ifndef TL_REDUCE_WINDOW_H
#define TL_REDUCE_WINDOW_H

#include "../../src/kernel_api.h"

enum { TL_RW_ADD = 1, TL_RW_MUL = 2, TL_RW_MIN = 3, TL_RW_MAX = 4, TL_RW_AND = 5, TL_RW_OR = 6 };

typedef struct {
    int32_t fn;                      /* TL_RW_* */
    int64_t window[TL_MAX_DIMS], stride[TL_MAX_DIMS], base_dilation[TL_MAX_DIMS], window_dilation[TL_MAX_DIMS];
    int64_t pad_lo[TL_MAX_DIMS], pad_hi[TL_MAX_DIMS];
} tl_reduce_window_params;

/* Checks the types and the parameters against input 0, the init value (input 1) and output 0, which must
 * have the shape the parameters give; picks the eval. */
tl_status tl_reduce_window_prepare_common(tl_interpreter *it, tl_node *node, const tl_reduce_window_params *p);

#endif
