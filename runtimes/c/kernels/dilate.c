/* DILATE: the input spread out along each dim i with dilations[i] - 1 padding values between neighbours
 * (output dim (d - 1) * dilations[i] + 1), any fixed-size element type, bytes copied. dilations is an
 * int32 vector of the input's rank; padding_value a scalar of the input's type, read at each invoke.
 * A constant dilations must give the output's shape. A runtime one must too: the model's static output
 * shape fixes every dilation that matters (a dim of 1 has no neighbours), and eval fails on another. */
#include <string.h>

#include "../src/kernel_api.h"
#include "common/int_input.h"

typedef struct {
    int32_t ndim;
    int32_t in_dims[TL_MAX_DIMS];
    int64_t out_step[TL_MAX_DIMS]; /* output elements between neighbours of input dim i */
    size_t elem;
} dilate_data;

static int dilation_fits(int32_t in, int32_t out, int64_t d) {
    return d >= 1 && (in == 0 ? out == 0 : (int64_t)(in - 1) * d + 1 == out);
}

static tl_status tl_dilate_eval(tl_interpreter *it, tl_node *node) {
    const dilate_data *d = node->op_data;
    const tl_tensor *in = tl_node_input(it, node, 0), *dil = tl_node_input(it, node, 1);
    const tl_tensor *pad = tl_node_input(it, node, 2);
    tl_tensor *out = tl_node_output(it, node, 0);
    const uint8_t *src = in->data;
    uint8_t *dst = out->data;
    int32_t idx[TL_MAX_DIMS] = {0}, i;
    int64_t n = tl_tensor_numel(in), k, at = 0, total = tl_tensor_numel(out);
    if (!dil->is_constant)
        for (i = 0; i < d->ndim; i++)
            if (!dilation_fits(d->in_dims[i], out->dims[i], tl_int_at(dil, i)))
                return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "dilations do not give the output's shape");
    for (k = 0; k < total; k++) memcpy(dst + (size_t)k * d->elem, pad->data, d->elem);
    for (k = 0; k < n; k++) {
        memcpy(dst + (size_t)at * d->elem, src + (size_t)k * d->elem, d->elem);
        for (i = d->ndim - 1; i >= 0; i--) { /* next input index, the output position following it */
            at += d->out_step[i];
            if (++idx[i] < d->in_dims[i]) break;
            at -= d->out_step[i] * d->in_dims[i];
            idx[i] = 0;
        }
    }
    return TL_STATUS_OK;
}

tl_status tl_dilate_prepare(tl_interpreter *it, tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0), *dil = tl_node_input(it, node, 1);
    const tl_tensor *pad = tl_node_input(it, node, 2), *out = tl_node_output(it, node, 0);
    int64_t stride = 1;
    int32_t i;
    dilate_data *d;
    if (!in || !dil || !pad || !out)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs input, dilations, padding_value and output");
    if (in->type != out->type || pad->type != in->type || tl_type_size(in->type) == 0 || in->type == TL_TYPE_STRING)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED,
                       "input, padding_value and output must have one fixed-size type");
    if (tl_tensor_numel(pad) != 1) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "padding_value must be a scalar");
    if (dil->type != TL_TYPE_INT32 || dil->ndim != 1 || dil->dims[0] != in->ndim)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "dilations must be an int32 vector of the input's rank");
    if (out->ndim != in->ndim) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output rank differs from the input's");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    d->ndim = in->ndim;
    d->elem = tl_type_size(in->type);
    for (i = in->ndim - 1; i >= 0; i--) {
        int64_t m = in->dims[i] > 1 ? (out->dims[i] - 1) / (in->dims[i] - 1) : 1;
        if (dil->is_constant) m = tl_int_at(dil, i);
        if (!dilation_fits(in->dims[i], out->dims[i], m))
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH,
                           dil->is_constant ? "output shape is not the input's dilated by dilations"
                                            : "output dims are not a dilation of the input's");
        d->in_dims[i] = in->dims[i];
        d->out_step[i] = stride * m;
        stride *= out->dims[i];
    }
    node->op_data = d;
    node->eval = tl_dilate_eval;
    return TL_STATUS_OK;
}
