/* LOG_SOFTMAX over the last axis, float32, as LiteRT's reference: per row the max (from the
 * lowest float), sum of exp(x - max) in float, then x - max - log(sum). */
#include <float.h>
#include <math.h>

#include "../src/kernel_api.h"

typedef struct {
    int64_t rows;
    int32_t depth;
} log_softmax_data;

static tl_status tl_log_softmax_eval_f32(tl_interpreter *it, tl_node *node) {
    const log_softmax_data *d = node->op_data;
    const float *x = tl_node_input(it, node, 0)->data;
    float *y = tl_node_output(it, node, 0)->data;
    int64_t r;
    int32_t c;
    for (r = 0; r < d->rows; r++, x += d->depth, y += d->depth) {
        float max = -FLT_MAX, sum = 0.0f, log_sum;
        for (c = 0; c < d->depth; c++) max = max < x[c] ? x[c] : max;
        for (c = 0; c < d->depth; c++) sum += expf(x[c] - max);
        log_sum = logf(sum);
        for (c = 0; c < d->depth; c++) y[c] = x[c] - max - log_sum;
    }
    return TL_STATUS_OK;
}

tl_status tl_log_softmax_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    log_softmax_data *d;
    if (!in || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs an input and an output");
    if (in->type != TL_TYPE_FLOAT32 || out->type != TL_TYPE_FLOAT32)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "LOG_SOFTMAX supports float32 only");
    if (!tl_same_shape(in, out) || in->ndim < 1 || in->dims[in->ndim - 1] <= 0)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output must have one non-empty shape");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->depth = in->dims[in->ndim - 1];
    d->rows = tl_tensor_numel(in) / d->depth;
    node->eval = tl_log_softmax_eval_f32;
    return TL_STATUS_OK;
}
