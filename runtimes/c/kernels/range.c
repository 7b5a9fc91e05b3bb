/* RANGE: [start, start + delta, ...] up to limit (excluded), from three scalars of one type:
 * int32, int64 or float32, as LiteRT's reference. The element count is ceil(|limit - start| /
 * |delta|) (the float one in float, as LiteRT). The output's length is the model's: with constant
 * (or folded) inputs prepare checks it; with inputs known only at invoke, eval does, and fails the
 * invoke when the values ask for another length (this runtime plans memory before invoke). */
#include <math.h>
#include <stdio.h>

#include <string.h>

#include "../src/kernel_api.h"
#include "common/int_input.h"

/* -1: delta is 0 or points away from limit (LiteRT refuses both). */
static int64_t count_int(int64_t start, int64_t limit, int64_t delta) {
    uint64_t span, step;
    if (delta == 0 || (start < limit && delta < 0) || (start > limit && delta > 0)) return -1;
    span = limit >= start ? (uint64_t)limit - (uint64_t)start : (uint64_t)start - (uint64_t)limit;
    step = delta < 0 ? 0 - (uint64_t)delta : (uint64_t)delta;
    span = span / step + (span % step != 0);
    return span > (uint64_t)INT32_MAX ? -1 : (int64_t)span;
}

static int64_t count_f32(float start, float limit, float delta) {
    float n;
    if (delta == 0.0f || (start < limit && delta < 0.0f) || (start > limit && delta > 0.0f)) return -1;
    n = ceilf(fabsf((limit - start) / delta));
    return n >= 0.0f && n <= (float)INT32_MAX ? (int64_t)n : -1;
}

static float f32_at(const tl_tensor *t) { /* constants in the model have no alignment guarantee */
    float v;
    memcpy(&v, t->data, sizeof v);
    return v;
}

static int64_t count(const tl_tensor *s, const tl_tensor *l, const tl_tensor *d) {
    if (s->type == TL_TYPE_FLOAT32) return count_f32(f32_at(s), f32_at(l), f32_at(d));
    return count_int(tl_int_at(s, 0), tl_int_at(l, 0), tl_int_at(d, 0));
}

static tl_status check_count(tl_interpreter *it, tl_node *node, int64_t n, const tl_tensor *out) {
    char msg[224];
    if (n < 0) return tl_fail(it, node, TL_STATUS_BAD_ARGUMENT, "delta is 0, points away from limit, or the range is too long");
    if (n == out->dims[0]) return TL_STATUS_OK;
    snprintf(msg, sizeof msg, "start, limit and delta give %lld elements, the output holds %d (an output length computed "
             "at invoke is not supported: memory is planned before invoke)", (long long)n, (int)out->dims[0]);
    return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, msg);
}

/* Values are start + i * delta, accumulated as LiteRT's reference does. */
#define RANGE_EVAL(NAME, T, U)                                                                        \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {                                        \
        const tl_tensor *s = tl_node_input(it, node, 0), *l = tl_node_input(it, node, 1);             \
        const tl_tensor *d = tl_node_input(it, node, 2);                                              \
        tl_tensor *out = tl_node_output(it, node, 0);                                                 \
        T *y = out->data, v, step;                                                                    \
        int32_t i;                                                                                    \
        tl_status st = check_count(it, node, count(s, l, d), out);                                    \
        if (st != TL_STATUS_OK) return st;                                                            \
        memcpy(&v, s->data, sizeof v);                                                                \
        memcpy(&step, d->data, sizeof step);                                                          \
        for (i = 0; i < out->dims[0]; i++) {                                                          \
            y[i] = v;                                                                                 \
            v = (T)((U)v + (U)step);                                                                  \
        }                                                                                             \
        return TL_STATUS_OK;                                                                          \
    }

RANGE_EVAL(tl_range_eval_s32, int32_t, uint32_t)
RANGE_EVAL(tl_range_eval_s64, int64_t, uint64_t)
RANGE_EVAL(tl_range_eval_f32, float, float)

tl_status tl_range_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *s = tl_node_input(it, node, 0), *l = tl_node_input(it, node, 1), *d = tl_node_input(it, node, 2);
    tl_tensor *out = tl_node_output(it, node, 0);
    if (!s || !l || !d || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs start, limit, delta and an output");
    if (s->type != l->type || s->type != d->type || s->type != out->type)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "start, limit, delta and output types differ");
    if (tl_tensor_numel(s) != 1 || tl_tensor_numel(l) != 1 || tl_tensor_numel(d) != 1)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "start, limit and delta must be scalars");
    if (out->ndim != 1) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "the output must be 1-D");
    switch (s->type) {
    case TL_TYPE_INT32: node->eval = tl_range_eval_s32; break;
    case TL_TYPE_INT64: node->eval = tl_range_eval_s64; break;
    case TL_TYPE_FLOAT32: node->eval = tl_range_eval_f32; break;
    default: return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "RANGE supports int32, int64 and float32");
    }
    if (s->is_constant && l->is_constant && d->is_constant) return check_count(it, node, count(s, l, d), out);
    return TL_STATUS_OK;
}
