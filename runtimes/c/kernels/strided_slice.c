/* STRIDED_SLICE with constant begin/end/strides, begin/end/shrink masks (TFLite's start/stop
 * rules: negative indices wrap once, then clamp to the axis; a shrunk axis takes one element).
 * Ellipsis and new-axis masks are rejected in prepare (TensorFlow's converter folds them). */
#include <string.h>

#include "../src/kernel_api.h"

enum { OPT_BEGIN_MASK = 0, OPT_END_MASK = 1, OPT_ELLIPSIS_MASK = 2, OPT_NEW_AXIS_MASK = 3, OPT_SHRINK_MASK = 4,
       OPT_OFFSET = 5 };

typedef struct {
    int32_t ndim;
    int32_t start[TL_MAX_DIMS], stride[TL_MAX_DIMS], count[TL_MAX_DIMS];
    size_t elem;
} strided_slice_data;

static int32_t clamp(int32_t v, int32_t lo, int32_t hi) {
    return v < lo ? lo : (v > hi ? hi : v);
}

static tl_status tl_strided_slice_eval(tl_interpreter *it, tl_node *node);

tl_status tl_strided_slice_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *b = tl_node_input(it, node, 1), *e = tl_node_input(it, node, 2);
    tl_tensor *s = tl_node_input(it, node, 3), *out = tl_node_output(it, node, 0);
    const tl_fb *fb = &it->fb;
    int32_t begin_mask, end_mask, ellipsis, new_axis, shrink, i;
    uint8_t offset;
    int64_t total = 1;
    strided_slice_data *d;
    if (!in || !b || !e || !s || !out || in->type != out->type || tl_type_size(in->type) == 0)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs input, begin, end, strides and a same-typed output");
    if (!b->is_constant || !e->is_constant || !s->is_constant || b->type != TL_TYPE_INT32 || e->type != TL_TYPE_INT32 ||
        s->type != TL_TYPE_INT32 || tl_tensor_numel(b) != in->ndim || tl_tensor_numel(e) != in->ndim ||
        tl_tensor_numel(s) != in->ndim)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "begin/end/strides must be constant int32 of the input rank");
    if (tl_fb_i32(fb, node->options, OPT_BEGIN_MASK, 0, &begin_mask) || tl_fb_i32(fb, node->options, OPT_END_MASK, 0, &end_mask) ||
        tl_fb_i32(fb, node->options, OPT_ELLIPSIS_MASK, 0, &ellipsis) ||
        tl_fb_i32(fb, node->options, OPT_NEW_AXIS_MASK, 0, &new_axis) ||
        tl_fb_i32(fb, node->options, OPT_SHRINK_MASK, 0, &shrink) || tl_fb_u8(fb, node->options, OPT_OFFSET, 0, &offset))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (ellipsis || new_axis || offset)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "ellipsis, new-axis masks and offset are not supported");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->ndim = in->ndim;
    d->elem = tl_type_size(in->type);
    for (i = 0; i < in->ndim; i++) {
        int32_t size = in->dims[i], stride = ((const int32_t *)s->data)[i];
        int32_t start = ((const int32_t *)b->data)[i], stop = ((const int32_t *)e->data)[i], n;
        if (stride == 0 || stride == INT32_MIN) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "zero stride");
        if (begin_mask & (1 << i)) {
            start = stride > 0 ? 0 : size - 1;
        } else {
            if (start < 0 && start > INT32_MIN + size) start += size;
            start = stride > 0 ? clamp(start, 0, size) : clamp(start, -1, size - 1);
        }
        if (shrink & (1 << i)) {
            stop = start + 1;
            if (start < 0 || start >= size) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "shrunk index out of range");
        } else if (end_mask & (1 << i)) {
            stop = stride > 0 ? size : -1;
        } else {
            if (stop < 0 && stop > INT32_MIN + size) stop += size;
            stop = stride > 0 ? clamp(stop, 0, size) : clamp(stop, -1, size - 1);
        }
        n = stride > 0 ? (stop > start ? (int32_t)(((int64_t)stop - start + stride - 1) / stride) : 0)
                       : (start > stop ? (int32_t)(((int64_t)start - stop - stride - 1) / -stride) : 0);
        if (shrink & (1 << i)) { /* exactly one element, whatever the stride's sign */
            stride = 1;
            n = 1;
        }
        d->start[i] = start;
        d->stride[i] = stride;
        d->count[i] = n;
        total *= n;
    }
    if (total != tl_tensor_numel(out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output size does not match the slice");
    node->eval = tl_strided_slice_eval;
    return TL_STATUS_OK;
}

static tl_status tl_strided_slice_eval(tl_interpreter *it, tl_node *node) {
    const strided_slice_data *d = node->op_data;
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    int32_t idx[TL_MAX_DIMS] = {0}, i;
    int64_t o, n = tl_tensor_numel(out);
    for (o = 0; o < n; o++) {
        int64_t src = 0;
        for (i = 0; i < d->ndim; i++) src = src * in->dims[i] + d->start[i] + (int64_t)idx[i] * d->stride[i];
        memcpy((uint8_t *)out->data + o * d->elem, (const uint8_t *)in->data + src * d->elem, d->elem);
        for (i = d->ndim - 1; i >= 0; i--) { /* odometer over the output coordinates */
            if (++idx[i] < d->count[i]) break;
            idx[i] = 0;
        }
    }
    return TL_STATUS_OK;
}
