/* DENSIFY: a sparse constant to the dense tensor it stands for. The model reader already verified
 * and densified the sparse constant (src/sparse.c), so this kernel copies those bytes. */
#include "../src/kernel_api.h"
#include "common/copy.h"

tl_status tl_densify_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    if (!in || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 1 input and 1 output");
    if (!in->is_constant) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "the input must be a constant");
    if (in->type != out->type || !tl_same_shape(in, out))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output must have the input's type and shape");
    node->eval = tl_copy_eval;
    return TL_STATUS_OK;
}
