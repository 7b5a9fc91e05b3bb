/* Shape rules: each builtin's output shapes from its inputs' shapes, options and, where the
 * schema gives a shape as a tensor (RESHAPE's shape, FILL's dims, TILE's multiples, ...), that
 * tensor's values, which must be known at allocation (a model constant, or a shape computation
 * resize.c folded). Used only after a resize (see resize.c); the kernels' prepare then checks
 * the shapes as it always does. A builtin without a rule here keeps the model's output shapes
 * when its inputs keep theirs, and is refused otherwise. Built with TL_NO_SHAPE_RULES (the Cortex-M
 * port's default: about 11 KB of Thumb code a microcontroller rarely needs, as TFLM has no resize
 * either) every builtin is without a rule, so models run at their own shapes only. */
#include <stdio.h>
#include <string.h>

#include "../kernels/common/window.h"
#include "kernel_api.h"

#if defined(TL_NO_SHAPE_RULES)
tl_status tl_shape_rule(tl_interpreter *it, tl_node *node, int *has_rule) {
    (void)it;
    (void)node;
    *has_rule = 0;
    return TL_STATUS_OK;
}
#else
#define TRY(expr)                                  \
    do {                                           \
        tl_status st_ = (expr);                    \
        if (st_ != TL_STATUS_OK) return st_;       \
    } while (0)

static int known(const tl_tensor *t) {
    return t != NULL && t->is_constant && t->data != NULL && (t->type == TL_TYPE_INT32 || t->type == TL_TYPE_INT64);
}

/* By memcpy: a constant int64 inside the FlatBuffer may be only 4-aligned. */
static int64_t value(const tl_tensor *t, int64_t i) {
    int64_t v64;
    int32_t v32;
    if (t->type == TL_TYPE_INT64) {
        memcpy(&v64, (const uint8_t *)t->data + 8 * i, 8);
        return v64;
    }
    memcpy(&v32, (const uint8_t *)t->data + 4 * i, 4);
    return v32;
}

static tl_status unknown_values(tl_interpreter *it, const tl_node *node, const tl_tensor *t) {
    char msg[160];
    if (t == NULL) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: a shape-giving input is missing");
    snprintf(msg, sizeof msg,
             "resize: the output shape depends on the values of tensor '%s', which are known only at invoke "
             "(memory is planned before invoke)", tl_tensor_name(it, t) ? tl_tensor_name(it, t) : "?");
    return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, msg);
}

static tl_status output(tl_interpreter *it, const tl_node *node, int32_t k, const int32_t *dims, int32_t ndim) {
    tl_tensor *t = tl_node_output(it, node, k);
    tl_status st;
    if (t == NULL) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: missing output");
    st = tl_tensor_set_dims(it, t, dims, ndim);
    if (st == TL_STATUS_SHAPE_MISMATCH) return tl_fail(it, node, st, "resize: a computed dimension is negative");
    if (st != TL_STATUS_OK) return tl_fail(it, node, st, "resize: an output would hold 2^31 bytes or more");
    return TL_STATUS_OK;
}

static tl_status same_as(tl_interpreter *it, const tl_node *node, const tl_tensor *in) {
    int32_t k;
    for (k = 0; k < tl_node_num_outputs(node); k++) TRY(output(it, node, k, in->dims, in->ndim));
    return TL_STATUS_OK;
}

/* NumPy broadcasting of the node's first n inputs. */
static tl_status broadcast(tl_interpreter *it, const tl_node *node, int32_t n) {
    int32_t dims[TL_MAX_DIMS], ndim = 0, k, i;
    for (k = 0; k < n; k++) {
        const tl_tensor *t = tl_node_input(it, node, k);
        if (t && t->ndim > ndim) ndim = t->ndim;
    }
    for (i = 0; i < ndim; i++) dims[i] = 1;
    for (k = 0; k < n; k++) {
        const tl_tensor *t = tl_node_input(it, node, k);
        if (t == NULL) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: missing input");
        for (i = 0; i < t->ndim; i++) {
            int32_t d = t->dims[i], *o = &dims[ndim - t->ndim + i];
            if (d == *o || d == 1) continue;
            if (*o != 1) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: input shapes do not broadcast");
            *o = d;
        }
    }
    return output(it, node, 0, dims, ndim);
}

static int32_t axis_of(int64_t a, int32_t rank) { return (int32_t)(a < 0 ? a + rank : a); }

static tl_status opt_i32(tl_interpreter *it, const tl_node *node, int id, int32_t dflt, int32_t *out) {
    return tl_fb_i32(&it->fb, node->options, id, dflt, out) == TL_STATUS_OK
               ? TL_STATUS_OK : tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
}

static tl_status opt_u8(tl_interpreter *it, const tl_node *node, int id, uint8_t *out) {
    return tl_fb_u8(&it->fb, node->options, id, 0, out) == TL_STATUS_OK
               ? TL_STATUS_OK : tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
}

/* CONV_2D (act 3), DEPTHWISE_CONV_2D (act 4) and the pools: [N, out_h, out_w, channels]. */
static tl_status window(tl_interpreter *it, const tl_node *node, int kind) {
    const tl_tensor *in = tl_node_input(it, node, 0), *f = tl_node_input(it, node, 1);
    tl_window w;
    int8_t padding;
    int32_t dims[4];
    memset(&w, 0, sizeof w);
    if (!in || in->ndim != 4 || (kind != 2 && (!f || f->ndim != 4)))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: input and filter must be 4-D");
    if (tl_fb_i8(&it->fb, node->options, 0, 0, &padding)) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    TRY(opt_i32(it, node, 1, 1, &w.stride_w));
    TRY(opt_i32(it, node, 2, 1, &w.stride_h));
    if (kind == 2) { /* Pool2DOptions: filter_width 3, filter_height 4 */
        TRY(opt_i32(it, node, 3, 1, &w.filter_w));
        TRY(opt_i32(it, node, 4, 1, &w.filter_h));
        w.dil_w = w.dil_h = 1;
    } else {
        int32_t dil = kind == 0 ? 4 : 5;
        w.filter_h = f->dims[1];
        w.filter_w = f->dims[2];
        TRY(opt_i32(it, node, dil, 1, &w.dil_w));
        TRY(opt_i32(it, node, dil + 1, 1, &w.dil_h));
    }
    if (!tl_window_init(&w, padding, in->dims[1], in->dims[2]))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: padding, stride or window");
    dims[0] = in->dims[0];
    dims[1] = w.out_h;
    dims[2] = w.out_w;
    dims[3] = kind == 0 ? f->dims[0] : kind == 1 ? f->dims[3] : in->dims[3];
    return output(it, node, 0, dims, 4);
}

