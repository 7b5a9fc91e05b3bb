/* L2_POOL_2D: sqrt(mean of the squares) over each window's elements inside the input, then the
 * fused activation; float32 only, as LiteRT's reference (Pool2DOptions, like the other pools). */
#include <math.h>

#include "../src/kernel_api.h"
#include "common/pool.h"

static float clamp_f32(float v, float lo, float hi) { return v < lo ? lo : (v > hi ? hi : v); }

TL_POOL_EVAL(tl_l2_pool_2d_eval_f32, float, float sum = 0.0f; int32_t count = 0, (sum += v * v, count++),
             y[o++] = clamp_f32(sqrtf(sum / (float)(count ? count : 1)), d->act.f.lo, d->act.f.hi))

tl_status tl_l2_pool_2d_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0);
    if (in && in->type != TL_TYPE_FLOAT32)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "L2_POOL_2D supports float32");
    return tl_pool_prepare(it, node, tl_l2_pool_2d_eval_f32, tl_l2_pool_2d_eval_f32, tl_l2_pool_2d_eval_f32);
}
