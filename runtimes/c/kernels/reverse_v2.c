/* REVERSE_V2: the input with the order of elements reversed along the axes given by a constant
 * int32 tensor (negative axes count from the end; an axis named twice is refused), any type LiteRT
 * runs (float32, int8, uint8, int16, int32, int64, bool): elements are copied by their size,
 * contiguous runs below the innermost reversed axis at once. */
#include <string.h>

#include "../src/kernel_api.h"

typedef struct {
    int32_t ndim, dims[TL_MAX_DIMS];
    uint8_t reversed[TL_MAX_DIMS];
    size_t run; /* bytes below the innermost reversed axis, copied whole */
    int32_t outer_ndim; /* the dims walked one by one: up to and including the innermost reversed axis */
} reverse_data;

static tl_status tl_reverse_v2_eval(tl_interpreter *it, tl_node *node) {
    const reverse_data *d = node->op_data;
    const uint8_t *x = tl_node_input(it, node, 0)->data;
    uint8_t *y = tl_node_output(it, node, 0)->data;
    int32_t coord[TL_MAX_DIMS] = {0}, i;
    int64_t n = 1, k;
    for (i = 0; i < d->outer_ndim; i++) n *= d->dims[i];
    for (k = 0; k < n; k++) {
        int64_t src = 0;
        for (i = 0; i < d->outer_ndim; i++)
            src = src * d->dims[i] + (d->reversed[i] ? d->dims[i] - 1 - coord[i] : coord[i]);
        memcpy(y + (size_t)k * d->run, x + (size_t)src * d->run, d->run);
        for (i = d->outer_ndim - 1; i >= 0; i--) { /* next output coordinate */
            if (++coord[i] < d->dims[i]) break;
            coord[i] = 0;
        }
    }
    return TL_STATUS_OK;
}

tl_status tl_reverse_v2_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *axes = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    reverse_data *d;
    int64_t i, n;
    if (!in || !axes || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs input, axis and output");
    switch (in->type) {
    case TL_TYPE_FLOAT32: case TL_TYPE_INT8: case TL_TYPE_UINT8: case TL_TYPE_INT16: case TL_TYPE_INT32:
    case TL_TYPE_INT64: case TL_TYPE_BOOL: break;
    default: return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "REVERSE_V2 supports float32, int8, uint8, int16, int32, int64 and bool");
    }
    if (out->type != in->type || !tl_same_shape(in, out))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output must have the input's type and shape");
    if (axes->type != TL_TYPE_INT32 || axes->ndim > 1) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "axis must be 1-D int32");
    if (!axes->is_constant) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "axis must be a constant");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->ndim = in->ndim;
    for (i = 0; i < in->ndim; i++) d->dims[i] = in->dims[i];
    n = tl_tensor_numel(axes);
    for (i = 0; i < n; i++) {
        int32_t a = ((const int32_t *)axes->data)[i];
        if (a < 0) a += in->ndim;
        if (a < 0 || a >= in->ndim || d->reversed[a]) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "axis out of range or repeated");
        d->reversed[a] = 1;
    }
    d->outer_ndim = 0;
    for (i = 0; i < in->ndim; i++)
        if (d->reversed[i]) d->outer_ndim = (int32_t)i + 1;
    d->run = tl_type_size(in->type);
    for (i = d->outer_ndim; i < in->ndim; i++) d->run *= (size_t)in->dims[i];
    node->eval = tl_reverse_v2_eval;
    return TL_STATUS_OK;
}
