/* RELU6 and RELU_N1_TO_1 share one kernel: clamp to [lo, hi]. float32 compares (NaN passes
 * through, as LiteRT's); int8, uint8 (and int16 with zero points 0) requantize x - zp_in by s_in / s_out
 * (formed in float, widened, as LiteRT) plus zp_out, then clamp to zp_out + roundf(lo / s_out) ..
 * zp_out + roundf(hi / s_out) within the type, as LiteRT's QuantizedReluX. */
#ifndef TL_RELU_X_H
#define TL_RELU_X_H

#include "../../src/kernel_api.h"

/* allow_s16: whether int16 is accepted (RELU6 yes, RELU_N1_TO_1 no, as LiteRT). */
tl_status tl_relu_x_prepare(tl_interpreter *it, tl_node *node, float lo, float hi, int allow_s16);

#endif