static tl_status fully_connected(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0), *w = tl_node_input(it, node, 1);
    uint8_t keep;
    int32_t dims[TL_MAX_DIMS], i;
    if (!in || !w || w->ndim != 2 || w->dims[1] <= 0 || in->ndim < 1)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: weights must be 2-D");
    TRY(opt_u8(it, node, 2, &keep));
    if (keep) {
        if (in->dims[in->ndim - 1] != w->dims[1])
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: input depth differs from the weights'");
        for (i = 0; i < in->ndim - 1; i++) dims[i] = in->dims[i];
        dims[in->ndim - 1] = w->dims[0];
        return output(it, node, 0, dims, in->ndim);
    }
    if (tl_tensor_numel(in) % w->dims[1])
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: input size is not a multiple of the weights' depth");
    dims[0] = (int32_t)(tl_tensor_numel(in) / w->dims[1]);
    dims[1] = w->dims[0];
    return output(it, node, 0, dims, 2);
}

/* MEAN, SUM, REDUCE_*: axes input 1, ReducerOptions keep_dims (field 0). */
static tl_status reduce(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0), *axes = tl_node_input(it, node, 1);
    int32_t drop[TL_MAX_DIMS] = {0}, dims[TL_MAX_DIMS], n = 0, i;
    uint8_t keep;
    if (!in) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: missing input");
    if (!known(axes)) return unknown_values(it, node, axes);
    TRY(opt_u8(it, node, 0, &keep));
    for (i = 0; i < tl_tensor_numel(axes); i++) {
        int32_t a = axis_of(value(axes, i), in->ndim);
        if (a < 0 || a >= in->ndim) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: axis out of range");
        drop[a] = 1;
    }
    for (i = 0; i < in->ndim; i++)
        if (!drop[i]) dims[n++] = in->dims[i];
        else if (keep) dims[n++] = 1;
    return output(it, node, 0, dims, n);
}

static tl_status concatenation(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *first = tl_node_input(it, node, 0);
    int32_t axis, dims[TL_MAX_DIMS], k, i;
    if (!first) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: missing input");
    TRY(opt_i32(it, node, 0, 0, &axis));
    axis = axis_of(axis, first->ndim);
    if (axis < 0 || axis >= first->ndim) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: axis out of range");
    for (i = 0; i < first->ndim; i++) dims[i] = first->dims[i];
    dims[axis] = 0;
    for (k = 0; k < tl_node_num_inputs(node); k++) {
        const tl_tensor *t = tl_node_input(it, node, k);
        if (!t || t->ndim != first->ndim) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: input ranks differ");
        for (i = 0; i < t->ndim; i++)
            if (i != axis && t->dims[i] != first->dims[i])
                return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: inputs differ off the concatenation axis");
        dims[axis] += t->dims[axis];
    }
    return output(it, node, 0, dims, first->ndim);
}

static tl_status pack(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *first = tl_node_input(it, node, 0);
    int32_t axis, dims[TL_MAX_DIMS], i, n;
    if (!first || first->ndim >= TL_MAX_DIMS) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: input rank");
    TRY(opt_i32(it, node, 1, 0, &axis));
    axis = axis_of(axis, first->ndim + 1);
    if (axis < 0 || axis > first->ndim) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: axis out of range");
    for (i = 0, n = 0; i <= first->ndim; i++) dims[i] = i == axis ? tl_node_num_inputs(node) : first->dims[n++];
    return output(it, node, 0, dims, first->ndim + 1);
}

static tl_status unpack(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0);
    int32_t axis, dims[TL_MAX_DIMS], i, n = 0, k;
    if (!in || in->ndim < 1) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: input rank");
    TRY(opt_i32(it, node, 1, 0, &axis));
    axis = axis_of(axis, in->ndim);
    if (axis < 0 || axis >= in->ndim) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: axis out of range");
    for (i = 0; i < in->ndim; i++)
        if (i != axis) dims[n++] = in->dims[i];
    for (k = 0; k < tl_node_num_outputs(node); k++) TRY(output(it, node, k, dims, n));
    return TL_STATUS_OK;
}

/* RESHAPE: the shape input when it is a 1-D tensor, else ReshapeOptions.new_shape; one -1 takes
 * what is left, as in LiteRT. */
static tl_status reshape(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0), *shape = tl_node_input(it, node, 1);
    int32_t dims[TL_MAX_DIMS], n, i, unknown = -1;
    int64_t count = 1, total;
    if (!in) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: missing input");
    if (shape && shape->ndim == 1) {
        if (!known(shape)) return unknown_values(it, node, shape);
        n = shape->dims[0];
        if (n > TL_MAX_DIMS) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "resize: rank above 6");
        for (i = 0; i < n; i++) dims[i] = (int32_t)value(shape, i);
    } else {
        tl_fb_vec v;
        if (tl_fb_vec_field(&it->fb, node->options, 0, 4, &v) != TL_STATUS_OK)
            return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
        if (v.len == 0 && shape == NULL) /* no shape anywhere: LiteRT keeps the output's */
            return output(it, node, 0, tl_node_output(it, node, 0)->dims, tl_node_output(it, node, 0)->ndim);
        if (v.len > TL_MAX_DIMS) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "resize: rank above 6");
        n = (int32_t)v.len;
        for (i = 0; i < n; i++) dims[i] = tl_fb_vec_i32(&it->fb, v, (uint32_t)i);
    }
    for (i = 0; i < n; i++) {
        if (dims[i] == -1) {
            if (unknown >= 0) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: more than one -1 in the shape");
            unknown = i;
        } else if (dims[i] < 0) {
            return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: negative dimension in the shape");
        } else {
            count *= dims[i];
        }
    }
    total = tl_tensor_numel(in);
    if (unknown >= 0) {
        if (count == 0 || total % count)
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: the input's size does not fill the new shape");
        dims[unknown] = (int32_t)(total / count);
    } else if (count != total) {
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: the new shape holds a different number of elements");
    }
    return output(it, node, 0, dims, n);
}

static tl_status squeeze(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0);
    tl_fb_vec v;
    int32_t drop[TL_MAX_DIMS] = {0}, dims[TL_MAX_DIMS], n = 0, i;
    if (!in) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: missing input");
    if (tl_fb_vec_field(&it->fb, node->options, 0, 4, &v) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    for (i = 0; i < (int32_t)v.len; i++) {
        int32_t a = axis_of(tl_fb_vec_i32(&it->fb, v, (uint32_t)i), in->ndim);
        if (a < 0 || a >= in->ndim || in->dims[a] != 1)
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: squeezed dimension is not 1");
        drop[a] = 1;
    }
    for (i = 0; i < in->ndim; i++)
        if (v.len ? !drop[i] : in->dims[i] != 1) dims[n++] = in->dims[i];
    return output(it, node, 0, dims, n);
}

static tl_status expand_dims(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0), *ax = tl_node_input(it, node, 1);
    int32_t dims[TL_MAX_DIMS], a, i, n = 0;
    if (!in || in->ndim >= TL_MAX_DIMS) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: input rank");
    if (!known(ax) || tl_tensor_numel(ax) != 1) return unknown_values(it, node, ax);
    a = axis_of(value(ax, 0), in->ndim + 1);
    if (a < 0 || a > in->ndim) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: axis out of range");
    for (i = 0; i <= in->ndim; i++) dims[i] = i == a ? 1 : in->dims[n++];
    return output(it, node, 0, dims, in->ndim + 1);
}

