/* Shared prepare for MAX_POOL_2D and AVERAGE_POOL_2D (Pool2DOptions). */
#ifndef TL_POOL_H
#define TL_POOL_H

#include "../../src/kernel_api.h"
#include "window.h"

/* The window (pools have no dilation) and the activation's range; eval reads the sizes from the tensors. */
typedef struct {
    int32_t stride_h, stride_w, filter_h, filter_w, pad_h, pad_w;
    union {
        struct {
            float lo, hi;
        } f;
        struct {
            int32_t lo, hi;
        } q;
    } act;
} tl_pool_data;

/* A pool's eval: for each output element (b, oy, ox, c), in order, INIT, then STEP for each
 * input value v (type T) of its window that lies inside the input, then STORE, which writes
 * y[o++] (d: the op data). */
#define TL_POOL_EVAL(NAME, T, INIT, STEP, STORE)                                                          \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {                                            \
        const tl_pool_data *d = node->op_data;                                                            \
        const tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);             \
        const T *x = in->data;                                                                            \
        T *y = out->data;                                                                                 \
        int32_t in_h = in->dims[1], in_w = in->dims[2], channels = in->dims[3];                          \
        int32_t b, oy, ox, c;                                                                             \
        int64_t o = 0;                                                                                    \
        for (b = 0; b < in->dims[0]; b++)                                                                 \
            for (oy = 0; oy < out->dims[1]; oy++)                                                         \
                for (ox = 0; ox < out->dims[2]; ox++)                                                     \
                    for (c = 0; c < channels; c++) {                                                      \
                        int32_t ky, kx, ky0, ky1, kx0, kx1;                                               \
                        INIT;                                                                             \
                        tl_window_taps(oy * d->stride_h - d->pad_h, 1, d->filter_h, in_h, &ky0, &ky1);    \
                        tl_window_taps(ox * d->stride_w - d->pad_w, 1, d->filter_w, in_w, &kx0, &kx1);    \
                        for (ky = ky0; ky < ky1; ky++)                                                    \
                            for (kx = kx0; kx < kx1; kx++) {                                              \
                                int32_t iy = oy * d->stride_h - d->pad_h + ky;                            \
                                int32_t ix = ox * d->stride_w - d->pad_w + kx;                            \
                                T v = x[(((int64_t)b * in_h + iy) * in_w + ix) * channels + c];           \
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
