/* Geometry shared by CONV_3D and CONV_3D_TRANSPOSE (NDHWC activations, Conv3DOptions): the height/width window
 * and the depth window (common/window.h's rules per axis), the fused activation's range. */
#ifndef TL_CONV3D_H
#define TL_CONV3D_H

#include "../../src/kernel_api.h"
#include "window.h"

typedef struct {
    int32_t batches, in_d, in_h, in_w, in_c, out_d, out_h, out_w, out_c;
    int32_t kd, kh, kw;
    tl_window hw, d;      /* d: the depth axis in the h fields */
    float lo, hi;
} tl_conv3d;

/* Reads Conv3DOptions and fills the windows for spatial input (depth, height, width) `in`: the output's
 * spatial size (forward convolution) or, for CONV_3D_TRANSPOSE, the padding from its output size. */
tl_status tl_conv3d_options(tl_interpreter *it, const tl_node *node, tl_conv3d *g, const int32_t in[3]);

#endif
