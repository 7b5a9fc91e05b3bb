/* TRANSPOSE by a constant permutation (up to TL_MAX_DIMS dims): out[i...] = in[perm-ordered i]. */
#include <string.h>

#include "../src/kernel_api.h"
#include "opt/opt_kernels.h"

typedef struct {
    int32_t ndim;
    int64_t in_stride[TL_MAX_DIMS]; /* input stride of each output axis */
    size_t elem;
} transpose_data;

static tl_status tl_transpose_eval(tl_interpreter *it, tl_node *node);

tl_status tl_transpose_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *perm = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    transpose_data *d;
    int64_t strides[TL_MAX_DIMS];
    int32_t i, seen = 0;
    if (!in || !perm || !out || in->type != out->type || in->ndim != out->ndim || tl_type_size(in->type) == 0)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output must share type and rank");
    if (!perm->is_constant || perm->type != TL_TYPE_INT32 || tl_tensor_numel(perm) != in->ndim)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "perm must be a constant int32 of the input rank");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->ndim = in->ndim;
    d->elem = tl_type_size(in->type);
    for (i = in->ndim - 1; i >= 0; i--) strides[i] = i == in->ndim - 1 ? 1 : strides[i + 1] * in->dims[i + 1];
    for (i = 0; i < in->ndim; i++) {
        int32_t p = ((const int32_t *)perm->data)[i];
        if (p < 0 || p >= in->ndim || (seen & (1 << p)) || out->dims[i] != in->dims[p])
            return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "perm is not a permutation matching the output shape");
        seen |= 1 << p;
        d->in_stride[i] = strides[p];
    }
    node->eval = tl_transpose_eval;
    return it->reference_kernels ? TL_STATUS_OK
                                 : tl_transpose_opt_prepare(it, node, d->ndim, out->dims, d->in_stride, d->elem);
}

static tl_status tl_transpose_eval(tl_interpreter *it, tl_node *node) {
    const transpose_data *d = node->op_data;
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    int32_t idx[TL_MAX_DIMS] = {0}, i;
    int64_t o, n = tl_tensor_numel(out);
    for (o = 0; o < n; o++) {
        int64_t src = 0;
        for (i = 0; i < d->ndim; i++) src += idx[i] * d->in_stride[i];
        memcpy((uint8_t *)out->data + o * d->elem, (const uint8_t *)in->data + src * d->elem, d->elem);
        for (i = d->ndim - 1; i >= 0; i--) {
            if (++idx[i] < out->dims[i]) break;
            idx[i] = 0;
        }
    }
    return TL_STATUS_OK;
}
