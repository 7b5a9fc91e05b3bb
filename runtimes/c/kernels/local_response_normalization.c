/* LOCAL_RESPONSE_NORMALIZATION: along the last axis of a 4-D float32 input,
 * y[c] = x[c] * (bias + alpha * sum of x[k]^2 for k in [c - radius, c + radius)) ^ -beta,
 * the window cut at the edges. The window ends before c + radius as LiteRT's reference kernel's does
 * (checked against it: the symmetric window TensorFlow documents gives other values). Summed in
 * channel order and raised with powf: within 2 ulp of LiteRT, whose build sums in another order. */
#include <math.h>

#include "../src/kernel_api.h"

enum { OPT_RADIUS = 0, OPT_BIAS = 1, OPT_ALPHA = 2, OPT_BETA = 3 };

typedef struct {
    int32_t radius;
    float bias, alpha, beta;
} lrn_data;

static tl_status tl_local_response_normalization_eval_f32(tl_interpreter *it, tl_node *node) {
    const lrn_data *d = node->op_data;
    const tl_tensor *in = tl_node_input(it, node, 0);
    const float *x = in->data;
    float *y = tl_node_output(it, node, 0)->data;
    int64_t depth = in->dims[3], rows = depth ? tl_tensor_numel(in) / depth : 0, r, c, k;
    for (r = 0; r < rows; r++) {
        const float *xr = x + r * depth;
        for (c = 0; c < depth; c++) {
            int64_t lo = c - d->radius < 0 ? 0 : c - d->radius, hi = c + d->radius > depth ? depth : c + d->radius;
            float acc = 0.0f;
            for (k = lo; k < hi; k++) acc += xr[k] * xr[k];
            y[r * depth + c] = xr[c] * powf(d->bias + d->alpha * acc, -d->beta);
        }
    }
    return TL_STATUS_OK;
}

tl_status tl_local_response_normalization_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    lrn_data *d;
    if (!in || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs an input and an output");
    if (in->type != TL_TYPE_FLOAT32 || out->type != TL_TYPE_FLOAT32)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "LOCAL_RESPONSE_NORMALIZATION supports float32");
    if (in->ndim != 4 || !tl_same_shape(in, out))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "the input must be 4-D, the output its shape");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (tl_fb_i32(&it->fb, node->options, OPT_RADIUS, 0, &d->radius) ||
        tl_fb_f32(&it->fb, node->options, OPT_BIAS, 0.0f, &d->bias) ||
        tl_fb_f32(&it->fb, node->options, OPT_ALPHA, 0.0f, &d->alpha) ||
        tl_fb_f32(&it->fb, node->options, OPT_BETA, 0.0f, &d->beta))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (d->radius < 0 || d->radius > 0x3fffffff) return tl_fail(it, node, TL_STATUS_BAD_ARGUMENT, "radius must be >= 0");
    node->eval = tl_local_response_normalization_eval_f32;
    return TL_STATUS_OK;
}
