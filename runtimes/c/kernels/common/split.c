/* SPLIT / SPLIT_V copy (see split.h): for each index over the dims before the axis, output k
 * takes the next dims[axis] * inner elements of the input's row. */
#include <string.h>

#include "split.h"

typedef struct {
    int32_t input;
    int32_t axis;
    int64_t outer;
    size_t inner_bytes;   /* bytes of one step along the axis */
    size_t row_bytes;     /* bytes of the input under one outer index */
} split_data;

static tl_status tl_split_eval(tl_interpreter *it, tl_node *node);

tl_status tl_split_prepare_common(tl_interpreter *it, tl_node *node, int32_t input, const tl_tensor *axis_t, int32_t *axis) {
    const tl_tensor *in = tl_node_input(it, node, input);
    split_data *d;
    int32_t k, i, a;
    int64_t total = 0, inner = 1;
    if (!in || !axis_t) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "input or axis missing");
    if (!axis_t->is_constant || axis_t->type != TL_TYPE_INT32 || tl_tensor_numel(axis_t) != 1)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED,
                       "axis must be a constant int32 scalar (a computed axis would make output shapes dynamic)");
    a = *(const int32_t *)axis_t->data;
    if (a < 0) a += in->ndim;
    if (a < 0 || a >= in->ndim) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "axis out of range");
    if (tl_node_num_outputs(node) < 1) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs outputs");
    for (k = 0; k < tl_node_num_outputs(node); k++) {
        const tl_tensor *out = tl_node_output(it, node, k);
        if (out == NULL) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "an output is missing");
        if (out->type != in->type) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "outputs must have the input's type");
        if (out->ndim != in->ndim) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "outputs must have the input's rank");
        for (i = 0; i < in->ndim; i++)
            if (i != a && out->dims[i] != in->dims[i])
                return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "outputs must match the input off the split axis");
        total += out->dims[a];
    }
    if (total != in->dims[a])
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "the outputs' sizes along the axis do not add up to the input's");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->input = input;
    d->axis = a;
    d->outer = 1;
    for (i = 0; i < a; i++) d->outer *= in->dims[i];
    for (i = a + 1; i < in->ndim; i++) inner *= in->dims[i];
    d->inner_bytes = (size_t)inner * tl_type_size(in->type);
    d->row_bytes = d->inner_bytes * (size_t)in->dims[a];
    *axis = a;
    node->eval = tl_split_eval;
    return TL_STATUS_OK;
}

static tl_status tl_split_eval(tl_interpreter *it, tl_node *node) {
    const split_data *d = node->op_data;
    const uint8_t *in = tl_node_input(it, node, d->input)->data;
    size_t offset = 0;
    int32_t k;
    int64_t o;
    for (k = 0; k < tl_node_num_outputs(node); k++) {
        tl_tensor *out = tl_node_output(it, node, k);
        size_t block = (size_t)out->dims[d->axis] * d->inner_bytes;
        uint8_t *dst = out->data;
        for (o = 0; o < d->outer; o++) memcpy(dst + (size_t)o * block, in + (size_t)o * d->row_bytes + offset, block);
        offset += block;
    }
    return TL_STATUS_OK;
}
