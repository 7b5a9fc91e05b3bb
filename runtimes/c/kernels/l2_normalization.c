/* L2_NORMALIZATION (float32): each row along the last dimension divided by its L2 norm, as LiteRT's
 * reference: the squares summed in float in order, the square root floored at 1e-6 (a zero row stays
 * zero), then one division per element. No fused activation (LiteRT has none either). */
#include <math.h>

#include "../src/kernel_api.h"

enum { OPT_ACTIVATION = 0 };

typedef struct {
    int64_t rows, depth;
} l2_norm_data;

static tl_status tl_l2_normalization_eval_f32(tl_interpreter *it, tl_node *node) {
    const l2_norm_data *d = node->op_data;
    const float *x = tl_node_input(it, node, 0)->data;
    float *y = tl_node_output(it, node, 0)->data;
    int64_t r, c;
    for (r = 0; r < d->rows; r++, x += d->depth, y += d->depth) {
        float sum = 0.0f, norm;
        for (c = 0; c < d->depth; c++) sum += x[c] * x[c];
        norm = sqrtf(sum);
        if (norm < 1e-6f) norm = 1e-6f;
        for (c = 0; c < d->depth; c++) y[c] = x[c] / norm;
    }
    return TL_STATUS_OK;
}

tl_status tl_l2_normalization_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    l2_norm_data *d;
    int8_t act;
    if (!in || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 1 input and 1 output");
    if (in->type != TL_TYPE_FLOAT32 || out->type != TL_TYPE_FLOAT32)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "L2_NORMALIZATION supports float32 (int8, uint8: not implemented)");
    if (!tl_same_shape(in, out) || in->ndim < 1) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output shapes differ");
    if (tl_fb_i8(&it->fb, node->options, OPT_ACTIVATION, 0, &act) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (act != 0) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->depth = in->dims[in->ndim - 1];
    d->rows = d->depth ? tl_tensor_numel(in) / d->depth : 0;
    node->eval = tl_l2_normalization_eval_f32;
    return TL_STATUS_OK;
}
