/* PAD: constant padding of any tensor (up to TL_MAX_DIMS dims) with zero — the zero point for
 * quantized types, as LiteRT's PAD does. The paddings input ([rank, 2] int32 or int64) must be
 * a constant of the model, so the output shape is checked once in prepare. */
#include <string.h>

#include "../src/kernel_api.h"

typedef struct {
    int32_t before[TL_MAX_DIMS];
    int32_t ndim;
    size_t elem;
} pad_data;

static tl_status pad_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *pads = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    pad_data *d;
    int32_t i;
    if (!in || !pads || !out || in->type != out->type || in->ndim != out->ndim)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output must have one type and rank");
    if (!pads->is_constant || pads->ndim != 2 || pads->dims[0] != in->ndim || pads->dims[1] != 2 ||
        (pads->type != TL_TYPE_INT32 && pads->type != TL_TYPE_INT64))
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "paddings must be a constant [rank, 2] int32/int64");
    if (tl_type_size(in->type) == 0) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "element type");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->ndim = in->ndim;
    d->elem = tl_type_size(in->type);
    for (i = 0; i < in->ndim; i++) {
        int64_t lo, hi;
        if (pads->type == TL_TYPE_INT32) {
            lo = ((const int32_t *)pads->data)[2 * i];
            hi = ((const int32_t *)pads->data)[2 * i + 1];
        } else {
            lo = tl_load_i64((const uint8_t *)pads->data + 16 * i);
            hi = tl_load_i64((const uint8_t *)pads->data + 16 * i + 8);
        }
        if (lo < 0 || hi < 0 || lo + hi + in->dims[i] != out->dims[i])
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "paddings do not give the output shape");
        d->before[i] = (int32_t)lo;
    }
    if (in->type == TL_TYPE_INT8 || in->type == TL_TYPE_INT16) return tl_check_quantized(it, node, out);
    return TL_STATUS_OK;
}

static tl_status pad_eval(tl_interpreter *it, tl_node *node) {
    const pad_data *d = node->op_data;
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    int64_t o, n = tl_tensor_numel(out);
    uint8_t *y = out->data;
    const uint8_t *x = in->data;
    int32_t pad_value = (in->type == TL_TYPE_INT8 || in->type == TL_TYPE_INT16) ? out->zero_point : 0;
    for (o = 0; o < n; o++) {
        int64_t rest = o, src = 0, stride = 1;
        int32_t i, inside = 1;
        for (i = d->ndim - 1; i >= 0; i--) { /* output coordinate -> input offset */
            int64_t c = rest % out->dims[i] - d->before[i];
            rest /= out->dims[i];
            if (c < 0 || c >= in->dims[i]) inside = 0;
            src += c * stride;
            stride *= in->dims[i];
        }
        if (inside) {
            memcpy(y + o * d->elem, x + src * d->elem, d->elem);
        } else if (in->type == TL_TYPE_INT8) {
            ((int8_t *)y)[o] = (int8_t)pad_value;
        } else if (in->type == TL_TYPE_INT16) {
            ((int16_t *)y)[o] = (int16_t)pad_value;
        } else {
            memset(y + o * d->elem, 0, d->elem);
        }
    }
    return TL_STATUS_OK;
}

const tl_kernel tl_kernel_pad = {34, "PAD", pad_prepare, pad_eval};
