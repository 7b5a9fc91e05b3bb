/* MATRIX_DIAG: [..., N] -> [..., N, N], each row of the input on the diagonal of a matrix of
 * zeros. float32, int8, uint8, int16, int32, uint32 and int64: the types LiteRT's reference gets
 * right (it writes float64, uint16 and bool diagonals with the wrong element size). */
#include <string.h>

#include "../src/kernel_api.h"

static tl_status tl_matrix_diag_eval(tl_interpreter *it, tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0);
    tl_tensor *out = tl_node_output(it, node, 0);
    const uint8_t *x = in->data;
    uint8_t *y = out->data;
    size_t es = tl_type_size(in->type);
    int64_t n = in->dims[in->ndim - 1], rows = n ? tl_tensor_numel(in) / n : 0, r, i;
    memset(y, 0, out->bytes);
    for (r = 0; r < rows; r++)
        for (i = 0; i < n; i++) memcpy(y + ((r * n + i) * n + i) * es, x + (r * n + i) * es, es);
    return TL_STATUS_OK;
}

tl_status tl_matrix_diag_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    int32_t i, ok;
    if (!in || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs an input and an output");
    if (in->type != out->type) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "input and output types differ");
    switch (in->type) {
    case TL_TYPE_FLOAT32: case TL_TYPE_INT8: case TL_TYPE_UINT8: case TL_TYPE_INT16: case TL_TYPE_INT32:
    case TL_TYPE_UINT32: case TL_TYPE_INT64: break;
    default:
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED,
                       "MATRIX_DIAG supports float32, int8, uint8, int16, int32, uint32 and int64");
    }
    ok = in->ndim >= 1 && out->ndim == in->ndim + 1 && out->dims[in->ndim] == in->dims[in->ndim - 1];
    for (i = 0; ok && i < in->ndim; i++) ok = out->dims[i] == in->dims[i];
    if (!ok) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "the output must be the input's shape with its last dimension repeated");
    node->eval = tl_matrix_diag_eval;
    return TL_STATUS_OK;
}
