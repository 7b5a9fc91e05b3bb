/* GATHER: output = input's slices along `axis` at the given positions (tf.gather with
 * batch_dims). Output shape: input[:axis] + positions[batch_dims:] + input[axis+1:]. Bytes are
 * copied unchanged, so every element type of fixed size works (quantized ones keep their
 * parameters, as in LiteRT). Positions are int16, int32 or int64; a negative one or one past
 * the axis fails invoke with INDEX_OUT_OF_RANGE (LiteRT fails likewise). */
#include <string.h>

#include "../src/kernel_api.h"

enum { OPT_AXIS = 0, OPT_BATCH_DIMS = 1 }; /* GatherOptions */

typedef struct {
    int64_t batch, outer, coords, axis_size;
    size_t inner_bytes;
} gather_data;

static int64_t product(const int32_t *dims, int32_t from, int32_t to) {
    int64_t p = 1;
    int32_t i;
    for (i = from; i < to; i++) p *= dims[i];
    return p;
}

/* One eval per positions type (int16, int32, int64); the data is copied as bytes. A negative
 * position or one past the axis fails the invoke. */
#define GATHER_EVAL(NAME, POS_T)                                                                          \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {                                           \
        const gather_data *d = node->op_data;                                                             \
        const POS_T *pos = tl_node_input(it, node, 1)->data;                                              \
        const uint8_t *in = tl_node_input(it, node, 0)->data;                                             \
        uint8_t *out = tl_node_output(it, node, 0)->data;                                                 \
        int64_t b, o, i;                                                                                  \
        for (b = 0; b < d->batch; b++)                                                                    \
            for (o = 0; o < d->outer; o++)                                                                \
                for (i = 0; i < d->coords; i++) {                                                         \
                    int64_t p = pos[b * d->coords + i], row = b * d->outer + o;                           \
                    if (p < 0 || p >= d->axis_size)                                                       \
                        return tl_fail(it, node, TL_STATUS_INDEX_OUT_OF_RANGE,                            \
                                       "a position is negative or past the axis");                        \
                    memcpy(out + (size_t)((row * d->coords + i)) * d->inner_bytes,                        \
                           in + (size_t)(row * d->axis_size + p) * d->inner_bytes, d->inner_bytes);       \
                }                                                                                         \
        return TL_STATUS_OK;                                                                              \
    }

GATHER_EVAL(tl_gather_eval_s16, int16_t)
GATHER_EVAL(tl_gather_eval_s32, int32_t)
GATHER_EVAL(tl_gather_eval_s64, int64_t)

tl_status tl_gather_prepare(tl_interpreter *it, tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0), *pos = tl_node_input(it, node, 1);
    const tl_tensor *out = tl_node_output(it, node, 0);
    int32_t axis, batch_dims, i, r = 0;
    gather_data *d;
    if (tl_node_num_inputs(node) != 2 || tl_node_num_outputs(node) != 1 || !in || !pos || !out)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 2 inputs and 1 output");
    if (pos->type != TL_TYPE_INT16 && pos->type != TL_TYPE_INT32 && pos->type != TL_TYPE_INT64)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "positions must be int16, int32 or int64");
    if (in->type != out->type || tl_type_size(in->type) == 0 || in->type == TL_TYPE_FLOAT64)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED,
                       "input and output must share a type: float32, float16, int8, uint8, int16, int32, int64 or bool");
    if (tl_fb_i32(&it->fb, node->options, OPT_AXIS, 0, &axis) ||
        tl_fb_i32(&it->fb, node->options, OPT_BATCH_DIMS, 0, &batch_dims))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (axis < 0) axis += in->ndim;
    if (batch_dims < 0) batch_dims += pos->ndim;
    if (axis < 0 || axis >= in->ndim) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "axis out of range");
    if (batch_dims < 0 || batch_dims > axis || batch_dims > pos->ndim)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "batch_dims out of range");
    for (i = 0; i < batch_dims; i++)
        if (in->dims[i] != pos->dims[i])
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and positions differ in a batch dimension");
    if (out->ndim != in->ndim + pos->ndim - 1 - batch_dims)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output rank is not input rank + positions rank - 1 - batch_dims");
    for (i = 0; i < axis; i++)
        if (out->dims[r++] != in->dims[i]) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output shape");
    for (i = batch_dims; i < pos->ndim; i++)
        if (out->dims[r++] != pos->dims[i]) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output shape");
    for (i = axis + 1; i < in->ndim; i++)
        if (out->dims[r++] != in->dims[i]) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output shape");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->batch = product(in->dims, 0, batch_dims);
    d->outer = product(in->dims, batch_dims, axis);
    d->axis_size = in->dims[axis];
    d->coords = product(pos->dims, batch_dims, pos->ndim);
    d->inner_bytes = (size_t)product(in->dims, axis + 1, in->ndim) * tl_type_size(in->type);
    node->eval = pos->type == TL_TYPE_INT16 ? tl_gather_eval_s16
               : pos->type == TL_TYPE_INT32 ? tl_gather_eval_s32 : tl_gather_eval_s64;
    return TL_STATUS_OK;
}