static tl_status strided_slice(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0), *b = tl_node_input(it, node, 1);
    const tl_tensor *e = tl_node_input(it, node, 2), *s = tl_node_input(it, node, 3);
    int32_t bm, em, ellipsis, new_axis, shrink, dims[TL_MAX_DIMS], n = 0, i;
    if (!in) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: missing input");
    if (!known(b)) return unknown_values(it, node, b);
    if (!known(e)) return unknown_values(it, node, e);
    if (!known(s)) return unknown_values(it, node, s);
    TRY(opt_i32(it, node, 0, 0, &bm));
    TRY(opt_i32(it, node, 1, 0, &em));
    TRY(opt_i32(it, node, 2, 0, &ellipsis));
    TRY(opt_i32(it, node, 3, 0, &new_axis));
    TRY(opt_i32(it, node, 4, 0, &shrink));
    if (ellipsis || new_axis || tl_tensor_numel(b) != in->ndim || tl_tensor_numel(e) != in->ndim ||
        tl_tensor_numel(s) != in->ndim)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "resize: masks or begin/end/strides sizes");
    for (i = 0; i < in->ndim; i++) { /* the kernel's start/stop rules (kernels/strided_slice.c) */
        int64_t size = in->dims[i], stride = value(s, i), start = value(b, i), stop = value(e, i), count;
        if (stride == 0) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "zero stride");
        if (bm & (1 << i)) start = stride > 0 ? 0 : size - 1;
        else {
            if (start < 0) start += size;
            start = stride > 0 ? (start < 0 ? 0 : start > size ? size : start)
                               : (start < -1 ? -1 : start > size - 1 ? size - 1 : start);
        }
        if (shrink & (1 << i)) continue;
        if (em & (1 << i)) stop = stride > 0 ? size : -1;
        else {
            if (stop < 0) stop += size;
            stop = stride > 0 ? (stop < 0 ? 0 : stop > size ? size : stop)
                              : (stop < -1 ? -1 : stop > size - 1 ? size - 1 : stop);
        }
        count = stride > 0 ? (stop > start ? (stop - start + stride - 1) / stride : 0)
                           : (start > stop ? (start - stop - stride - 1) / -stride : 0);
        dims[n++] = (int32_t)count;
    }
    return output(it, node, 0, dims, n);
}

static tl_status slice(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0), *b = tl_node_input(it, node, 1), *sz = tl_node_input(it, node, 2);
    int32_t dims[TL_MAX_DIMS], i;
    if (!in) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: missing input");
    if (!known(b)) return unknown_values(it, node, b);
    if (!known(sz)) return unknown_values(it, node, sz);
    if (tl_tensor_numel(b) != in->ndim || tl_tensor_numel(sz) != in->ndim)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: begin and size must have the input's rank");
    for (i = 0; i < in->ndim; i++) {
        int64_t start = value(b, i), size = value(sz, i);
        dims[i] = (int32_t)(size == -1 ? in->dims[i] - start : size);
    }
    return output(it, node, 0, dims, in->ndim);
}

static tl_status transpose(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0), *perm = tl_node_input(it, node, 1);
    int32_t dims[TL_MAX_DIMS], i;
    if (!in) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: missing input");
    if (!known(perm)) return unknown_values(it, node, perm);
    if (tl_tensor_numel(perm) != in->ndim) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: perm size");
    for (i = 0; i < in->ndim; i++) {
        int64_t p = value(perm, i);
        if (p < 0 || p >= in->ndim) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: perm out of range");
        dims[i] = in->dims[p];
    }
    return output(it, node, 0, dims, in->ndim);
}

/* PAD, PADV2, MIRROR_PAD: paddings [rank, 2]. */
static tl_status pad(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0), *p = tl_node_input(it, node, 1);
    int32_t dims[TL_MAX_DIMS], i;
    if (!in) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: missing input");
    if (!known(p)) return unknown_values(it, node, p);
    if (tl_tensor_numel(p) != 2 * in->ndim) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: paddings size");
    for (i = 0; i < in->ndim; i++) dims[i] = (int32_t)(in->dims[i] + value(p, 2 * i) + value(p, 2 * i + 1));
    return output(it, node, 0, dims, in->ndim);
}

static tl_status gather(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0), *idx = tl_node_input(it, node, 1);
    int32_t axis, batch_dims, dims[TL_MAX_DIMS], n = 0, i;
    if (!in || !idx) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: missing input");
    TRY(opt_i32(it, node, 0, 0, &axis));
    TRY(opt_i32(it, node, 1, 0, &batch_dims));
    axis = axis_of(axis, in->ndim);
    batch_dims = axis_of(batch_dims, idx->ndim);
    if (axis < 0 || axis >= in->ndim || batch_dims < 0 || batch_dims > axis ||
        in->ndim - 1 + idx->ndim - batch_dims > TL_MAX_DIMS)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: axis or batch_dims");
    for (i = 0; i < axis; i++) dims[n++] = in->dims[i];
    for (i = batch_dims; i < idx->ndim; i++) dims[n++] = idx->dims[i];
    for (i = axis + 1; i < in->ndim; i++) dims[n++] = in->dims[i];
    return output(it, node, 0, dims, n);
}

/* RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR: size input [2]. */
static tl_status resize_image(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0), *size = tl_node_input(it, node, 1);
    int32_t dims[4];
    if (!in || in->ndim != 4) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: input must be 4-D");
    if (!known(size) || tl_tensor_numel(size) != 2) return unknown_values(it, node, size);
    dims[0] = in->dims[0];
    dims[1] = (int32_t)value(size, 0);
    dims[2] = (int32_t)value(size, 1);
    dims[3] = in->dims[3];
    return output(it, node, 0, dims, 4);
}

/* A shape given as values: FILL's dims (input 0), BROADCAST_TO's shape (input 1),
 * TRANSPOSE_CONV's output_shape (input 0). */
static tl_status shape_values(tl_interpreter *it, const tl_node *node, int32_t k) {
    const tl_tensor *s = tl_node_input(it, node, k);
    int32_t dims[TL_MAX_DIMS], i;
    if (!known(s)) return unknown_values(it, node, s);
    if (tl_tensor_numel(s) > TL_MAX_DIMS) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "resize: rank above 6");
    for (i = 0; i < tl_tensor_numel(s); i++) {
        int64_t v = value(s, i);
        if (v < 0 || v > 0x7fffffff) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: dimension out of range");
        dims[i] = (int32_t)v;
    }
    return output(it, node, 0, dims, (int32_t)tl_tensor_numel(s));
}

static tl_status tile(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0), *m = tl_node_input(it, node, 1);
    int32_t dims[TL_MAX_DIMS], i;
    if (!in) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: missing input");
    if (!known(m)) return unknown_values(it, node, m);
    if (tl_tensor_numel(m) != in->ndim) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: multiples size");
    for (i = 0; i < in->ndim; i++) {
        int64_t d = (int64_t)in->dims[i] * value(m, i);
        if (d < 0 || d > 0x7fffffff) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: multiples");
        dims[i] = (int32_t)d;
    }
    return output(it, node, 0, dims, in->ndim);
}

