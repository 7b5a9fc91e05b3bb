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

void tl_pad_constant(const tl_pad_data *d, const tl_tensor *in, tl_tensor *out, const uint8_t *fill) {
    uint8_t *y = out->data;
    const uint8_t *x = in->data;
    int64_t o, n = tl_tensor_numel(out), rows = 1, r;
    int32_t i, nd = in->ndim, uniform = 1;
    size_t k, row_bytes;
    for (k = 1; k < d->elem; k++) uniform &= fill[k] == fill[0];
    if (uniform) {
        memset(y, fill[0], (size_t)n * d->elem);
    } else {
        for (o = 0; o < n; o++) memcpy(y + o * d->elem, fill, d->elem);
    }
    if (nd == 0) {
        memcpy(y, x, d->elem);
        return;
    }
    for (i = 0; i < nd - 1; i++) rows *= in->dims[i];
    row_bytes = (size_t)in->dims[nd - 1] * d->elem;
    for (r = 0; r < rows; r++) { /* input row r (all coordinates but the last) -> its output offset */
        int64_t rest = r, off = d->before[nd - 1], stride = out->dims[nd - 1];
        for (i = nd - 2; i >= 0; i--) {
            off += (rest % in->dims[i] + d->before[i]) * stride;
            rest /= in->dims[i];
            stride *= out->dims[i];
        }
        memcpy(y + off * (int64_t)d->elem, x + r * (int64_t)row_bytes, row_bytes);
    }
}

tl_status tl_pad_eval(tl_interpreter *it, tl_node *node) {
    const tl_pad_data *d = node->op_data;
    tl_pad_constant(d, tl_node_input(it, node, 0), tl_node_output(it, node, 0), d->fill);
    return TL_STATUS_OK;
}
