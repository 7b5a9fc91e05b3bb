/* Elementwise activations computed, for int8 and uint8, through a 256-entry table (LOGISTIC, TANH, GELU). */
#ifndef TL_LUT_ACTIVATION_H
#define TL_LUT_ACTIVATION_H

#include "../../src/kernel_api.h"

/* Prepares a float32 / int8 / uint8 activation node: float32 runs `eval_f32`; int8 and uint8 build the table of
 * f at prepare time, as LiteRT's reference kernels do (dequantize each value, f in float, round
 * half away from zero in output units, add the output zero point, clamp), and runs it.
 * out_scale > 0 requires that output scale (LOGISTIC: 1/256); other types are refused (the
 * message is prefixed with the node and op by tl_fail). */
tl_status tl_lut_activation_prepare(tl_interpreter *it, tl_node *node, float (*f)(float),
                                    float out_scale, tl_eval_fn eval_f32);

#endif