/* REDUCE_WINDOW (window_shape, window_strides, window_dilations as constant inputs 2-4) and
 * STABLEHLO_REDUCE_WINDOW (the same and base_dilations, padding from its options): StableHLO's window count. */
static tl_status reduce_window_dims(tl_interpreter *it, const tl_node *node, int stablehlo) {
    const tl_tensor *in = tl_node_input(it, node, 0);
    int64_t p[5][2 * TL_MAX_DIMS]; /* window, stride, base dilation, window dilation, padding lo/hi */
    int32_t dims[TL_MAX_DIMS], i, k;
    if (!in) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: missing input");
    for (k = 0; k < 5; k++) {
        int32_t n = k == 4 ? 2 * in->ndim : in->ndim;
        if (stablehlo) { /* StablehloReduceWindowOptions: window 0, strides 1, base 2, window dilations 3, padding 4 */
            tl_fb_vec v;
            if (tl_fb_vec_field(&it->fb, node->options, k, 8, &v) || (v.len && v.len != (uint32_t)n) || (!v.len && !k))
                return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: window options");
            for (i = 0; i < n; i++) p[k][i] = v.len ? tl_fb_vec_i64(&it->fb, v, (uint32_t)i) : k == 4 ? 0 : 1;
        } else if (k == 2 || k == 4) {
            for (i = 0; i < n; i++) p[k][i] = k == 4 ? 0 : 1;
        } else {
            const tl_tensor *t = tl_node_input(it, node, k == 0 ? 2 : k == 1 ? 3 : 4);
            if (!known(t)) return unknown_values(it, node, t);
            if (tl_tensor_numel(t) != n) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: window size");
            for (i = 0; i < n; i++) p[k][i] = value(t, i);
        }
    }
    for (i = 0; i < in->ndim; i++) {
        int64_t padded = (in->dims[i] ? (int64_t)(in->dims[i] - 1) * p[2][i] + 1 : 0) + p[4][2 * i] + p[4][2 * i + 1];
        int64_t span = (p[0][i] - 1) * p[3][i] + 1;
        if (p[0][i] < 1 || p[1][i] < 1 || p[2][i] < 1 || p[3][i] < 1 || p[2][i] > 0x7fffffff || p[3][i] > 0x7fffffff ||
            p[0][i] > 0x7fffffff || p[4][2 * i] < -0x7fffffff || p[4][2 * i] > 0x7fffffff ||
            p[4][2 * i + 1] < -0x7fffffff || p[4][2 * i + 1] > 0x7fffffff)
            return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: window parameters");
        dims[i] = padded < span ? 0 : (int32_t)((padded - span) / p[1][i] + 1);
    }
    return output(it, node, 0, dims, in->ndim);
}

/* RFFT2D: the outer dims, then fft_length[0], fft_length[1] / 2 + 1. */
static tl_status rfft2d(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0), *len = tl_node_input(it, node, 1);
    int32_t dims[TL_MAX_DIMS];
    if (!in || in->ndim < 2) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: input of rank >= 2");
    if (!known(len)) return unknown_values(it, node, len);
    if (tl_tensor_numel(len) != 2 || value(len, 0) < 1 || value(len, 1) < 1 || value(len, 0) > (1 << 20) ||
        value(len, 1) > (1 << 20))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: fft_length");
    memcpy(dims, in->dims, sizeof(int32_t) * in->ndim);
    dims[in->ndim - 2] = (int32_t)value(len, 0);
    dims[in->ndim - 1] = (int32_t)(value(len, 1) / 2 + 1);
    return output(it, node, 0, dims, in->ndim);
}

/* HASHTABLE_LOOKUP: [lookups, value row...] and hits [lookups]. */
static tl_status hashtable_lookup(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *lookup = tl_node_input(it, node, 0), *values = tl_node_input(it, node, 2);
    int32_t dims[TL_MAX_DIMS];
    if (!lookup || !values || lookup->ndim != 1 || values->ndim < 1)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: lookup and values");
    memcpy(dims, values->dims, sizeof(int32_t) * values->ndim);
    dims[0] = lookup->dims[0];
    TRY(output(it, node, 0, dims, values->ndim));
    return output(it, node, 1, dims, 1);
}

/* LSH_PROJECTION: [num_hash * num_bits] (DENSE, type 2) or [num_hash] (SPARSE); the kernel checks the rest. */
static tl_status lsh_projection(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *hash = tl_node_input(it, node, 0);
    uint8_t type;
    int32_t n;
    if (!hash || hash->ndim != 2) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: hash");
    TRY(opt_u8(it, node, 0, &type));
    n = type == 2 ? hash->dims[0] * hash->dims[1] : hash->dims[0];
    return output(it, node, 0, &n, 1);
}

/* MULTINOMIAL: [batch, num_samples]. */
static tl_status multinomial(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *logits = tl_node_input(it, node, 0), *num = tl_node_input(it, node, 1);
    int32_t dims[2];
    if (!logits || logits->ndim != 2) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: logits");
    if (!known(num)) return unknown_values(it, node, num);
    if (value(num, 0) < 0 || value(num, 0) > 0x7fffffff) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: num_samples");
    dims[0] = logits->dims[0];
    dims[1] = (int32_t)value(num, 0);
    return output(it, node, 0, dims, 2);
}

/* DILATE: (d - 1) * dilations[i] + 1 along each dim (an empty dim stays empty). */
static tl_status dilate(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0), *dil = tl_node_input(it, node, 1);
    int32_t dims[TL_MAX_DIMS], i;
    if (!in) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: missing input");
    if (!known(dil)) return unknown_values(it, node, dil);
    if (tl_tensor_numel(dil) != in->ndim) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: dilations size");
    for (i = 0; i < in->ndim; i++) {
        int64_t d = in->dims[i] ? (int64_t)(in->dims[i] - 1) * value(dil, i) + 1 : 0;
        if (value(dil, i) < 1 || d > 0x7fffffff) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: dilations");
        dims[i] = (int32_t)d;
    }
    return output(it, node, 0, dims, in->ndim);
}

/* SPLIT (axis input 0, data 1) and SPLIT_V (data 0, size_splits 1, axis 2). */
static tl_status split(tl_interpreter *it, const tl_node *node, int v) {
    const tl_tensor *in = tl_node_input(it, node, v ? 0 : 1), *ax = tl_node_input(it, node, v ? 2 : 0);
    const tl_tensor *sizes = v ? tl_node_input(it, node, 1) : NULL;
    int32_t dims[TL_MAX_DIMS], axis, n = tl_node_num_outputs(node), k, i, unknown = -1;
    int64_t used = 0;
    if (!in || n < 1) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: missing input");
    if (!known(ax) || tl_tensor_numel(ax) != 1) return unknown_values(it, node, ax);
    axis = axis_of(value(ax, 0), in->ndim);
    if (axis < 0 || axis >= in->ndim) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: axis out of range");
    for (i = 0; i < in->ndim; i++) dims[i] = in->dims[i];
    if (!v) {
        if (in->dims[axis] % n) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: axis not divisible by splits");
        dims[axis] = in->dims[axis] / n;
        for (k = 0; k < n; k++) TRY(output(it, node, k, dims, in->ndim));
        return TL_STATUS_OK;
    }
    if (!known(sizes)) return unknown_values(it, node, sizes);
    if (tl_tensor_numel(sizes) != n) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: size_splits count");
    for (k = 0; k < n; k++) {
        if (value(sizes, k) == -1) unknown = k;
        else used += value(sizes, k);
    }
    for (k = 0; k < n; k++) {
        int64_t d = k == unknown ? in->dims[axis] - used : value(sizes, k);
        if (d < 0) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: size_splits exceed the axis");
        dims[axis] = (int32_t)d;
        TRY(output(it, node, k, dims, in->ndim));
    }
    return TL_STATUS_OK;
}

