/* SPLIT_V: input 0 cut along the axis (input 2, a constant int32) into pieces whose sizes are
 * input 1 (a constant int32 or int64 vector, one entry per output; at most one -1, which takes
 * what the others leave). float32, int8, uint8, int16, int32, int64, as LiteRT. */
#include "../src/kernel_api.h"
#include "common/split.h"

enum { OPT_NUM_SPLITS = 0 }; /* SplitVOptions */

static int64_t size_at(const tl_tensor *sizes, int32_t k) {
    return sizes->type == TL_TYPE_INT32 ? ((const int32_t *)sizes->data)[k] : ((const int64_t *)sizes->data)[k];
}

tl_status tl_split_v_prepare(tl_interpreter *it, tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0), *sizes = tl_node_input(it, node, 1);
    int32_t num_splits, axis, k, n = tl_node_num_outputs(node), unknown = -1;
    int64_t known = 0;
    tl_status st;
    if (tl_node_num_inputs(node) != 3 || !in || !sizes)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 3 inputs (value, size_splits, axis)");
    if (in->type != TL_TYPE_FLOAT32 && in->type != TL_TYPE_INT8 && in->type != TL_TYPE_UINT8 &&
        in->type != TL_TYPE_INT16 && in->type != TL_TYPE_INT32 && in->type != TL_TYPE_INT64)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "supports float32, int8, uint8, int16, int32 and int64");
    if (tl_fb_i32(&it->fb, node->options, OPT_NUM_SPLITS, 0, &num_splits))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (num_splits != n) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "num_splits differs from the number of outputs");
    if (!sizes->is_constant || (sizes->type != TL_TYPE_INT32 && sizes->type != TL_TYPE_INT64) || sizes->ndim != 1 ||
        sizes->dims[0] != n)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED,
                       "size_splits must be a constant int32/int64 vector with one entry per output");
    if ((st = tl_split_prepare_common(it, node, 0, tl_node_input(it, node, 2), &axis)) != TL_STATUS_OK) return st;
    for (k = 0; k < n; k++) {
        int64_t s = size_at(sizes, k);
        if (s == -1 && unknown < 0)
            unknown = k;
        else if (s < 0)
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "size_splits holds a negative size (or a second -1)");
        else
            known += s;
    }
    for (k = 0; k < n; k++) {
        int64_t s = k == unknown ? in->dims[axis] - known : size_at(sizes, k);
        if (tl_node_output(it, node, k)->dims[axis] != s)
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "an output's size along the axis differs from size_splits");
    }
    return TL_STATUS_OK;
}
