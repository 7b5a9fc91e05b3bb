/* What CONV_2D, DEPTHWISE_CONV_2D and TRANSPOSE_CONV prepare the same way: their op data; all of
 * the first two's prepare (geometry, options, types); and per type the bias check, the
 * requantization multipliers and the fused activation's range. TRANSPOSE_CONV keeps its own
 * geometry and limits (its int16 also takes an int32 bias); each kernel keeps its loops. */
#ifndef TL_CONV_H
#define TL_CONV_H

#include "../../src/kernel_api.h"
#include "window.h"

/* What the kernels of both tiers read in eval; one per node, so kept small (96 B with 64-bit pointers, 88 with 32-bit): what only
 * hybrid or TRANSPOSE_CONV nodes need lives in their own records around it. */
typedef struct {
    tl_window win;       /* CONV_2D, DEPTHWISE: over the input; TRANSPOSE_CONV: the CONV_2D from its output to its input */
    int32_t batches, in_h, in_w, in_c, out_c;
    int32_t filter_c;    /* input channels summed per output channel: CONV_2D in_c / groups, DEPTHWISE 1 */
    int32_t depth_mult;  /* DEPTHWISE: output channels per input channel */
    float f_lo, f_hi;    /* float32 and hybrid: the fused activation's range */
    int16_t in_offset, out_offset, q_lo, q_hi; /* quantized: -input zero point, output zero point, integer range */
    int32_t *mult;       /* quantized: per output channel, followed by the shifts (tl_conv_shift) */
} tl_conv_data;

/* The requantization shifts per output channel (within [-31, 31]), stored as bytes after d->mult. */
static inline const int8_t *tl_conv_shift(const tl_conv_data *d) { return (const int8_t *)(d->mult + d->out_c); }

/* Hybrid CONV_2D and DEPTHWISE_CONV_2D (float32 x int8 filter): the record above and their own fields. */
typedef struct {
    tl_conv_data conv;
    float *w_scale;      /* per output channel */
    tl_scratch *scratch; /* the quantized input rows (common/hybrid.h) */
    uint8_t per_channel; /* CONV_2D: the asymmetric per-channel path */
} tl_conv_hybrid_data;

/* The evals of CONV_2D or DEPTHWISE_CONV_2D, per input / filter / output types; NULL: refused. */
typedef struct {
    tl_eval_fn f32;    /* float32 */
    tl_eval_fn s8;     /* int8, int32 bias */
    tl_eval_fn s16;    /* int16 x int8 -> int16, int64 bias, zero points 0 */
    tl_eval_fn hybrid; /* float32 x int8 -> float32, float32 bias */
} tl_conv_evals;

/* CONV_2D (depthwise 0) and DEPTHWISE_CONV_2D (1): checks that input, filter and output are
 * 4-D, allocates the op data (node->op_data: a tl_conv_hybrid_data for hybrid types, else a tl_conv_data), reads the options, fills the geometry, checks the
 * filter's channels, the output shape and the bias size (DEPTHWISE takes its multiplier from the
 * shapes: the option is unreliable in old files), then prepares the node's types and picks their
 * eval; `refusal` lists the supported types. */
tl_status tl_conv_prepare(tl_interpreter *it, tl_node *node, int depthwise, const tl_conv_evals *evals,
                          const char *refusal);

/* float32: the bias (input `bias_input`, optional) is float32; the activation's float range. */
tl_status tl_conv_prepare_f32(tl_interpreter *it, tl_node *node, int32_t bias_input, int8_t act, tl_conv_data *d);

/* Quantized (int8, and int16 activations with int8 weights), after the type checks: the
 * per-channel multipliers for in_scale * w_scale[c] / out_scale (int16: shifts within
 * [-31, 7]; one allocation holds d->mult and the shifts), the zero-point offsets and the activation's integer range. `in_input` and
 * `filter_input` are the node's input positions of the data and the filter. */
tl_status tl_conv_prepare_requant(tl_interpreter *it, tl_node *node, int32_t in_input, int32_t filter_input, int8_t act,
                                  tl_conv_data *d);

#endif