static tl_status arg_min_max(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0), *ax = tl_node_input(it, node, 1);
    int32_t dims[TL_MAX_DIMS], a, i, n = 0;
    if (!in) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: missing input");
    if (!known(ax) || tl_tensor_numel(ax) != 1) return unknown_values(it, node, ax);
    a = axis_of(value(ax, 0), in->ndim);
    if (a < 0 || a >= in->ndim) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: axis out of range");
    for (i = 0; i < in->ndim; i++)
        if (i != a) dims[n++] = in->dims[i];
    return output(it, node, 0, dims, n);
}

static tl_status batch_matmul(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *x = tl_node_input(it, node, 0), *y = tl_node_input(it, node, 1);
    uint8_t adj_x, adj_y;
    int32_t dims[TL_MAX_DIMS], n, i;
    if (!x || !y || x->ndim < 2 || y->ndim < 2) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: rank below 2");
    TRY(opt_u8(it, node, 0, &adj_x));
    TRY(opt_u8(it, node, 1, &adj_y));
    n = x->ndim > y->ndim ? x->ndim : y->ndim;
    for (i = 0; i < n - 2; i++) { /* batch dims broadcast */
        int32_t xi = i - (n - x->ndim), yi = i - (n - y->ndim);
        int32_t a = xi >= 0 ? x->dims[xi] : 1, b = yi >= 0 ? y->dims[yi] : 1;
        if (a != b && a != 1 && b != 1)
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: batch dimensions do not broadcast");
        dims[i] = a == 1 ? b : a;
    }
    dims[n - 2] = adj_x ? x->dims[x->ndim - 1] : x->dims[x->ndim - 2];
    dims[n - 1] = adj_y ? y->dims[y->ndim - 2] : y->dims[y->ndim - 1];
    return output(it, node, 0, dims, n);
}

static tl_status one_hot(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *idx = tl_node_input(it, node, 0), *depth = tl_node_input(it, node, 1);
    int32_t dims[TL_MAX_DIMS], axis, i, n = 0;
    if (!idx || idx->ndim >= TL_MAX_DIMS) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: indices rank");
    if (!known(depth) || tl_tensor_numel(depth) != 1) return unknown_values(it, node, depth);
    TRY(opt_i32(it, node, 0, -1, &axis));
    axis = axis_of(axis, idx->ndim + 1);
    if (axis < 0 || axis > idx->ndim) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: axis out of range");
    for (i = 0; i <= idx->ndim; i++) dims[i] = i == axis ? (int32_t)value(depth, 0) : idx->dims[n++];
    return output(it, node, 0, dims, idx->ndim + 1);
}

/* DEPTH_TO_SPACE (to_space 1) and SPACE_TO_DEPTH: DepthToSpaceOptions / SpaceToDepthOptions block_size (field 0). */
static tl_status depth_space(tl_interpreter *it, const tl_node *node, int to_space) {
    const tl_tensor *in = tl_node_input(it, node, 0);
    int32_t b, dims[4];
    if (!in || in->ndim != 4) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: input must be 4-D");
    TRY(opt_i32(it, node, 0, 0, &b));
    if (b < 1 || b > 4096) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: block_size");
    dims[0] = in->dims[0];
    if (to_space) {
        if (in->dims[3] % (b * b) || (int64_t)in->dims[1] * b > 0x7fffffff || (int64_t)in->dims[2] * b > 0x7fffffff)
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: depth not a multiple of block^2, or too large");
        dims[1] = in->dims[1] * b;
        dims[2] = in->dims[2] * b;
        dims[3] = in->dims[3] / (b * b);
    } else {
        if (in->dims[1] % b || in->dims[2] % b || (int64_t)in->dims[3] * b * b > 0x7fffffff)
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: height or width not a multiple of block_size");
        dims[1] = in->dims[1] / b;
        dims[2] = in->dims[2] / b;
        dims[3] = in->dims[3] * b * b;
    }
    return output(it, node, 0, dims, 4);
}

/* GATHER_ND: indices' shape without its last axis, then params' axes past the indexed ones. */
static tl_status gather_nd(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *p = tl_node_input(it, node, 0), *idx = tl_node_input(it, node, 1);
    int32_t dims[TL_MAX_DIMS], n = 0, i, depth;
    if (!p || !idx || idx->ndim < 1) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: indices rank");
    depth = idx->dims[idx->ndim - 1];
    if (depth > p->ndim || idx->ndim - 1 + p->ndim - depth > TL_MAX_DIMS)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: indices deeper than params");
    for (i = 0; i < idx->ndim - 1; i++) dims[n++] = idx->dims[i];
    for (i = depth; i < p->ndim; i++) dims[n++] = p->dims[i];
    return output(it, node, 0, dims, n);
}

/* SPACE_TO_BATCH_ND (to_batch 1: block_shape, paddings) and BATCH_TO_SPACE_ND (block_shape, crops). */
static tl_status space_batch(tl_interpreter *it, const tl_node *node, int to_batch) {
    const tl_tensor *in = tl_node_input(it, node, 0), *block = tl_node_input(it, node, 1);
    const tl_tensor *pads = tl_node_input(it, node, 2);
    int32_t dims[TL_MAX_DIMS], m, i;
    int64_t prod = 1;
    if (!in) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: missing input");
    if (!known(block)) return unknown_values(it, node, block);
    if (!known(pads)) return unknown_values(it, node, pads);
    m = (int32_t)tl_tensor_numel(block);
    if (m < 1 || m + 1 > in->ndim || tl_tensor_numel(pads) != 2 * m)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: block_shape and paddings/crops sizes");
    for (i = 0; i < in->ndim; i++) dims[i] = in->dims[i];
    for (i = 0; i < m; i++) {
        int64_t b = value(block, i), a = value(pads, 2 * i), z = value(pads, 2 * i + 1), d;
        if (b < 1 || b > 65536 || a < 0 || z < 0) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: block or padding");
        prod *= b;
        d = to_batch ? in->dims[1 + i] + a + z : (int64_t)in->dims[1 + i] * b - a - z;
        if (to_batch && d % b) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: padded size not a multiple of the block");
        d = to_batch ? d / b : d;
        if (d < 0 || d > 0x7fffffff) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: crops exceed the size");
        dims[1 + i] = (int32_t)d;
    }
    if (to_batch) {
        if ((int64_t)in->dims[0] * prod > 0x7fffffff) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: batch too large");
        dims[0] = (int32_t)(in->dims[0] * prod);
    } else {
        if (in->dims[0] % prod) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: batch not a multiple of the blocks");
        dims[0] = (int32_t)(in->dims[0] / prod);
    }
    return output(it, node, 0, dims, in->ndim);
}

