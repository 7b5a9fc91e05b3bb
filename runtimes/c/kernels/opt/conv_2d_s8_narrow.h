/* int8 CONV_2D with few output channels (conv_2d_s8_narrow.c). */
#ifndef TL_CONV_2D_S8_NARROW_H
#define TL_CONV_2D_S8_NARROW_H

#include "../../src/kernel_api.h"

/* Takes the node (replaces op data and eval) when it has at most 8 output channels, a window wider than
 * one tap and an output width that whole groups of pixels divide; leaves it otherwise. depthwise 1: a
 * DEPTHWISE_CONV_2D over one input channel (its tl_conv_data; taken only then), the filter [1, kh, kw, m]. */
tl_status tl_conv_2d_opt_s8_narrow_prepare(tl_interpreter *it, tl_node *node, int depthwise);

#endif
