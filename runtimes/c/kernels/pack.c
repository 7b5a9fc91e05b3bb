/* PACK (stack): N same-shaped inputs joined along a new axis; a byte interleave. */
#include "../src/kernel_api.h"
#include "common/copy.h"

enum { OPT_VALUES_COUNT = 0, OPT_AXIS = 1 };

tl_status tl_pack_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *first = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    tl_interleave_data *d;
    int32_t axis, k, i;
    int64_t inner = 1;
    if (!first || !out || tl_node_num_inputs(node) > TL_MAX_INTERLEAVE || out->ndim != first->ndim + 1)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output must have one more dimension than the inputs");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (tl_fb_i32(&it->fb, node->options, OPT_AXIS, 0, &axis)) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (axis < 0) axis += out->ndim;
    d->n = tl_node_num_inputs(node);
    if (axis < 0 || axis >= out->ndim || out->dims[axis] != d->n)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "axis size must equal the number of inputs");
    d->outer = 1;
    for (i = 0; i < axis; i++) d->outer *= first->dims[i];
    for (i = axis; i < first->ndim; i++) inner *= first->dims[i];
    for (k = 0; k < d->n; k++) {
        tl_tensor *in = tl_node_input(it, node, k);
        if (!in || in->type != out->type || !tl_same_shape(in, first) || tl_type_size(in->type) == 0)
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "inputs must share shape and type");
        d->block[k] = (size_t)inner * tl_type_size(in->type);
    }
    node->eval = tl_interleave_eval;
    return TL_STATUS_OK;
}
