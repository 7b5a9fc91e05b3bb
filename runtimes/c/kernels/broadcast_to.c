/* BROADCAST_TO: the input broadcast (NumPy rules: right-aligned, dims of 1 repeated) to the
 * shape input's value (int32 or int64 vector), any fixed-size type, bytes copied
 * (common/repeat.h). A constant shape must equal the output's; a runtime one is not read: the
 * output's static shape from the model decides, as RESHAPE does. LiteRT registers the builtin
 * from opcode version 2. */
#include "../src/kernel_api.h"
#include "common/int_input.h"
#include "common/repeat.h"

tl_status tl_broadcast_to_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *shape = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    int32_t i, lead;
    if (!in || !shape || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs input, shape and output");
    if (in->type != out->type || tl_type_size(in->type) == 0 || in->type == TL_TYPE_STRING)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "input and output must have one fixed-size type");
    if (!tl_is_int_index_type(shape) || shape->ndim != 1 || shape->dims[0] != out->ndim)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "shape must be an int32/int64 vector of the output's rank");
    if (out->ndim < in->ndim) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output rank below the input's");
    lead = out->ndim - in->ndim;
    for (i = 0; i < out->ndim; i++) {
        int32_t d = i >= lead ? in->dims[i - lead] : 1;
        if (shape->is_constant && tl_int_at(shape, i) != out->dims[i])
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output shape differs from the shape input");
        if (d != 1 && d != out->dims[i]) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input does not broadcast to the shape");
    }
    return tl_repeat_prepare(it, node, in, out);
}
