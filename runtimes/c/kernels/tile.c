/* TILE: the input repeated multiples[i] times along each dim i (common/repeat.h); any
 * fixed-size element type, bytes copied. multiples is an int32 or int64 vector of the input's
 * rank. A constant one must give the output's shape; a runtime one is not read: this runtime's
 * shapes are static, so the output's shape from the model decides (it must be a whole multiple
 * of the input's, dim by dim), as RESHAPE takes its shape from the model. */
#include "../src/kernel_api.h"
#include "common/int_input.h"
#include "common/repeat.h"

tl_status tl_tile_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *mult = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    int32_t i;
    if (!in || !mult || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs input, multiples and output");
    if (in->type != out->type || tl_type_size(in->type) == 0 || in->type == TL_TYPE_STRING)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "input and output must have one fixed-size type");
    if (!tl_is_int_index_type(mult) || mult->ndim != 1 || mult->dims[0] != in->ndim)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "multiples must be an int32/int64 vector of the input's rank");
    if (out->ndim != in->ndim) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output rank differs from the input's");
    for (i = 0; i < in->ndim; i++) {
        if (mult->is_constant) {
            int64_t m = tl_int_at(mult, i);
            if (m < 0 || (int64_t)in->dims[i] * m != out->dims[i])
                return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output shape is not the input's times multiples");
        } else if (in->dims[i] == 0 ? out->dims[i] != 0 : out->dims[i] % in->dims[i] != 0) {
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output dims are not multiples of the input's");
        }
    }
    return tl_repeat_prepare(it, node, in, out);
}
