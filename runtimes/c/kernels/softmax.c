/* SOFTMAX over the last axis: out = exp(beta * (x - max)) / sum(...). float32 only so far:
 * int8 models fail in prepare with a status naming the type. */
#include <math.h>

#include "../src/kernel_api.h"

enum { OPT_BETA = 0 };

typedef struct {
    float beta;
    int32_t rows, depth;
} softmax_data;

static tl_status softmax_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    softmax_data *d;
    if (!in || !out || !tl_same_shape(in, out) || in->ndim < 1)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output must have one shape");
    if (in->type != TL_TYPE_FLOAT32 || out->type != TL_TYPE_FLOAT32)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "SOFTMAX supports float32 only (int8: not yet)");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (tl_fb_f32(&it->fb, node->options, OPT_BETA, 1.0f, &d->beta) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    d->depth = in->dims[in->ndim - 1];
    d->rows = d->depth ? (int32_t)(tl_tensor_numel(in) / d->depth) : 0;
    return TL_STATUS_OK;
}

static tl_status tl_softmax_eval_f32(tl_interpreter *it, tl_node *node) {
    const softmax_data *d = node->op_data;
    const float *x = tl_node_input(it, node, 0)->data;
    float *y = tl_node_output(it, node, 0)->data;
    int32_t r, i;
    for (r = 0; r < d->rows; r++) {
        const float *xr = x + (int64_t)r * d->depth;
        float *yr = y + (int64_t)r * d->depth;
        float max = xr[0], sum = 0.0f;
        for (i = 1; i < d->depth; i++) max = xr[i] > max ? xr[i] : max;
        for (i = 0; i < d->depth; i++) {
            yr[i] = expf((xr[i] - max) * d->beta);
            sum += yr[i];
        }
        for (i = 0; i < d->depth; i++) yr[i] /= sum;
    }
    return TL_STATUS_OK;
}

const tl_kernel tl_kernel_softmax = {25, "SOFTMAX", softmax_prepare, tl_softmax_eval_f32};
