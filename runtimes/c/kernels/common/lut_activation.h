/* Elementwise activations computed through a table: int8 and uint8 by a 256-entry one (LOGISTIC, TANH, GELU,
 * EXP, LOG), int16 by LiteRT's 513-entry interpolated one (EXP, LOG, GELU). */
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

/* Prepares an int16 node (EXP, LOG, GELU) as LiteRT's reference: a 513-entry table of f over the input's range,
 * in units of the output scale, each entry rounded and then lowered by half (rounded) the error linear
 * interpolation would make at its step's midpoint; a value is looked up by its top 9 bits and interpolated on
 * its low 7. zero_points_zero: both zero points must be 0 (EXP and LOG; LiteRT refuses others). */
tl_status tl_lut16_activation_prepare(tl_interpreter *it, tl_node *node, float (*f)(float), int zero_points_zero);

#endif
