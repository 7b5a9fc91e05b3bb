/* What CONV_2D, DEPTHWISE_CONV_2D and TRANSPOSE_CONV prepare the same way: their op data, the
 * geometry and options of the first two, and per type the bias check, the requantization
 * multipliers and the fused activation's range. Each kernel keeps its own type dispatch, its
 * own limits where they differ (TRANSPOSE_CONV's int16 also takes an int32 bias) and its loops. */
#ifndef TL_CONV_H
#define TL_CONV_H

#include "../../src/kernel_api.h"
#include "window.h"

typedef struct {
    tl_window win;       /* CONV_2D, DEPTHWISE: over the input; TRANSPOSE_CONV: the CONV_2D from its output to its input */
    int32_t batches, in_h, in_w, in_c, out_c;
    int32_t out_h, out_w; /* TRANSPOSE_CONV (the others use win.out_h, win.out_w) */
    int32_t filter_c;    /* input channels summed per output channel: CONV_2D in_c / groups, DEPTHWISE 1 */
    int32_t depth_mult;  /* DEPTHWISE: output channels per input channel */
    float f_lo, f_hi;    /* float32 and hybrid: the fused activation's range */
    int32_t in_offset, out_offset, q_lo, q_hi; /* quantized */
    int32_t *mult, *shift; /* quantized: per output channel */
    float *w_scale;      /* hybrid: per output channel */
    uint8_t per_channel; /* CONV_2D hybrid: the asymmetric per-channel path */
    tl_scratch *scratch; /* hybrid: the quantized input rows (common/hybrid.h) */
} tl_conv_data;

/* CONV_2D (depthwise 0) and DEPTHWISE_CONV_2D (1): checks that input, filter and output are
 * 4-D, allocates the op data (node->op_data), reads the options (the fused activation into
 * *act), fills the geometry and checks the filter's channels, the output shape and the bias
 * size. DEPTHWISE takes its multiplier from the shapes (the option is unreliable in old files). */
tl_status tl_conv_prepare_geometry(tl_interpreter *it, tl_node *node, int depthwise, int8_t *act, tl_conv_data **out);

/* float32: the bias (input `bias_input`, optional) is float32; the activation's float range. */
tl_status tl_conv_prepare_f32(tl_interpreter *it, tl_node *node, int32_t bias_input, int8_t act, tl_conv_data *d);

/* int8 CONV_2D and DEPTHWISE: int32 bias, a window small enough for int32 sums of
 * 255 * 255 products, then tl_conv_prepare_requant. */
tl_status tl_conv_prepare_s8(tl_interpreter *it, tl_node *node, int8_t act, tl_conv_data *d);

/* Quantized (int8, and int16 activations with int8 weights), after the type checks: the
 * per-channel multipliers for in_scale * w_scale[c] / out_scale (int16: shifts within
 * [-31, 7]), the zero-point offsets and the activation's integer range. `in_input` and
 * `filter_input` are the node's input positions of the data and the filter. */
tl_status tl_conv_prepare_requant(tl_interpreter *it, tl_node *node, int32_t in_input, int32_t filter_input, int8_t act,
                                  tl_conv_data *d);

/* Hybrid CONV_2D and DEPTHWISE (float32 input and output, int8 filter): float32 bias, a window
 * small enough for int32 sums of 255 * 128 products, a non-empty input, the filter's scales
 * along `quant_dim`, the scratch and the activation's float range. */
tl_status tl_conv_prepare_hybrid(tl_interpreter *it, tl_node *node, int32_t quant_dim, int8_t act, tl_conv_data *d);

#endif
