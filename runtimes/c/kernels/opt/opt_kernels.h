/* The optimized tier's kernels (kernels/opt/): each runs after the reference kernel's prepare has
 * filled node->op_data and picked the reference eval, and, when it can handle the node, replaces op
 * data and eval with its own; otherwise it leaves them. */
#ifndef TL_OPT_KERNELS_H
#define TL_OPT_KERNELS_H

#include "../../src/kernel_api.h"

/* Work split between threads: n items in chunks of whole `unit`s, at most `threads` chunks; the
 * chunk size, and the number of chunks in *tasks. */
static inline int64_t tl_split(int64_t n, int32_t threads, int32_t unit, int32_t *tasks) {
    int64_t per = (n + threads - 1) / threads;
    per = (per + unit - 1) / unit * unit;
    if (per < unit) per = unit;
    *tasks = (int32_t)((n + per - 1) / per);
    return per;
}

tl_status tl_conv_2d_opt_f32_prepare(tl_interpreter *it, tl_node *node);
tl_status tl_conv_2d_opt_s8_prepare(tl_interpreter *it, tl_node *node);
/* CONV_2D's GEMM path for the node's tl_conv_data (depthwise 0), or for a DEPTHWISE_CONV_2D over one input channel
 * (depthwise 1: the same sums with m = out_c output channels, its filter [1, kh, kw, m] read as W[k][oc]); like the
 * prepares, leaves op data and eval as they are where it does not apply. */
tl_status tl_conv_2d_opt_f32_gemm(tl_interpreter *it, tl_node *node, int depthwise);
tl_status tl_conv_2d_opt_s8_gemm(tl_interpreter *it, tl_node *node, int depthwise);
tl_status tl_depthwise_conv_2d_opt_f32_prepare(tl_interpreter *it, tl_node *node);
tl_status tl_depthwise_conv_2d_opt_s8_prepare(tl_interpreter *it, tl_node *node);
/* ADD / SUB int8 and int16 parameters (kernels/common/add_sub.c) and MUL's (kernels/mul.c), for the
 * optimized elementwise kernels (opt/binary_q.c); those and float32's (opt/binary_f32.c) take the
 * node when its broadcast is one of opt/elementwise.h's, and leave it to the reference otherwise. */
typedef struct {
    int32_t sign, left_shift, a_offset, b_offset, out_offset;
    int32_t a_mult, a_shift, b_mult, b_shift, out_mult, out_shift, q_lo, q_hi;
} tl_add_q_params;

typedef struct {
    int32_t a_offset, b_offset, out_offset, mult, shift, q_lo, q_hi;
} tl_mul_q_params;

enum { TL_OPT_ADD = 0, TL_OPT_SUB = 1, TL_OPT_MUL = 2 };

tl_status tl_add_sub_opt_q_prepare(tl_interpreter *it, tl_node *node, const tl_add_q_params *params);
tl_status tl_mul_opt_q_prepare(tl_interpreter *it, tl_node *node, const tl_mul_q_params *params);
tl_status tl_binary_opt_f32_prepare(tl_interpreter *it, tl_node *node, int32_t op, float lo, float hi);
/* A byte-to-byte elementwise unary op (int8 / uint8 input and output of the same size) through a table
 * built now: f(ctx, x) is the reference kernel's own result for the input value x (-128..127 when
 * in_signed, else 0..255), in the output type's range. */
typedef int32_t (*tl_byte_unary_fn)(const void *ctx, int32_t x);
tl_status tl_unary_opt_lut_prepare(tl_interpreter *it, tl_node *node, int in_signed, tl_byte_unary_fn f, const void *ctx);
/* MEAN (kernels/common/reduce.c) over one block of adjacent axes: the input seen as [outer, rows,
 * inner], the mean over rows; integer parameters as the reference's (1 / rows folded into mult). */
typedef struct {
    int64_t outer, rows, inner;
    int32_t in_zp, out_zp, mult, shift;
} tl_mean_params;

tl_status tl_mean_opt_prepare(tl_interpreter *it, tl_node *node, const tl_mean_params *params);
tl_status tl_hard_swish_opt_f32_prepare(tl_interpreter *it, tl_node *node);
/* SOFTMAX of int8 (to int8 or int16) or uint8 (to uint8) rows (opt/softmax_q8.c): the reference's parameters
 * (kernels/softmax.c). */
typedef struct {
    int32_t rows, depth, in_signed, out_bits, out_zero;
    int32_t input_multiplier, input_left_shift, diff_min;
} tl_softmax_q8_params;

tl_status tl_softmax_opt_q8_prepare(tl_interpreter *it, tl_node *node, const tl_softmax_q8_params *params);
/* TRANSPOSE (opt/transpose.c): the output's dims and, for each output axis, its input stride in elements. */
tl_status tl_transpose_opt_prepare(tl_interpreter *it, tl_node *node, int32_t ndim, const int32_t *out_dims,
                                   const int64_t *in_stride, size_t elem);
tl_status tl_fully_connected_opt_f32_prepare(tl_interpreter *it, tl_node *node, int32_t batches, int32_t depth,
                                             int32_t units, float lo, float hi);
/* FULLY_CONNECTED int8 (opt/fully_connected_s8.c): the reference's offsets, clamp and requantization scales
 * (per-unit `scales`, persistent and units long, or NULL: `scale` for every unit). */
tl_status tl_fully_connected_opt_s8_prepare(tl_interpreter *it, tl_node *node, int32_t batches, int32_t depth, int32_t units,
                                            int32_t in_offset, int32_t w_offset, int32_t out_offset, int32_t q_lo,
                                            int32_t q_hi, double scale, const double *scales);
/* Hybrid CONV_2D and FULLY_CONNECTED (float32 x int8 weights, opt/conv_2d_hybrid.c, opt/fully_connected_hybrid.c):
 * FULLY_CONNECTED gets the reference's row quantization (asymmetric or not), per-unit weight scales
 * (persistent), activation range and the scratch it requested for the quantized rows. */
tl_status tl_conv_2d_opt_hybrid_prepare(tl_interpreter *it, tl_node *node);
tl_status tl_fully_connected_opt_hybrid_prepare(tl_interpreter *it, tl_node *node, int32_t batches, int32_t depth,
                                                int32_t units, int32_t asymmetric, const float *w_scale, float lo,
                                                float hi, tl_scratch *rows);

#endif
