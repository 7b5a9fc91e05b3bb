#include "pad.h"

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
    *out_d = d;
    return TL_STATUS_OK;
}

int64_t tl_pad_source(const tl_pad_data *d, const tl_tensor *in, const tl_tensor *out, int64_t o) {
    int64_t rest = o, src = 0, stride = 1;
    int32_t i;
    for (i = d->ndim - 1; i >= 0; i--) { /* output coordinate -> input offset */
        int64_t c = rest % out->dims[i] - d->before[i];
        rest /= out->dims[i];
        if (c < 0 || c >= in->dims[i]) return -1;
        src += c * stride;
        stride *= in->dims[i];
    }
    return src;
}
