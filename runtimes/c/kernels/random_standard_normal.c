/* RANDOM_STANDARD_NORMAL: float32 standard normal values from the node's Philox stream (common/random.h), by
 * TensorFlow's Box-Muller transform: words x0, x1 become uniform u1 (at least 1e-7), u2 in [0, 1), then
 * r = sqrtf(-2 logf(u1)), v = 2 pi u2 (in double, rounded to float), and the pair (r sinf(v), r cosf(v)).
 * Four values per block; the block's unused values are dropped at the end of each invoke, as LiteRT's. */
#include <math.h>

#include "common/random.h"

static tl_status tl_random_standard_normal_eval_f32(tl_interpreter *it, tl_node *node) {
    tl_philox *p = node->op_data;
    tl_tensor *out = tl_node_output(it, node, 0);
    const tl_tensor *shape = tl_node_input(it, node, 0);
    float *y = out->data, pair[4];
    int64_t i, n = tl_tensor_numel(out);
    uint32_t block[4];
    if (!shape->is_constant && !tl_random_shape_ok(shape, out))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "the shape input differs from the output's shape");
    for (i = 0; i < n; i++) {
        if (i % 4 == 0) {
            int k;
            tl_philox_next(p, block);
            for (k = 0; k < 4; k += 2) {
                float u1 = tl_philox_float(block[k]), v, r;
                if (u1 < 1.0e-7f) u1 = 1.0e-7f;
                v = (float)(2.0 * 3.14159265358979323846 * tl_philox_float(block[k + 1]));
                r = sqrtf(-2.0f * logf(u1));
                pair[k] = sinf(v) * r;
                pair[k + 1] = cosf(v) * r;
            }
        }
        y[i] = pair[i % 4];
    }
    return TL_STATUS_OK;
}

tl_status tl_random_standard_normal_prepare(tl_interpreter *it, tl_node *node) {
    return tl_random_float_prepare(it, node, tl_random_standard_normal_eval_f32);
}
