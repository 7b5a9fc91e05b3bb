/* Shared prepare for MAX_POOL_2D and AVERAGE_POOL_2D (Pool2DOptions). */
#ifndef TL_POOL_H
#define TL_POOL_H

#include "../../src/kernel_api.h"
#include "window.h"

typedef struct {
    tl_window win;
    int32_t batches, in_h, in_w, channels;
    float f_lo, f_hi;
    int32_t q_lo, q_hi;
} tl_pool_data;

/* A pool's eval: for each output element (b, oy, ox, c), in order, INIT, then STEP for each
 * input value v (type T) of its window that lies inside the input, then STORE, which writes
 * y[o++] (d: the op data). */
#define TL_POOL_EVAL(NAME, T, INIT, STEP, STORE)                                                          \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {                                            \
        const tl_pool_data *d = node->op_data;                                                            \
        const tl_window *w = &d->win;                                                                     \
        const T *x = tl_node_input(it, node, 0)->data;                                                    \
        T *y = tl_node_output(it, node, 0)->data;                                                         \
        int32_t b, oy, ox, c;                                                                             \
        int64_t o = 0;                                                                                    \
        for (b = 0; b < d->batches; b++)                                                                  \
            for (oy = 0; oy < w->out_h; oy++)                                                             \
                for (ox = 0; ox < w->out_w; ox++)                                                         \
                    for (c = 0; c < d->channels; c++) {                                                   \
                        int32_t ky, kx, ky0, ky1, kx0, kx1;                                               \
                        INIT;                                                                             \
                        tl_window_taps(oy * w->stride_h - w->pad_h, 1, w->filter_h, d->in_h, &ky0, &ky1); \
                        tl_window_taps(ox * w->stride_w - w->pad_w, 1, w->filter_w, d->in_w, &kx0, &kx1); \
                        for (ky = ky0; ky < ky1; ky++)                                                    \
                            for (kx = kx0; kx < kx1; kx++) {                                              \
                                int32_t iy = oy * w->stride_h - w->pad_h + ky;                            \
                                int32_t ix = ox * w->stride_w - w->pad_w + kx;                            \
                                T v = x[(((int64_t)b * d->in_h + iy) * d->in_w + ix) * d->channels + c];  \
                                STEP;                                                                     \
                            }                                                                             \
                        STORE;                                                                            \
                    }                                                                                     \
        return TL_STATUS_OK;                                                                              \
    }

/* Checks the node, fills the op data and picks the kernel's eval for the input type. */
tl_status tl_pool_prepare(tl_interpreter *it, tl_node *node, tl_eval_fn eval_f32, tl_eval_fn eval_s8,
                          tl_eval_fn eval_s16);

#endif
