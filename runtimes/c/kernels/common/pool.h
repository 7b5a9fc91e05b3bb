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

/* Checks the node, fills the op data and picks the kernel's eval for the input type. */
tl_status tl_pool_prepare(tl_interpreter *it, tl_node *node, tl_eval_fn eval_f32, tl_eval_fn eval_s8,
                          tl_eval_fn eval_s16);

#endif
