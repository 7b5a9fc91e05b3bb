/* BITCAST: the input's bytes as another type (tf.bitcast). Equal element sizes keep the shape; a
 * wider input gains a last dimension of size in/out; a narrower one loses its last dimension, which
 * must be out/in. Any fixed-size type. */
#include "../src/kernel_api.h"
#include "common/copy.h"

tl_status tl_bitcast_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    size_t si, so;
    int32_t i, ok;
    if (!in || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs an input and an output");
    si = tl_type_size(in->type);
    so = tl_type_size(out->type);
    if (!si || !so) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "BITCAST needs fixed-size types");
    if (si == so) ok = tl_same_shape(in, out);
    else if (si > so) {
        ok = out->ndim == in->ndim + 1 && si % so == 0 && (size_t)out->dims[in->ndim] == si / so;
        for (i = 0; ok && i < in->ndim; i++) ok = in->dims[i] == out->dims[i];
    } else {
        ok = in->ndim == out->ndim + 1 && so % si == 0 && (size_t)in->dims[out->ndim] == so / si;
        for (i = 0; ok && i < out->ndim; i++) ok = in->dims[i] == out->dims[i];
    }
    if (!ok || in->bytes != out->bytes)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "the output shape does not hold the input's bytes as tf.bitcast shapes them");
    node->eval = tl_copy_eval;
    return TL_STATUS_OK;
}
