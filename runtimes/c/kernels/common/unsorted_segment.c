/* UNSORTED_SEGMENT_SUM / _PROD / _MAX / _MIN: output[s, ...] reduces every data[i, ...] whose
 * segment_ids[i] == s (segment_ids' shape a prefix of data's; output [num_segments] +
 * data.shape[rank(segment_ids):]), in the order of i, starting from LiteRT's initial values: 0, 1,
 * the type's lowest (float32: -FLT_MAX) and highest. data float32 or int32 (int32 sums and products
 * wrap, as LiteRT's); max/min keep the current value unless the new one compares above/below it, so
 * a NaN never enters, as std::max/std::min in LiteRT. A negative id is skipped; one at or past
 * num_segments fails the invoke, as in LiteRT. num_segments is an int32 scalar (or [1]): a constant
 * is checked against the output in prepare, a runtime one at invoke (shapes are planned before invoke). */
#include <float.h>
#include <stdint.h>
#include <string.h>

#include "unsorted_segment.h"

typedef struct {
    int64_t ids, inner, segments;
} segment_data;

static tl_status check_segments(tl_interpreter *it, const tl_node *node, const segment_data *d) {
    int32_t n;
    const tl_tensor *t = tl_node_input(it, node, 2);
    if (t->is_constant) return TL_STATUS_OK;
    memcpy(&n, t->data, sizeof n);
    if (n != d->segments)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH,
                       "num_segments differs from the output's first dimension (shapes are planned before invoke)");
    return TL_STATUS_OK;
}

#define SEGMENT_EVAL(NAME, T, INIT, STEP)                                                                 \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {                                           \
        const segment_data *d = node->op_data;                                                            \
        const T *x = tl_node_input(it, node, 0)->data;                                                    \
        const uint8_t *ids = tl_node_input(it, node, 1)->data;                                            \
        T *y = tl_node_output(it, node, 0)->data;                                                         \
        int64_t i, j;                                                                                     \
        tl_status st = check_segments(it, node, d);                                                       \
        if (st != TL_STATUS_OK) return st;                                                                \
        for (i = 0; i < d->ids; i++) {                                                                    \
            int32_t s;                                                                                    \
            memcpy(&s, ids + 4 * (size_t)i, sizeof s);                                                    \
            if (s >= d->segments)                                                                         \
                return tl_fail(it, node, TL_STATUS_INDEX_OUT_OF_RANGE, "a segment id is not below num_segments"); \
        }                                                                                                 \
        for (i = 0; i < d->segments * d->inner; i++) y[i] = INIT;                                         \
        for (i = 0; i < d->ids; i++) {                                                                    \
            int32_t s;                                                                                    \
            memcpy(&s, ids + 4 * (size_t)i, sizeof s);                                                    \
            if (s < 0) continue;                                                                          \
            for (j = 0; j < d->inner; j++) {                                                              \
                T *o = y + s * d->inner + j;                                                              \
                const T v = x[i * d->inner + j];                                                          \
                *o = STEP;                                                                                \
            }                                                                                             \
        }                                                                                                 \
        return TL_STATUS_OK;                                                                              \
    }

SEGMENT_EVAL(sum_f32, float, 0.0f, *o + v)
SEGMENT_EVAL(prod_f32, float, 1.0f, *o * v)
SEGMENT_EVAL(max_f32, float, -FLT_MAX, (*o < v) ? v : *o)
SEGMENT_EVAL(min_f32, float, FLT_MAX, (v < *o) ? v : *o)
SEGMENT_EVAL(sum_s32, int32_t, 0, (int32_t)((uint32_t)*o + (uint32_t)v))
SEGMENT_EVAL(prod_s32, int32_t, 1, (int32_t)((uint32_t)*o * (uint32_t)v))
SEGMENT_EVAL(max_s32, int32_t, INT32_MIN, (*o < v) ? v : *o)
SEGMENT_EVAL(min_s32, int32_t, INT32_MAX, (v < *o) ? v : *o)

tl_status tl_unsorted_segment_prepare_common(tl_interpreter *it, tl_node *node, tl_segment_op op) {
    static tl_eval_fn const f32[] = {sum_f32, prod_f32, max_f32, min_f32};
    static tl_eval_fn const s32[] = {sum_s32, prod_s32, max_s32, min_s32};
    const tl_tensor *x = tl_node_input(it, node, 0), *ids = tl_node_input(it, node, 1);
    const tl_tensor *num = tl_node_input(it, node, 2), *out = tl_node_output(it, node, 0);
    segment_data *d;
    int32_t i;
    if (tl_node_num_inputs(node) != 3 || tl_node_num_outputs(node) != 1 || !x || !ids || !num || !out)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs data, segment_ids, num_segments and output");
    if (x->type != TL_TYPE_FLOAT32 && x->type != TL_TYPE_INT32)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "data must be float32 or int32");
    if (out->type != x->type) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "output must have the data's type");
    if (ids->type != TL_TYPE_INT32 || num->type != TL_TYPE_INT32)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "segment_ids and num_segments must be int32");
    if (!(num->ndim == 0 || (num->ndim == 1 && num->dims[0] == 1)))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "num_segments must be a scalar");
    if (ids->ndim > x->ndim) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "segment_ids' shape must be a prefix of data's");
    for (i = 0; i < ids->ndim; i++)
        if (ids->dims[i] != x->dims[i])
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "segment_ids' shape must be a prefix of data's");
    if (out->ndim != x->ndim - ids->ndim + 1)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output must be [num_segments] + data.shape[rank(segment_ids):]");
    for (i = ids->ndim; i < x->ndim; i++)
        if (out->dims[i - ids->ndim + 1] != x->dims[i])
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output must be [num_segments] + data.shape[rank(segment_ids):]");
    if (num->is_constant) {
        int32_t n;
        memcpy(&n, num->data, sizeof n);
        if (n != out->dims[0]) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output's first dimension differs from num_segments");
    }
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->ids = tl_tensor_numel(ids);
    d->segments = out->dims[0];
    d->inner = 1;
    for (i = ids->ndim; i < x->ndim; i++) d->inner *= x->dims[i];
    node->eval = x->type == TL_TYPE_FLOAT32 ? f32[op] : s32[op];
    return TL_STATUS_OK;
}
