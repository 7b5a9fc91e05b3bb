/* int16 LOGISTIC and TANH as LiteRT's reference integer kernels (zero points 0, output scale
 * 2^-15). The input is rescaled to units of 1/(3 * 4096) (LOGISTIC; TANH's doubling of the
 * argument, tanh(x) = 2 sigmoid(2x) - 1, halves that): with a power-of-two input scale of 2^-12
 * (TANH also 2^-11) by x * (3 << (12 + log2 scale)); otherwise by x * m rounded right by s, where
 * m = scale * 12288 is doubled (s increased) while <= 16383.5 and s <= 30, then truncated to an
 * integer. |x| then indexes a 256-entry
 * table of about 65536 * sigmoid(i / 24) (LiteRT's values, built at prepare) with linear
 * interpolation on its low 9 (LOGISTIC) or 8 (TANH) bits, saturating past the table, and is
 * mirrored for negative inputs. Input scales above 5.33 (whose products would overflow int32)
 * are refused. */
#ifndef TL_SIGMOID16_H
#define TL_SIGMOID16_H

#include "../../src/kernel_api.h"

/* Prepares an int16 node; the caller has checked that the input is int16. */
tl_status tl_sigmoid16_prepare(tl_interpreter *it, tl_node *node, int is_tanh);

#endif
