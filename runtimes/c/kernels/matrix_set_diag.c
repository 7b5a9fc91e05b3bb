/* MATRIX_SET_DIAG: input [..., M, N] with its main diagonals replaced by diagonal [..., min(M, N)].
 * float32, int8, uint8, int16, int32, uint32 and int64: the types LiteRT's reference gets right (it
 * writes float64, uint16 and bool with the wrong element size). */
#include <string.h>

#include "../src/kernel_api.h"

static tl_status tl_matrix_set_diag_eval(tl_interpreter *it, tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0), *diag = tl_node_input(it, node, 1);
    tl_tensor *out = tl_node_output(it, node, 0);
    const uint8_t *dg = diag->data;
    uint8_t *y = out->data;
    size_t es = tl_type_size(in->type);
    int64_t m = in->dims[in->ndim - 2], n = in->dims[in->ndim - 1], k = m < n ? m : n;
    int64_t mats = (m * n != 0) ? tl_tensor_numel(in) / (m * n) : 0, b, i;
    if (y != in->data) memmove(y, in->data, out->bytes);
    for (b = 0; b < mats; b++)
        for (i = 0; i < k; i++) memcpy(y + (b * m * n + i * n + i) * es, dg + (b * k + i) * es, es);
    return TL_STATUS_OK;
}

tl_status tl_matrix_set_diag_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *diag = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    int32_t i, ok;
    if (!in || !diag || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs an input, a diagonal and an output");
    if (in->type != out->type || diag->type != in->type)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "input, diagonal and output types differ");
    switch (in->type) {
    case TL_TYPE_FLOAT32: case TL_TYPE_INT8: case TL_TYPE_UINT8: case TL_TYPE_INT16: case TL_TYPE_INT32:
    case TL_TYPE_UINT32: case TL_TYPE_INT64: break;
    default:
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED,
                       "MATRIX_SET_DIAG supports float32, int8, uint8, int16, int32, uint32 and int64");
    }
    if (in->ndim < 2 || !tl_same_shape(in, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "the input must be at least 2-D, the output its shape");
    ok = diag->ndim == in->ndim - 1;
    for (i = 0; ok && i < in->ndim - 2; i++) ok = diag->dims[i] == in->dims[i];
    if (!ok || diag->dims[in->ndim - 2] != (in->dims[in->ndim - 2] < in->dims[in->ndim - 1] ? in->dims[in->ndim - 2] : in->dims[in->ndim - 1]))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "the diagonal must be [..., min(M, N)] of an input [..., M, N]");
    node->eval = tl_matrix_set_diag_eval;
    return TL_STATUS_OK;
}
