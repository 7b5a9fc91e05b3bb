/* SLICE: out = in[begin : begin + size] per dim, begin and size constant int32 or int64 tensors of
 * the input's rank (size -1: to the end); the output's shape must be the sizes. Any element type
 * (a byte copy, one innermost row at a time). */
#include <string.h>

#include "../src/kernel_api.h"

typedef struct {
    int32_t ndim;
    int32_t begin[TL_MAX_DIMS], size[TL_MAX_DIMS], in_stride[TL_MAX_DIMS]; /* strides in elements */
    size_t elem;
    int64_t rows;
} slice_data;

static int64_t read_index(const tl_tensor *t, int32_t i) {
    if (t->type == TL_TYPE_INT32) {
        int32_t v;
        memcpy(&v, (const uint8_t *)t->data + 4 * i, 4);
        return v;
    } else {
        int64_t v;
        memcpy(&v, (const uint8_t *)t->data + 8 * i, 8);
        return v;
    }
}

static tl_status tl_slice_eval(tl_interpreter *it, tl_node *node);

tl_status tl_slice_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *b = tl_node_input(it, node, 1), *s = tl_node_input(it, node, 2);
    tl_tensor *out = tl_node_output(it, node, 0);
    slice_data *d;
    int32_t i;
    int64_t stride = 1;
    if (!in || !b || !s || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs input, begin, size and output");
    if (in->type != out->type || tl_type_size(in->type) == 0)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "input and output types differ");
    if (!b->is_constant || !s->is_constant || b->type != s->type ||
        (b->type != TL_TYPE_INT32 && b->type != TL_TYPE_INT64) || tl_tensor_numel(b) != in->ndim ||
        tl_tensor_numel(s) != in->ndim || in->ndim < 1)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "begin and size must be constant int32 or int64 of the input rank");
    if (out->ndim != in->ndim) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output rank differs from the input's");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->ndim = in->ndim;
    d->elem = tl_type_size(in->type);
    d->rows = 1;
    for (i = in->ndim - 1; i >= 0; i--) {
        int64_t begin = read_index(b, i), size = read_index(s, i);
        if (begin < 0 || begin > in->dims[i]) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "begin out of range");
        if (size == -1) size = in->dims[i] - begin;
        if (size < 0 || begin + size > in->dims[i]) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "size out of range");
        if (out->dims[i] != size) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output shape is not the slice's sizes");
        d->begin[i] = (int32_t)begin;
        d->size[i] = (int32_t)size;
        d->in_stride[i] = (int32_t)stride;
        stride *= in->dims[i];
        if (i < in->ndim - 1) d->rows *= size;
    }
    node->eval = tl_slice_eval;
    return TL_STATUS_OK;
}

static tl_status tl_slice_eval(tl_interpreter *it, tl_node *node) {
    const slice_data *d = node->op_data;
    const uint8_t *x = tl_node_input(it, node, 0)->data;
    uint8_t *y = tl_node_output(it, node, 0)->data;
    int32_t last = d->ndim - 1;
    size_t row_bytes = (size_t)d->size[last] * d->elem;
    int64_t r;
    for (r = 0; r < d->rows; r++) {
        int64_t rest = r, off = d->begin[last];
        int32_t i;
        for (i = last - 1; i >= 0; i--) {
            off += (d->begin[i] + rest % d->size[i]) * (int64_t)d->in_stride[i];
            rest /= d->size[i];
        }
        memcpy(y + r * (int64_t)row_bytes, x + off * (int64_t)d->elem, row_bytes);
    }
    return TL_STATUS_OK;
}
