/* ONE_HOT: output[i, j, k] = indices[i, k] == j ? on_value : off_value, j running over `depth`
 * along `axis` (option, default 0; -1: last). indices int32 or int64 (compared as LiteRT does, after a cast
 * to int: an int64 index is taken modulo 2^32); on/off values are scalars of the output's type,
 * any fixed-size type, read at run time. depth is an int32 scalar: a constant one must equal the
 * output's dim at axis; a runtime one is not read (this runtime's shapes are static: the output's
 * shape from the model decides). */
#include <string.h>

#include "../src/kernel_api.h"
#include "common/int_input.h"

enum { OPT_AXIS = 0 };

typedef struct {
    int64_t prefix, suffix;
    int32_t depth;
    size_t elem;
} one_hot_data;

#define ONE_HOT_EVAL(NAME, TI, MATCH)                                                         \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {                                \
        const one_hot_data *d = node->op_data;                                                \
        const TI *idx = tl_node_input(it, node, 0)->data;                                     \
        const uint8_t *on = tl_node_input(it, node, 2)->data, *off = tl_node_input(it, node, 3)->data; \
        uint8_t *y = tl_node_output(it, node, 0)->data;                                       \
        int64_t i, k;                                                                         \
        int32_t j;                                                                            \
        for (i = 0; i < d->prefix; i++)                                                       \
            for (j = 0; j < d->depth; j++)                                                    \
                for (k = 0; k < d->suffix; k++, y += d->elem) {                               \
                    TI v = idx[i * d->suffix + k];                                            \
                    memcpy(y, (MATCH) ? on : off, d->elem);                                   \
                }                                                                             \
        return TL_STATUS_OK;                                                                  \
    }

ONE_HOT_EVAL(tl_one_hot_eval_s32, int32_t, v == j)
ONE_HOT_EVAL(tl_one_hot_eval_s64, int64_t, ((uint64_t)v & 0xffffffffu) == (uint32_t)j)

tl_status tl_one_hot_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *idx = tl_node_input(it, node, 0), *depth = tl_node_input(it, node, 1);
    tl_tensor *on = tl_node_input(it, node, 2), *off = tl_node_input(it, node, 3), *out = tl_node_output(it, node, 0);
    one_hot_data *d;
    int32_t axis, i;
    if (!idx || !depth || !on || !off || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs indices, depth, on, off and output");
    if (!tl_is_int_index_type(idx)) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "indices must be int32 or int64");
    if (depth->type != TL_TYPE_INT32 || tl_tensor_numel(depth) != 1)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "depth must be an int32 scalar");
    if (on->type != out->type || off->type != out->type || tl_type_size(out->type) == 0 || out->type == TL_TYPE_STRING)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "on/off values and output must have one fixed-size type");
    if (tl_tensor_numel(on) != 1 || tl_tensor_numel(off) != 1)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "on and off values must be scalars");
    if (tl_fb_i32(&it->fb, node->options, OPT_AXIS, 0, &axis) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (out->ndim != idx->ndim + 1) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output rank must be the indices' plus 1");
    if (axis == -1) axis = idx->ndim;
    if (axis < 0 || axis >= out->ndim) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "axis out of range");
    for (i = 0; i < out->ndim; i++)
        if (i != axis && out->dims[i] != idx->dims[i < axis ? i : i - 1])
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output shape does not match the indices");
    if (depth->is_constant && tl_int_at(depth, 0) != out->dims[axis])
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output dim at axis differs from depth");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->prefix = d->suffix = 1;
    for (i = 0; i < axis; i++) d->prefix *= idx->dims[i];
    for (i = axis; i < idx->ndim; i++) d->suffix *= idx->dims[i];
    d->depth = out->dims[axis];
    d->elem = tl_type_size(out->type);
    node->eval = idx->type == TL_TYPE_INT32 ? tl_one_hot_eval_s32 : tl_one_hot_eval_s64;
    return TL_STATUS_OK;
}
