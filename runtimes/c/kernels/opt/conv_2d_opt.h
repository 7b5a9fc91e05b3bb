/* The optimized tier's convolution kernels (kernels/opt/): each runs after the reference kernel's
 * prepare has filled node->op_data (tl_conv_data) and picked the reference eval, and, when it can
 * handle the node, replaces op data and eval with its own; otherwise it leaves them. */
#ifndef TL_CONV_2D_OPT_H
#define TL_CONV_2D_OPT_H

#include "../../src/kernel_api.h"

tl_status tl_conv_2d_opt_f32_prepare(tl_interpreter *it, tl_node *node);
tl_status tl_conv_2d_opt_s8_prepare(tl_interpreter *it, tl_node *node);
tl_status tl_depthwise_conv_2d_opt_f32_prepare(tl_interpreter *it, tl_node *node);
tl_status tl_depthwise_conv_2d_opt_s8_prepare(tl_interpreter *it, tl_node *node);

#endif
