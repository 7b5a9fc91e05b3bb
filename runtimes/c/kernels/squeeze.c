/* SQUEEZE: drops size-1 dims (those squeeze_dims lists, negative counting from the end, or all of
 * them when it lists none); the output's shape must be exactly that. The bytes are copied. */
#include "../src/kernel_api.h"
#include "common/copy.h"

enum { OPT_SQUEEZE_DIMS = 0 };

tl_status tl_squeeze_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    tl_fb_vec dims;
    int drop[TL_MAX_DIMS] = {0};
    int32_t i, j;
    uint32_t k;
    if (!in || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs an input and an output");
    if (in->type != out->type || in->bytes != out->bytes)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output hold different types or byte counts");
    if (tl_fb_vec_field(&it->fb, node->options, OPT_SQUEEZE_DIMS, 4, &dims) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    for (k = 0; k < dims.len; k++) {
        int32_t a = tl_fb_vec_i32(&it->fb, dims, k);
        if (a < -in->ndim || a >= in->ndim) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "squeeze dim out of range");
        if (a < 0) a += in->ndim;
        if (in->dims[a] != 1) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "squeezed dim is not 1");
        drop[a] = 1;
    }
    for (i = 0, j = 0; i < in->ndim; i++) {
        if (dims.len ? drop[i] : in->dims[i] == 1) continue;
        if (j >= out->ndim || out->dims[j++] != in->dims[i])
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output shape is not the squeezed input shape");
    }
    if (j != out->ndim) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output shape is not the squeezed input shape");
    node->eval = tl_copy_eval;
    return TL_STATUS_OK;
}