/* TOPK_V2: both outputs the input's shape with the last dimension max(k, 0). */
static tl_status topk(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0), *k = tl_node_input(it, node, 1);
    int32_t dims[TL_MAX_DIMS], i;
    if (!in || in->ndim < 1) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: input must have a dimension");
    if (!known(k) || tl_tensor_numel(k) != 1) return unknown_values(it, node, k);
    for (i = 0; i < in->ndim; i++) dims[i] = in->dims[i];
    dims[in->ndim - 1] = value(k, 0) > 0 ? (int32_t)value(k, 0) : 0; /* above the last dimension: prepare refuses it */
    TRY(output(it, node, 0, dims, in->ndim));
    return output(it, node, 1, dims, in->ndim);
}

/* EMBEDDING_LOOKUP: [len(lookup)] + value's shape[1:]. */
static tl_status embedding_lookup(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *ids = tl_node_input(it, node, 0), *v = tl_node_input(it, node, 1);
    int32_t dims[TL_MAX_DIMS], i;
    if (!ids || !v || ids->ndim != 1 || v->ndim < 2)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: lookup must be 1-D and value at least 2-D");
    dims[0] = ids->dims[0];
    for (i = 1; i < v->ndim; i++) dims[i] = v->dims[i];
    return output(it, node, 0, dims, v->ndim);
}

/* RNN (24), UNIDIRECTIONAL_SEQUENCE_RNN (35), BIDIRECTIONAL_SEQUENCE_RNN (46): the input's shape with the units
 * (rows of the weights) as last dimension; merged bidirectional outputs hold both directions' units. The hidden
 * states are variable tensors of fixed shape: prepare refuses a batch that no longer matches them. */
static tl_status recurrent(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0), *fw = tl_node_input(it, node, 1);
    const tl_tensor *bw = node->builtin == 46 ? tl_node_input(it, node, 5) : NULL;
    int32_t dims[TL_MAX_DIMS] = {0}, k;
    uint8_t merge = 0;
    if (!in || in->ndim < 1 || !fw || fw->ndim != 2 || (node->builtin == 46 && (!bw || bw->ndim != 2)))
        return TL_STATUS_OK; /* prepare names what is wrong */
    if (node->builtin == 46) TRY(opt_u8(it, node, 2, &merge));
    for (k = 0; k < in->ndim; k++) dims[k] = in->dims[k];
    dims[in->ndim - 1] = fw->dims[0] + (merge ? bw->dims[0] : 0);
    TRY(output(it, node, 0, dims, in->ndim));
    if (bw && !merge) {
        dims[in->ndim - 1] = bw->dims[0];
        TRY(output(it, node, 1, dims, in->ndim));
    }
    return TL_STATUS_OK;
}

/* LSTM, UNIDIRECTIONAL_SEQUENCE_LSTM: the input's shape with its last dimension the output size (the recurrent
 * weights [cells, outputs], input 8); BIDIRECTIONAL_SEQUENCE_LSTM: the same per direction (backward recurrent
 * weights: input 25), one output of both sizes when merge_outputs (option 3). The state tensors keep their
 * shapes: the kernels check them against the new batch, as LiteRT's. */
static tl_status lstm_rule(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0), *fw = tl_node_input(it, node, 8);
    const tl_tensor *bw = node->builtin == 52 ? tl_node_input(it, node, 25) : NULL;
    int32_t dims[TL_MAX_DIMS] = {0}, k;
    uint8_t merge = 0;
    if (!in || in->ndim < 1 || !fw || fw->ndim != 2 || (node->builtin == 52 && (!bw || bw->ndim != 2)))
        return TL_STATUS_OK; /* prepare names what is wrong */
    if (node->builtin == 52) TRY(opt_u8(it, node, 3, &merge));
    for (k = 0; k < in->ndim; k++) dims[k] = in->dims[k];
    dims[in->ndim - 1] = fw->dims[1] + (merge ? bw->dims[1] : 0);
    TRY(output(it, node, 0, dims, in->ndim));
    if (bw && !merge && tl_node_num_outputs(node) > 1) {
        dims[in->ndim - 1] = bw->dims[1];
        TRY(output(it, node, 1, dims, in->ndim));
    }
    return TL_STATUS_OK;
}

/* STABLEHLO_PAD: low + high + the operand with interior padding between its elements, per dimension
 * (StablehloPadOptions 0, 1, 2: int64 vectors of the operand's rank). */
static tl_status stablehlo_pad(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0);
    tl_fb_vec lo, hi, inner;
    int32_t dims[TL_MAX_DIMS], k;
    if (!in) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: missing input");
    if (tl_fb_vec_field(&it->fb, node->options, 0, 8, &lo) || tl_fb_vec_field(&it->fb, node->options, 1, 8, &hi) ||
        tl_fb_vec_field(&it->fb, node->options, 2, 8, &inner) || lo.len != (uint32_t)in->ndim ||
        hi.len != (uint32_t)in->ndim || inner.len != (uint32_t)in->ndim)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: options (one padding per dimension)");
    for (k = 0; k < in->ndim; k++) {
        int64_t dim = in->dims[k], step = tl_fb_vec_i64(&it->fb, inner, (uint32_t)k);
        int64_t size = tl_fb_vec_i64(&it->fb, lo, (uint32_t)k) + tl_fb_vec_i64(&it->fb, hi, (uint32_t)k) +
                       (dim ? dim + (dim - 1) * step : 0);
        if (step < 0 || size < 0 || size > 0x7fffffff)
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: a padded dimension is negative or too large");
        dims[k] = (int32_t)size;
    }
    return output(it, node, 0, dims, in->ndim);
}

/* STABLEHLO_COMPOSITE: its decomposition subgraph's inputs take the node's input shapes; that subgraph's own
 * rules run when the kernel's prepare prepares it, and the kernel then gives the node the subgraph's output
 * shapes. A decomposition another caller already prepared in this allocation must have had the same shapes. */
static tl_status composite(tl_interpreter *it, const tl_node *node) {
    int32_t index, k;
    tl_subgraph *sg;
    TRY(opt_i32(it, node, 1, -1, &index)); /* StableHLOCompositeOptions.decomposition_subgraph_index */
    if (index < 0 || index >= it->n_subgraphs) return TL_STATUS_OK; /* prepare names what is wrong */
    sg = &it->subgraphs[index];
    if (sg->entry || tl_subgraph_num_inputs(sg) != tl_node_num_inputs(node)) return TL_STATUS_OK;
    for (k = 0; k < tl_node_num_inputs(node); k++) {
        const tl_tensor *in = tl_node_input(it, node, k);
        tl_tensor *t = tl_subgraph_input(it, sg, k);
        if (!in || !t) return TL_STATUS_OK;
        if (sg->state != 0) {
            if (!tl_same_shape(in, t))
                return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED,
                               "resize: the decomposition subgraph was prepared for other input shapes by another caller");
        } else if (tl_tensor_set_dims(it, t, in->dims, in->ndim) != TL_STATUS_OK) {
            return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "resize: a decomposition input");
        }
    }
    return TL_STATUS_OK;
}

