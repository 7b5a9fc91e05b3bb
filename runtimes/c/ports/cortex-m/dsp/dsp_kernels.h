/* int8 kernels for Cortex-M cores with the DSP extension (Armv7E-M: Cortex-M4, M7; Armv8-M with
 * DSP: M33, M35P, M55, M85), on two 16-bit lanes per 32-bit register:
 *
 *   SXTB16 / SXTAB16  sign-extend bytes 0 and 2 (or, rotated by 8, 1 and 3) of a word into two
 *                     16-bit lanes, the second form adding a pair of offsets at the same time;
 *   SMLAD             acc + lo(a) * lo(b) + hi(a) * hi(b): two multiply-accumulates in one
 *                     instruction (CONV_2D, FULLY_CONNECTED);
 *   SMLABB / SMLATT   acc + the low (top) halves' product (DEPTHWISE_CONV_2D, whose channels do
 *                     not sum into one another).
 *
 * Four int8 values x0 x1 x2 x3 become the pairs (x0, x2) and (x1, x3), so activations are widened
 * into that order once (im2col, a FULLY_CONNECTED input row) and weights are read in place, as the
 * model stores them (in flash on a microcontroller), at two extensions per four. Every product and
 * sum is exact in int32 (prepare refuses sums that could leave it, leaving the reference kernel),
 * and the requantization is the reference kernels' own, so outputs equal theirs bit for bit.
 *
 * The optimized tier's int8 prepares choose these when TL_ARM_DSP is set: the firmware build
 * (ports/cortex-m/Makefile) defines TL_CORTEX_M_DSP and compiles this folder, and the compiler
 * defines __ARM_FEATURE_DSP for a -mcpu with the extension; a core without it (Cortex-M0, M3) or a
 * build with DSP=0 keeps the other kernels. */
#ifndef TL_DSP_KERNELS_H
#define TL_DSP_KERNELS_H

#include "../../../src/kernel_api.h"

#if defined(TL_CORTEX_M_DSP) && defined(__ARM_FEATURE_DSP)
#define TL_ARM_DSP 1
#endif

/* What FULLY_CONNECTED int8's prepare computed (kernels/fully_connected.c), for the DSP kernel. */
typedef struct {
    int32_t batches, depth, units;
    int32_t in_offset, w_offset, out_offset, q_lo, q_hi;
    double scale;          /* in_scale * w_scale / out_scale, per-tensor weights */
    const double *scales;  /* per-unit weights: that per unit (NULL: scale for every unit) */
} tl_fc_s8_params;

/* Each replaces the node's eval (and op data) when it can run the node, else leaves it. */
tl_status tl_conv_2d_dsp_s8_prepare(tl_interpreter *it, tl_node *node);
tl_status tl_depthwise_conv_2d_dsp_s8_prepare(tl_interpreter *it, tl_node *node);
tl_status tl_fully_connected_dsp_s8_prepare(tl_interpreter *it, tl_node *node, const tl_fc_s8_params *params);

/* The interpreter's nodes that run a DSP kernel (0 without TL_ARM_DSP): the firmware reports it. */
int32_t tl_dsp_node_count(const tl_interpreter *it);

#endif
