/* Hybrid (dynamic-range) kernels: float32 activations, int8 weights. Each batch row of the input
 * is quantized to int8 at run time, the products are accumulated in int32, and the sum is scaled
 * back to float. The row quantization follows LiteRT's tensor_utils:
 *  - symmetric: range = max(|min|, |max|) (float); scale = range / 127, values round(x * 127 /
 *    range) (half away from zero) clamped to [-127, 127], zero point 0; an all-zero row: scale 1.
 *  - asymmetric: [min(0, min), max(0, max)] mapped onto [-128, 127] in double, the zero point
 *    chosen from the end with the smaller error and nudged into range; values
 *    round(zp + x * (1 / scale)) in float, clamped; a zero range: scale 1, zero point 0.
 * Float-to-int conversions of NaN or out-of-range values (inf, NaN in the input) give INT32_MIN
 * before the clamp, as x86's cvttss2si does for LiteRT, never undefined behaviour. */
#ifndef TL_HYBRID_H
#define TL_HYBRID_H

#include "../../src/kernel_api.h"

void tl_hybrid_quantize_symmetric(const float *x, int64_t n, int8_t *q, float *scale);
void tl_hybrid_quantize_asymmetric(const float *x, int64_t n, int8_t *q, float *scale, int32_t *zero_point);

/* The input rows a hybrid kernel quantizes at run time, kept in scratch: a scale and a zero point
 * per row, then the rows' int8 values. */
typedef struct {
    float *scale;
    int32_t *zero_point;
    int8_t *q;
} tl_hybrid_rows;

/* In prepare: scratch for `batches` rows of `row_size` values (NULL: the arena is full). */
tl_scratch *tl_hybrid_request_rows(tl_interpreter *it, const tl_node *node, int32_t batches, int64_t row_size);

/* In eval: quantizes each row of x into the scratch, asymmetrically or symmetrically (zero point 0). */
tl_hybrid_rows tl_hybrid_quantize_rows(const tl_scratch *s, const float *x, int32_t batches, int64_t row_size,
                                       int asymmetric);

/* y[b * y_stride + u] += (sum_k w[u, k] * (q[b, k] - zero point[b])) * (row scale[b] * w_scale) for the `units`
 * rows of an int8 matrix w [units, depth] with one scale, as LiteRT's hybrid matrix-batch-vector product
 * (integer sums exact; each row's scale times the weight scale, in float). prepare bounds depth for int32. */
void tl_hybrid_accumulate(const int8_t *w, float w_scale, int32_t units, int64_t depth, const tl_hybrid_rows *q,
                          int32_t batches, float *y, int64_t y_stride);

/* Checks the int8 weights of a hybrid op (usable per-tensor or per-channel scales along
 * `quant_dim` with `channels` entries, zero point 0) and copies the scale of each of the
 * `channels` output channels into persistent memory (*scales). */
tl_status tl_hybrid_prepare_weights(tl_interpreter *it, const tl_node *node, const tl_tensor *w, int32_t quant_dim,
                                    int32_t channels, float **scales);

#endif
