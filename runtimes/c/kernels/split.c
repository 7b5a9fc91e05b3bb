/* SPLIT: the input (input 1) cut into num_splits equal pieces along the axis given by input 0
 * (a constant int32). float32, int8, uint8, int16, int32, int64, as LiteRT. */
#include "../src/kernel_api.h"
#include "common/split.h"

enum { OPT_NUM_SPLITS = 0 }; /* SplitOptions */

tl_status tl_split_prepare(tl_interpreter *it, tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 1);
    int32_t num_splits, axis, k;
    tl_status st;
    if (tl_node_num_inputs(node) != 2 || !in) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 2 inputs (axis, value)");
    if (in->type != TL_TYPE_FLOAT32 && in->type != TL_TYPE_INT8 && in->type != TL_TYPE_UINT8 &&
        in->type != TL_TYPE_INT16 && in->type != TL_TYPE_INT32 && in->type != TL_TYPE_INT64)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "supports float32, int8, uint8, int16, int32 and int64");
    if (tl_fb_i32(&it->fb, node->options, OPT_NUM_SPLITS, 0, &num_splits))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (num_splits != tl_node_num_outputs(node))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "num_splits differs from the number of outputs");
    if ((st = tl_split_prepare_common(it, node, 1, tl_node_input(it, node, 0), &axis)) != TL_STATUS_OK) return st;
    if (in->dims[axis] % num_splits)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "the axis does not divide into num_splits equal pieces");
    for (k = 0; k < num_splits; k++)
        if (tl_node_output(it, node, k)->dims[axis] != in->dims[axis] / num_splits)
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "the pieces must be equal");
    return TL_STATUS_OK;
}