/* UNSORTED_SEGMENT_*: [num_segments] + data.shape[rank(segment_ids):]. */
static tl_status unsorted_segment(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *x = tl_node_input(it, node, 0), *ids = tl_node_input(it, node, 1), *num = tl_node_input(it, node, 2);
    int32_t dims[TL_MAX_DIMS], i;
    if (!x || !ids || ids->ndim > x->ndim) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: segment_ids' rank");
    if (!known(num) || tl_tensor_numel(num) != 1) return unknown_values(it, node, num);
    dims[0] = (int32_t)value(num, 0);
    for (i = ids->ndim; i < x->ndim; i++) dims[i - ids->ndim + 1] = x->dims[i];
    return output(it, node, 0, dims, x->ndim - ids->ndim + 1);
}

/* NON_MAX_SUPPRESSION_V4/V5: [max_output_size] selections (and scores), a scalar count. */
static tl_status non_max_suppression(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *m = tl_node_input(it, node, 2);
    int32_t k, n, outs = tl_node_num_outputs(node);
    if (!known(m) || tl_tensor_numel(m) != 1) return unknown_values(it, node, m);
    n = (int32_t)value(m, 0);
    for (k = 0; k + 1 < outs; k++) TRY(output(it, node, k, &n, 1));
    return output(it, node, outs - 1, NULL, 0);
}

/* RANGE: the element count of constant or folded integer start, limit and delta; otherwise the model's
 * length stays (the kernel checks it at invoke). */
static tl_status range_rule(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *s = tl_node_input(it, node, 0), *l = tl_node_input(it, node, 1), *d = tl_node_input(it, node, 2);
    int64_t a, b, step;
    uint64_t span, mag;
    int32_t dim;
    if (!known(s) || !known(l) || !known(d) || tl_tensor_numel(s) != 1 || tl_tensor_numel(l) != 1 || tl_tensor_numel(d) != 1)
        return TL_STATUS_OK;
    a = value(s, 0), b = value(l, 0), step = value(d, 0);
    if (step == 0 || (a < b && step < 0) || (a > b && step > 0))
        return tl_fail(it, node, TL_STATUS_BAD_ARGUMENT, "resize: delta is 0 or points away from limit");
    span = b >= a ? (uint64_t)b - (uint64_t)a : (uint64_t)a - (uint64_t)b;
    mag = step < 0 ? 0 - (uint64_t)step : (uint64_t)step;
    span = span / mag + (span % mag != 0);
    if (span > 0x7fffffff) return tl_fail(it, node, TL_STATUS_BAD_ARGUMENT, "resize: the range is too long");
    dim = (int32_t)span;
    return output(it, node, 0, &dim, 1);
}

/* MATRIX_DIAG: the input's shape with its last dimension repeated; BITCAST: tf.bitcast's shape. */
static tl_status matrix_diag_rule(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0);
    int32_t dims[TL_MAX_DIMS], i;
    if (!in || in->ndim < 1 || in->ndim >= TL_MAX_DIMS) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: input rank");
    for (i = 0; i < in->ndim; i++) dims[i] = in->dims[i];
    dims[in->ndim] = in->dims[in->ndim - 1];
    return output(it, node, 0, dims, in->ndim + 1);
}

static tl_status bitcast_rule(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    int32_t dims[TL_MAX_DIMS], i, n;
    size_t si, so;
    if (!in || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: missing input or output");
    si = tl_type_size(in->type), so = tl_type_size(out->type);
    for (i = 0; i < in->ndim; i++) dims[i] = in->dims[i];
    n = in->ndim;
    if (si > so && so && n < TL_MAX_DIMS) dims[n++] = (int32_t)(si / so);
    else if (si < so && n > 0) n--; /* the kernel checks the dropped dimension */
    return output(it, node, 0, dims, n);
}

/* BROADCAST_ARGS: the longer shape's length. */
static tl_status broadcast_args_rule(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *a = tl_node_input(it, node, 0), *b = tl_node_input(it, node, 1);
    int32_t n;
    if (!a || !b || a->ndim != 1 || b->ndim != 1) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "resize: shapes must be 1-D");
    n = a->dims[0] > b->dims[0] ? a->dims[0] : b->dims[0];
    return output(it, node, 0, &n, 1);
}

/* CONV_3D (132): [batch, depth, height, width, filter output channels], each spatial axis by the padding rules. */
static tl_status conv_3d(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0), *f = tl_node_input(it, node, 1);
    int32_t stride[3], dilation[3], dims[5], k;
    int8_t padding = 0;
    if (!in || !f || in->ndim != 5 || f->ndim != 5) return TL_STATUS_OK; /* prepare names what is wrong */
    if (tl_fb_i8(&it->fb, node->options, 0, 0, &padding) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    TRY(opt_i32(it, node, 1, 1, &stride[0])); /* Conv3DOptions: stride d, w, h; dilation d, w, h */
    TRY(opt_i32(it, node, 3, 1, &stride[1]));
    TRY(opt_i32(it, node, 2, 1, &stride[2]));
    TRY(opt_i32(it, node, 5, 1, &dilation[0]));
    TRY(opt_i32(it, node, 7, 1, &dilation[1]));
    TRY(opt_i32(it, node, 6, 1, &dilation[2]));
    dims[0] = in->dims[0];
    dims[4] = f->dims[4];
    for (k = 0; k < 3; k++) {
        tl_window w;
        memset(&w, 0, sizeof w);
        w.stride_h = stride[k], w.dil_h = dilation[k], w.filter_h = f->dims[k];
        w.stride_w = w.dil_w = w.filter_w = 1;
        if (!tl_window_init(&w, padding, in->dims[1 + k], 1))
            return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "resize: padding, strides or dilations out of range");
        dims[1 + k] = w.out_h;
    }
    return output(it, node, 0, dims, 5);
}

/* WHERE and UNIQUE: their outputs' upper bounds (the kernels set the real shapes at invoke). */
static tl_status value_shaped(tl_interpreter *it, const tl_node *node) {
    int32_t dims[2];
    if (!tl_node_input(it, node, 0)) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: missing input");
    dims[0] = (int32_t)tl_tensor_numel(tl_node_input(it, node, 0));
    dims[1] = tl_node_input(it, node, 0)->ndim;
    if (node->builtin == 109) return output(it, node, 0, dims, 2);
    TRY(output(it, node, 0, dims, 1));
    return output(it, node, 1, dims, 1);
}

/* STABLEHLO_GATHER: offset dims take the slice sizes of the operand dims not collapsed, the others the
 * start indices' dims but index_vector_dim (StablehloGatherOptions 0, 1, 3, 4: int64 lists and a long). */
