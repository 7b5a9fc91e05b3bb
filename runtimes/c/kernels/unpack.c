/* UNPACK: splits the input along `axis` into its `num` slices, output k holding in[..., k, ...]
 * (the axis dropped). Any element type (a byte copy). */
#include <string.h>

#include "../src/kernel_api.h"

enum { OPT_NUM = 0, OPT_AXIS = 1 };

typedef struct {
    int64_t outer;
    size_t inner_bytes;
    int32_t num;
} unpack_data;

static tl_status tl_unpack_eval(tl_interpreter *it, tl_node *node);

tl_status tl_unpack_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0);
    unpack_data *d;
    int32_t num, axis, i, j, k;
    int64_t inner = 1;
    if (!in) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs an input");
    if (tl_fb_i32(&it->fb, node->options, OPT_NUM, 0, &num) != TL_STATUS_OK ||
        tl_fb_i32(&it->fb, node->options, OPT_AXIS, 0, &axis) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (in->ndim < 1 || axis < -in->ndim || axis >= in->ndim) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "axis out of range");
    if (axis < 0) axis += in->ndim;
    if (num == 0) num = in->dims[axis];
    if (num != in->dims[axis] || num < 1 || tl_node_num_outputs(node) != num)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "num must equal the axis size and the number of outputs");
    if (tl_type_size(in->type) == 0) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "element type");
    for (k = 0; k < num; k++) {
        tl_tensor *out = tl_node_output(it, node, k);
        if (!out || out->type != in->type || out->ndim != in->ndim - 1)
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "each output must be the input without the axis");
        for (i = 0, j = 0; i < in->ndim; i++)
            if (i != axis && out->dims[j++] != in->dims[i])
                return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "each output must be the input without the axis");
    }
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->outer = 1;
    for (i = 0; i < axis; i++) d->outer *= in->dims[i];
    for (i = axis + 1; i < in->ndim; i++) inner *= in->dims[i];
    d->inner_bytes = (size_t)inner * tl_type_size(in->type);
    d->num = num;
    node->eval = tl_unpack_eval;
    return TL_STATUS_OK;
}

static tl_status tl_unpack_eval(tl_interpreter *it, tl_node *node) {
    const unpack_data *d = node->op_data;
    const uint8_t *x = tl_node_input(it, node, 0)->data;
    int32_t k;
    int64_t o;
    for (k = 0; k < d->num; k++) {
        uint8_t *y = tl_node_output(it, node, k)->data;
        for (o = 0; o < d->outer; o++)
            memcpy(y + o * (int64_t)d->inner_bytes, x + (o * d->num + k) * (int64_t)d->inner_bytes, d->inner_bytes);
    }
    return TL_STATUS_OK;
}
