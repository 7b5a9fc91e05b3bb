#include "pad.h"

#include <string.h>

#include "int_input.h"

tl_status tl_pad_prepare_common(tl_interpreter *it, tl_node *node, int32_t max_pad_less, tl_pad_data **out_d) {
    tl_tensor *in = tl_node_input(it, node, 0), *pads = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    tl_pad_data *d;
    int32_t i;
    if (!in || !pads || !out || in->type != out->type || in->ndim != out->ndim)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output must have one type and rank");
    if (!pads->is_constant || pads->ndim != 2 || pads->dims[0] != in->ndim || pads->dims[1] != 2 || !tl_is_int_index_type(pads))
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "paddings must be a constant [rank, 2] int32/int64");
    if (tl_type_size(in->type) == 0) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "element type");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->ndim = in->ndim;
    d->elem = tl_type_size(in->type);
    for (i = 0; i < in->ndim; i++) {
        int64_t lo = tl_int_at(pads, 2 * i), hi = tl_int_at(pads, 2 * i + 1);
        if (lo < 0 || hi < 0 || lo + hi + in->dims[i] != out->dims[i])
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "paddings do not give the output shape");
        if (max_pad_less >= 0 && (lo > in->dims[i] - max_pad_less || hi > in->dims[i] - max_pad_less))
            return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "mirror paddings exceed the input dim (less 1 for REFLECT)");
        d->before[i] = (int32_t)lo;
    }
    if (in->type == TL_TYPE_INT8) {
        int8_t z = (int8_t)out->zero_point;
        memcpy(d->fill, &z, 1);
    } else if (in->type == TL_TYPE_INT16) {
        int16_t z = (int16_t)out->zero_point;
        memcpy(d->fill, &z, 2);
    }
    *out_d = d;
    return TL_STATUS_OK;
}

void tl_pad_copy_interior(const tl_pad_data *d, const tl_tensor *in, tl_tensor *out) {
    uint8_t *y = out->data;
    const uint8_t *x = in->data;
    int64_t o, rows = 1, r, inner = 1, off = 0, idx[TL_MAX_DIMS] = {0};
    int64_t out_stride[TL_MAX_DIMS];
    int32_t i, nd = in->ndim, last = -1;
    size_t row_bytes;
    for (i = 0; i < nd; i++)
        if (d->before[i] != 0 || in->dims[i] != out->dims[i]) last = i;
    for (i = last + 1; i < nd; i++) inner *= in->dims[i];
    if (last >= 0) inner *= in->dims[last];
    for (i = 0; i < last; i++) rows *= in->dims[i];
    for (i = nd - 1, o = 1; i >= 0; i--) { /* output strides in elements; offset of the input's origin */
        out_stride[i] = o;
        off += d->before[i] * o;
        o *= out->dims[i];
    }
    row_bytes = (size_t)inner * d->elem;
    for (r = 0; r < rows; r++) { /* input row r -> output offset off, dims before `last` as an odometer */
        memcpy(y + off * (int64_t)d->elem, x + r * (int64_t)row_bytes, row_bytes);
        for (i = last - 1; i >= 0; i--) {
            off += out_stride[i];
            if (++idx[i] < in->dims[i]) break;
            off -= out_stride[i] * in->dims[i];
            idx[i] = 0;
        }
    }
}

void tl_pad_constant(const tl_pad_data *d, const tl_tensor *in, tl_tensor *out, const uint8_t *fill) {
    uint8_t *y = out->data;
    int64_t o, n = tl_tensor_numel(out), run;
    int32_t uniform = 1;
    size_t k;
    for (k = 1; k < d->elem; k++) uniform &= fill[k] == fill[0];
    if (n == 0) return;
    if (uniform) {
        memset(y, fill[0], (size_t)n * d->elem);
    } else { /* one element, then what is written copied after itself, doubling */
        memcpy(y, fill, d->elem);
        for (o = 1; o < n; o += run) {
            run = o < n - o ? o : n - o;
            memcpy(y + o * d->elem, y, (size_t)run * d->elem);
        }
    }
    tl_pad_copy_interior(d, in, out);
}

tl_status tl_pad_eval(tl_interpreter *it, tl_node *node) {
    const tl_pad_data *d = node->op_data;
    tl_pad_constant(d, tl_node_input(it, node, 0), tl_node_output(it, node, 0), d->fill);
    return TL_STATUS_OK;
}