static tl_status stablehlo_gather(tl_interpreter *it, const tl_node *node) {
    const tl_tensor *idx = tl_node_input(it, node, 1);
    tl_fb_vec off, col, sizes;
    int64_t ivd;
    int32_t dims[TL_MAX_DIMS], rank, d, b = 0, s = 0;
    uint32_t k;
    if (!idx || tl_fb_vec_field(&it->fb, node->options, 0, 8, &off) || tl_fb_vec_field(&it->fb, node->options, 1, 8, &col) ||
        tl_fb_i64(&it->fb, node->options, 3, 0, &ivd) || tl_fb_vec_field(&it->fb, node->options, 4, 8, &sizes))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: options");
    rank = (int32_t)off.len + idx->ndim - 1;
    if (ivd < 0 || ivd >= idx->ndim || rank > TL_MAX_DIMS || off.len + col.len != sizes.len)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: gather dimensions");
    for (d = 0; d < rank; d++) {
        int offset = 0;
        for (k = 0; k < off.len; k++) offset |= tl_fb_vec_i64(&it->fb, off, k) == d;
        if (offset) {
            for (;; s++) {
                int collapsed = 0;
                for (k = 0; k < col.len; k++) collapsed |= tl_fb_vec_i64(&it->fb, col, k) == s;
                if (!collapsed) break;
            }
            if ((uint32_t)s >= sizes.len) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: gather dimensions");
            dims[d] = (int32_t)tl_fb_vec_i64(&it->fb, sizes, (uint32_t)s++);
        } else {
            dims[d] = idx->dims[b < ivd ? b : b + 1];
            b++;
        }
    }
    return output(it, node, 0, dims, rank);
}

/* The node's output shapes from its inputs' (see the top of this file). */
tl_status tl_shape_rule(tl_interpreter *it, tl_node *node, int *has_rule) {
    const tl_tensor *in0 = tl_node_input(it, node, 0);
    int32_t one;
    *has_rule = 1;
    switch (node->builtin) {
    case 6: case 8: case 14: case 19: case 20: case 21: case 25: case 28: case 47: case 50: case 53: case 59:
    case 66: case 73: case 75: case 76: case 80: case 87: case 92: case 93: case 98: case 101: case 104: case 106:
    case 108: case 111: case 114: case 116: case 117: case 150: case 152: case 158:
    case 11: case 105: case 124: case 128: /* L2_NORMALIZATION REVERSE_V2 DENSIFY CUMSUM: the input's shape too */
    case 133: case 134: case 135: /* IMAG REAL COMPLEX_ABS */
    case 156: /* ATAN2: its inputs share one shape */
    case 112: case 115: case 147: case 151: /* REVERSE_SEQUENCE MATRIX_SET_DIAG BUCKETIZE DYNAMIC_UPDATE_SLICE */
    case 13: /* LOCAL_RESPONSE_NORMALIZATION */
    case 163: case 165: case 166: case 181: /* STABLEHLO_ADD MULTIPLY MAXIMUM MINIMUM: one shape */
        if (!in0) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: missing input");
        return same_as(it, node, in0);
    case 0: case 18: case 41: case 42: case 54: case 55: case 57: case 58: case 61: case 62: case 63: case 71:
    case 72: case 78: case 84: case 86: case 90: case 95: case 99: /* elementwise, two inputs, broadcast */
    case 160: case 161: /* BITWISE_XOR RIGHT_SHIFT */
        return broadcast(it, node, 2);
    case 123: return broadcast(it, node, 3); /* SELECT_V2 */
    case 3: return window(it, node, 0);
    case 4: return window(it, node, 1);
    case 1: case 12: case 17: return window(it, node, 2);
    case 9: return fully_connected(it, node);
    case 24: case 35: case 46: return recurrent(it, node);
    case 40: case 74: case 81: case 82: case 89: case 91: case 140: return reduce(it, node);
    case 64: /* SELECT: x's shape (the condition matches it or its first axis) */
        if (!tl_node_input(it, node, 1)) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: missing input");
        return same_as(it, node, tl_node_input(it, node, 1));
    case 110: return output(it, node, 0, NULL, 0); /* RANK: a scalar */
    case 5: return depth_space(it, node, 1);
    case 26: return depth_space(it, node, 0);
    case 107: return gather_nd(it, node);
    case 38: return space_batch(it, node, 1);
    case 37: return space_batch(it, node, 0);
    case 2: return concatenation(it, node);
    case 83: return pack(it, node);
    case 88: return unpack(it, node);
    case 22: return reshape(it, node);
    case 43: return squeeze(it, node);
    case 70: return expand_dims(it, node);
    case 77: /* SHAPE */
        if (!in0) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: missing input");
        one = in0->ndim;
        return output(it, node, 0, &one, 1);
    case 45: return strided_slice(it, node);
    case 65: return slice(it, node);
    case 39: return transpose(it, node);
    case 34: case 60: case 100: return pad(it, node);
    case 36: return gather(it, node);
    case 23: case 97: return resize_image(it, node);
    case 69: return tile(it, node);
    case 94: return shape_values(it, node, 0);   /* FILL */
    case 130: return shape_values(it, node, 1);  /* BROADCAST_TO */
    case 67: return shape_values(it, node, 0);   /* TRANSPOSE_CONV */
    case 132: return conv_3d(it, node);
    case 141: return shape_values(it, node, 0);  /* CONV_3D_TRANSPOSE */
    case 49: return split(it, node, 0);
    case 102: return split(it, node, 1);
    case 56: case 79: return arg_min_max(it, node);
    case 126: return batch_matmul(it, node);
    case 85: return one_hot(it, node);
    case 96: return range_rule(it, node);
    case 113: return matrix_diag_rule(it, node);
    case 145: return broadcast_args_rule(it, node);
    case 159: return bitcast_rule(it, node);
    case 48: return topk(it, node);
    case 7: return embedding_lookup(it, node);
    case 203: return dilate(it, node);
    case 205: return reduce_window_dims(it, node, 0);
    case 198: return reduce_window_dims(it, node, 1);
    case 131: return rfft2d(it, node);
    case 10: return hashtable_lookup(it, node);
    case 15: return lsh_projection(it, node);
    case 30: return TL_STATUS_OK; /* SKIP_GRAM: its prepare gives the output its bound (from the capacity) */
    case 149: return multinomial(it, node);
    case 122: return shape_values(it, node, 2); /* SCATTER_ND */
    case 68: return shape_values(it, node, 1);  /* SPARSE_TO_DENSE */
    case 153: case 154: case 155: case 157: return unsorted_segment(it, node);
    case 120: case 121: return non_max_suppression(it, node);
    case 190: /* STABLEHLO_SCATTER: same as its input */
        if (!in0) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "resize: missing input");
        return same_as(it, node, in0);
    case 109: case 103: return value_shaped(it, node);
    case 201: return stablehlo_gather(it, node);
    case 16: case 44: case 52: return lstm_rule(it, node);
    case 195: return stablehlo_pad(it, node);
    case 206: return composite(it, node); /* outputs: the kernel's prepare, from the decomposition's */
    default:
        *has_rule = 0;
        return TL_STATUS_OK;
    }
}
#endif /* TL_NO_SHAPE_RULES */
