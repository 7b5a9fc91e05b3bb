/* MAX_POOL_2D: the maximum over each window's valid (unpadded) elements, then the activation. */
#include "../src/kernel_api.h"
#include "common/pool.h"
#include "common/quant_math.h"

#define MAX_LOOP(T, STORE)                                                                        \
    for (b = 0; b < d->batches; b++)                                                              \
        for (oy = 0; oy < w->out_h; oy++)                                                         \
            for (ox = 0; ox < w->out_w; ox++)                                                     \
                for (c = 0; c < d->channels; c++) {                                               \
                    int32_t ky, kx, seen = 0, ky0, ky1, kx0, kx1;                                                     \
                    T best = 0;                                                                   \
                    tl_window_taps(oy * w->stride_h - w->pad_h, 1, w->filter_h, d->in_h, &ky0, &ky1);        \
                    tl_window_taps(ox * w->stride_w - w->pad_w, 1, w->filter_w, d->in_w, &kx0, &kx1);        \
                    for (ky = ky0; ky < ky1; ky++)                                              \
                        for (kx = kx0; kx < kx1; kx++) {                                        \
                            int32_t iy = oy * w->stride_h - w->pad_h + ky;                        \
                            int32_t ix = ox * w->stride_w - w->pad_w + kx;                        \
                            T v;                                                                  \
                            v = x[(((int64_t)b * d->in_h + iy) * d->in_w + ix) * d->channels + c]; \
                            if (!seen || v > best) best = v;                                      \
                            seen = 1;                                                             \
                        }                                                                         \
                    STORE;                                                                        \
                }

#define MAX_EVAL(NAME, T, STORE)                                        \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {          \
        const tl_pool_data *d = node->op_data;                          \
        const tl_window *w = &d->win;                                   \
        const T *x = tl_node_input(it, node, 0)->data;                  \
        T *y = tl_node_output(it, node, 0)->data;                       \
        int32_t b, oy, ox, c;                                           \
        int64_t o = 0;                                                  \
        MAX_LOOP(T, STORE)                                              \
        return TL_STATUS_OK;                                            \
    }

MAX_EVAL(tl_max_pool_2d_eval_f32, float, y[o++] = best < d->f_lo ? d->f_lo : (best > d->f_hi ? d->f_hi : best))
MAX_EVAL(tl_max_pool_2d_eval_s8, int8_t, y[o++] = (int8_t)tl_clamp_i32(best, d->q_lo, d->q_hi))
MAX_EVAL(tl_max_pool_2d_eval_s16, int16_t, y[o++] = (int16_t)tl_clamp_i32(best, d->q_lo, d->q_hi))

tl_status tl_max_pool_2d_prepare(tl_interpreter *it, tl_node *node) {
    return tl_pool_prepare(it, node, tl_max_pool_2d_eval_f32, tl_max_pool_2d_eval_s8, tl_max_pool_2d_eval_s16);
}
