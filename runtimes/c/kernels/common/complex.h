/* complex64 tensors hold (real, imaginary) float32 pairs. REAL, IMAG and COMPLEX_ABS take one complex64
 * input and give a float32 output of its shape (complex128, which LiteRT also takes, is not a type here). */
#ifndef TL_COMPLEX_H
#define TL_COMPLEX_H

#include "../../src/kernel_api.h"

/* Checks a complex64 input and a float32 output of its shape; eval copies float `part` (0: real,
 * 1: imaginary) of each element. */
static inline tl_status tl_complex_part_eval(tl_interpreter *it, tl_node *node, int part) {
    const float *z = tl_node_input(it, node, 0)->data;
    tl_tensor *out = tl_node_output(it, node, 0);
    float *y = out->data;
    int64_t i, n = tl_tensor_numel(out);
    for (i = 0; i < n; i++) y[i] = z[2 * i + part];
    return TL_STATUS_OK;
}

static inline tl_status tl_complex_real_eval(tl_interpreter *it, tl_node *node) {
    return tl_complex_part_eval(it, node, 0);
}

static inline tl_status tl_complex_imag_eval(tl_interpreter *it, tl_node *node) {
    return tl_complex_part_eval(it, node, 1);
}

static inline tl_status tl_complex_part_prepare(tl_interpreter *it, tl_node *node, int part) {
    const tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    if (!in || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs an input and an output");
    if (in->type != TL_TYPE_COMPLEX64)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "input must be complex64");
    if (out->type != TL_TYPE_FLOAT32)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "output must be float32");
    if (!tl_same_shape(in, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output shape differs from the input's");
    node->eval = part ? tl_complex_imag_eval : tl_complex_real_eval;
    return TL_STATUS_OK;
}

#endif
