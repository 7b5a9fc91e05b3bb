/* MAX_POOL_2D: the maximum over each window's valid (unpadded) elements, then the activation. */
#include "../src/kernel_api.h"
#include "common/pool.h"
#include "common/quant_math.h"

/* The largest of the window's elements inside the input (0 when none is). */
#define MAX_EVAL(NAME, T, STORE) \
    TL_POOL_EVAL(NAME, T, int32_t seen = 0; T best = 0, (best = !seen || v > best ? v : best, seen = 1), STORE)

MAX_EVAL(tl_max_pool_2d_eval_f32, float, y[o++] = best < d->act.f.lo ? d->act.f.lo : (best > d->act.f.hi ? d->act.f.hi : best))
MAX_EVAL(tl_max_pool_2d_eval_s8, int8_t, y[o++] = (int8_t)tl_clamp_i32(best, d->act.q.lo, d->act.q.hi))
MAX_EVAL(tl_max_pool_2d_eval_s16, int16_t, y[o++] = (int16_t)tl_clamp_i32(best, d->act.q.lo, d->act.q.hi))

tl_status tl_max_pool_2d_prepare(tl_interpreter *it, tl_node *node) {
    return tl_pool_prepare(it, node, tl_max_pool_2d_eval_f32, tl_max_pool_2d_eval_s8, tl_max_pool_2d_eval_s16);
}
