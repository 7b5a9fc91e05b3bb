/* AVERAGE_POOL_2D: the mean over each window's valid elements. Integer types round the mean
 * half away from zero ((sum +- count/2) / count), as LiteRT's reference kernel. */
#include "../src/kernel_api.h"
#include "common/pool.h"
#include "common/quant_math.h"

static int32_t rounded_mean(int32_t sum, int32_t count) {
    return sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
}

/* The sum and the count of the window's elements inside the input (at least 1). */
#define AVG_EVAL(NAME, T, ACC_T, MEAN) \
    TL_POOL_EVAL(NAME, T, ACC_T sum = 0; int32_t count = 0, (sum += v, count++), y[o++] = MEAN(d, sum, count ? count : 1))

#define MEAN_F32(d, sum, count) clamp_f32(sum / (float)(count), d->act.f.lo, d->act.f.hi)
#define MEAN_S8(d, sum, count) (int8_t)tl_clamp_i32(rounded_mean(sum, count), d->act.q.lo, d->act.q.hi)
#define MEAN_S16(d, sum, count) (int16_t)tl_clamp_i32(rounded_mean(sum, count), d->act.q.lo, d->act.q.hi)

static float clamp_f32(float v, float lo, float hi) { return v < lo ? lo : (v > hi ? hi : v); }

AVG_EVAL(tl_average_pool_2d_eval_f32, float, float, MEAN_F32)
AVG_EVAL(tl_average_pool_2d_eval_s8, int8_t, int32_t, MEAN_S8)
AVG_EVAL(tl_average_pool_2d_eval_s16, int16_t, int32_t, MEAN_S16)

tl_status tl_average_pool_2d_prepare(tl_interpreter *it, tl_node *node) {
    return tl_pool_prepare(it, node, tl_average_pool_2d_eval_f32, tl_average_pool_2d_eval_s8,
                           tl_average_pool_2d_eval_s16);
}
