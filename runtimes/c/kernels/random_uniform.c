/* RANDOM_UNIFORM: float32 uniform on [0, 1) from the node's Philox stream (common/random.h): four values per
 * block, the block's unused values dropped at the end of each invoke, as LiteRT's reference kernel. */
#include "common/random.h"

static tl_status tl_random_uniform_eval_f32(tl_interpreter *it, tl_node *node) {
    tl_philox *p = node->op_data;
    tl_tensor *out = tl_node_output(it, node, 0);
    const tl_tensor *shape = tl_node_input(it, node, 0);
    float *y = out->data;
    int64_t i, n = tl_tensor_numel(out);
    uint32_t block[4];
    if (!shape->is_constant && !tl_random_shape_ok(shape, out))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "the shape input differs from the output's shape");
    for (i = 0; i < n; i++) {
        if (i % 4 == 0) tl_philox_next(p, block);
        y[i] = tl_philox_float(block[i % 4]);
    }
    return TL_STATUS_OK;
}

tl_status tl_random_uniform_prepare(tl_interpreter *it, tl_node *node) {
    return tl_random_float_prepare(it, node, tl_random_uniform_eval_f32);
}
