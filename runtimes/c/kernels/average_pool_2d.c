/* AVERAGE_POOL_2D: the mean over each window's valid elements. Integer types round the mean
 * half away from zero ((sum +- count/2) / count), as LiteRT's reference kernel. */
#include "../src/kernel_api.h"
#include "common/pool.h"
#include "common/quant_math.h"

#define AVG_LOOP(T, ACC_T, STORE)                                                                 \
    for (b = 0; b < d->batches; b++)                                                              \
        for (oy = 0; oy < w->out_h; oy++)                                                         \
            for (ox = 0; ox < w->out_w; ox++)                                                     \
                for (c = 0; c < d->channels; c++) {                                               \
                    int32_t ky, kx, count = 0, ky0, ky1, kx0, kx1;                                                    \
                    ACC_T sum = 0;                                                                \
                    tl_window_taps(oy * w->stride_h - w->pad_h, 1, w->filter_h, d->in_h, &ky0, &ky1);        \
                    tl_window_taps(ox * w->stride_w - w->pad_w, 1, w->filter_w, d->in_w, &kx0, &kx1);        \
                    for (ky = ky0; ky < ky1; ky++)                                              \
                        for (kx = kx0; kx < kx1; kx++) {                                        \
                            int32_t iy = oy * w->stride_h - w->pad_h + ky;                        \
                            int32_t ix = ox * w->stride_w - w->pad_w + kx;                        \
                            sum += x[(((int64_t)b * d->in_h + iy) * d->in_w + ix) * d->channels + c]; \
                            count++;                                                              \
                        }                                                                         \
                    if (count == 0) count = 1;                                                    \
                    STORE;                                                                        \
                }

static int32_t rounded_mean(int32_t sum, int32_t count) {
    return sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
}

static tl_status avg_pool_eval(tl_interpreter *it, tl_node *node) {
    const tl_pool_data *d = node->op_data;
    const tl_window *w = &d->win;
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    int32_t b, oy, ox, c;
    int64_t o = 0;
    if (in->type == TL_TYPE_FLOAT32) {
        const float *x = in->data;
        float *y = out->data;
        AVG_LOOP(float, float, {
            float v = sum / (float)count;
            y[o++] = v < d->f_lo ? d->f_lo : (v > d->f_hi ? d->f_hi : v);
        })
    } else if (in->type == TL_TYPE_INT8) {
        const int8_t *x = in->data;
        int8_t *y = out->data;
        AVG_LOOP(int8_t, int32_t, y[o++] = (int8_t)tl_clamp_i32(rounded_mean(sum, count), d->q_lo, d->q_hi))
    } else {
        const int16_t *x = in->data;
        int16_t *y = out->data;
        AVG_LOOP(int16_t, int32_t, y[o++] = (int16_t)tl_clamp_i32(rounded_mean(sum, count), d->q_lo, d->q_hi))
    }
    return TL_STATUS_OK;
}

const tl_kernel tl_kernel_average_pool_2d = {1, "AVERAGE_POOL_2D", tl_pool_prepare, avg_pool_eval};
