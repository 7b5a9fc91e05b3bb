/* The optimized hybrid (dynamic-range) CONV_2D and FULLY_CONNECTED (conv_2d_hybrid.c,
 * fully_connected_hybrid.c): the input rows quantized by the reference's own functions
 * (common/hybrid.h), the int32 sums sum_k q * w by the int8 GEMM's raw kernels (gemm_s8.h), and
 * here the reference's float arithmetic on them, in its order, for one output row of n channels:
 *
 *     acc = s[j] - zp * colsum[j]                   (= sum_k (q - zp) * w: the padded taps hold zp)
 *     FULLY_CONNECTED:      v = (bias ? bias[j] : 0) + (float)acc * (row_scale * w_scale[j])
 *     CONV_2D, one scale:   v = (float)acc * row_scale; v += bias[j] if there is a bias
 *                           (row_scale already the row's scale times the filter's, in float)
 *     CONV_2D, per channel: v = (float)acc * w_scale[j] * row_scale; v += bias[j] if there is a bias
 *     y[j] = v < lo ? lo : v > hi ? hi : v          (NaN passes, as in the reference)
 *
 * Each IEEE operation is the reference's, lane by lane (no fused multiply-adds), so the floats are
 * the same bit for bit. Portable C here, AVX-512 and AVX2 in hybrid_s8_x86.c. */
#ifndef TL_HYBRID_S8_H
#define TL_HYBRID_S8_H

#include <stdint.h>

enum { TL_HYBRID_FC = 0, TL_HYBRID_CONV = 1, TL_HYBRID_CONV_PER_CHANNEL = 2 };

typedef struct {
    const int32_t *colsum; /* per channel: the sum of its weights */
    const float *w_scale;  /* per channel */
    const float *bias;     /* per channel, or NULL */
    float lo, hi;          /* the fused activation's range */
    int32_t kind;          /* TL_HYBRID_* */
} tl_hybrid_out;

typedef void (*tl_hybrid_row_fn)(const int32_t *s, int32_t n, const tl_hybrid_out *o, float row_scale, int32_t zp,
                                 float *y);

void tl_hybrid_row_portable(const int32_t *s, int32_t n, const tl_hybrid_out *o, float row_scale, int32_t zp, float *y);
/* x86-64 with GCC or clang only */
void tl_hybrid_row_avx512(const int32_t *s, int32_t n, const tl_hybrid_out *o, float row_scale, int32_t zp, float *y);
void tl_hybrid_row_avx2(const int32_t *s, int32_t n, const tl_hybrid_out *o, float row_scale, int32_t zp, float *y);
/* The best of them for these CPU features (src/cpu.h). */
tl_hybrid_row_fn tl_hybrid_row_select(uint32_t cpu);

#endif
