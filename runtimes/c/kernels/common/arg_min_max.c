#include <string.h>

#include "arg_min_max.h"

enum { OPT_OUTPUT_TYPE = 0 };

typedef struct {
    int64_t outer, inner;
    int32_t axis_size;
} arg_max_data;

/* Whether candidate c replaces the running best m: the first of equal values wins; for floats
 * a NaN never replaces it and any number replaces a NaN one. */
#define GREATER_INT(c, m) ((c) > (m))
#define GREATER_F32(c, m) ((c) == (c) && ((m) != (m) || (c) > (m)))
#define LESS_INT(c, m) ((c) < (m))
#define LESS_F32(c, m) ((c) == (c) && ((m) != (m) || (c) < (m)))

#define ARG_EVAL(NAME, T, IT, GREATER)                                 \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {             \
        const arg_max_data *d = node->op_data;                             \
        const T *x = tl_node_input(it, node, 0)->data;                     \
        IT *y = tl_node_output(it, node, 0)->data;                         \
        int64_t o, i;                                                      \
        int32_t k;                                                         \
        for (o = 0; o < d->outer; o++)                                     \
            for (i = 0; i < d->inner; i++) {                               \
                const T *p = x + o * d->axis_size * d->inner + i;          \
                T best = p[0];                                             \
                IT index = 0;                                              \
                for (k = 1; k < d->axis_size; k++)                         \
                    if (GREATER(p[k * d->inner], best)) {                  \
                        best = p[k * d->inner];                            \
                        index = (IT)k;                                     \
                    }                                                      \
                y[o * d->inner + i] = index;                               \
            }                                                              \
        return TL_STATUS_OK;                                               \
    }

ARG_EVAL(tl_arg_max_eval_f32_s32, float, int32_t, GREATER_F32)
ARG_EVAL(tl_arg_min_eval_f32_s32, float, int32_t, LESS_F32)
ARG_EVAL(tl_arg_max_eval_f32_s64, float, int64_t, GREATER_F32)
ARG_EVAL(tl_arg_min_eval_f32_s64, float, int64_t, LESS_F32)
ARG_EVAL(tl_arg_max_eval_s8_s32, int8_t, int32_t, GREATER_INT)
ARG_EVAL(tl_arg_min_eval_s8_s32, int8_t, int32_t, LESS_INT)
ARG_EVAL(tl_arg_max_eval_s8_s64, int8_t, int64_t, GREATER_INT)
ARG_EVAL(tl_arg_min_eval_s8_s64, int8_t, int64_t, LESS_INT)
ARG_EVAL(tl_arg_max_eval_u8_s32, uint8_t, int32_t, GREATER_INT)
ARG_EVAL(tl_arg_min_eval_u8_s32, uint8_t, int32_t, LESS_INT)
ARG_EVAL(tl_arg_max_eval_u8_s64, uint8_t, int64_t, GREATER_INT)
ARG_EVAL(tl_arg_min_eval_u8_s64, uint8_t, int64_t, LESS_INT)
ARG_EVAL(tl_arg_max_eval_s16_s32, int16_t, int32_t, GREATER_INT)
ARG_EVAL(tl_arg_min_eval_s16_s32, int16_t, int32_t, LESS_INT)
ARG_EVAL(tl_arg_max_eval_s16_s64, int16_t, int64_t, GREATER_INT)
ARG_EVAL(tl_arg_min_eval_s16_s64, int16_t, int64_t, LESS_INT)
ARG_EVAL(tl_arg_max_eval_s32_s32, int32_t, int32_t, GREATER_INT)
ARG_EVAL(tl_arg_min_eval_s32_s32, int32_t, int32_t, LESS_INT)
ARG_EVAL(tl_arg_max_eval_s32_s64, int32_t, int64_t, GREATER_INT)
ARG_EVAL(tl_arg_min_eval_s32_s64, int32_t, int64_t, LESS_INT)
ARG_EVAL(tl_arg_max_eval_s64_s32, int64_t, int32_t, GREATER_INT)
ARG_EVAL(tl_arg_min_eval_s64_s32, int64_t, int32_t, LESS_INT)
ARG_EVAL(tl_arg_max_eval_s64_s64, int64_t, int64_t, GREATER_INT)
ARG_EVAL(tl_arg_min_eval_s64_s64, int64_t, int64_t, LESS_INT)

tl_status tl_arg_min_max_prepare(tl_interpreter *it, tl_node *node, int is_max) {
    tl_tensor *in = tl_node_input(it, node, 0), *axis_t = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    arg_max_data *d;
    int8_t out_type;
    int64_t axis;
    int32_t i, j;
    int wide;
    if (!in || !axis_t || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs input, axis and output");
    if (!axis_t->is_constant || tl_tensor_numel(axis_t) != 1 || (axis_t->type != TL_TYPE_INT32 && axis_t->type != TL_TYPE_INT64))
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "axis must be a constant int32 or int64 scalar");
    if (axis_t->type == TL_TYPE_INT32) {
        int32_t a32;
        memcpy(&a32, axis_t->data, 4);
        axis = a32;
    } else {
        memcpy(&axis, axis_t->data, 8);
    }
    if (tl_fb_i8(&it->fb, node->options, OPT_OUTPUT_TYPE, TL_TYPE_FLOAT32, &out_type) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if ((out_type != TL_TYPE_INT32 && out_type != TL_TYPE_INT64) || out->type != (tl_type)out_type)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "output must be int32 or int64, as output_type says");
    if (in->ndim < 1 || axis < -in->ndim || axis >= in->ndim) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "axis out of range");
    if (axis < 0) axis += in->ndim;
    if (out->ndim != in->ndim - 1) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output must drop the axis");
    for (i = 0, j = 0; i < in->ndim; i++) {
        if (i == axis) continue;
        if (out->dims[j++] != in->dims[i]) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output must drop the axis");
    }
    if (in->dims[axis] <= 0) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "empty axis");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->outer = d->inner = 1;
    for (i = 0; i < axis; i++) d->outer *= in->dims[i];
    for (i = (int32_t)axis + 1; i < in->ndim; i++) d->inner *= in->dims[i];
    d->axis_size = in->dims[axis];
    wide = out->type == TL_TYPE_INT64;
#define PICK(T)                                                                           \
    (is_max ? (wide ? tl_arg_max_eval_##T##_s64 : tl_arg_max_eval_##T##_s32)              \
            : (wide ? tl_arg_min_eval_##T##_s64 : tl_arg_min_eval_##T##_s32))
    switch (in->type) {
    case TL_TYPE_FLOAT32: node->eval = PICK(f32); break;
    case TL_TYPE_INT8: node->eval = PICK(s8); break;
    case TL_TYPE_UINT8: node->eval = PICK(u8); break;
    case TL_TYPE_INT16: node->eval = PICK(s16); break;
    case TL_TYPE_INT32: node->eval = PICK(s32); break;
    case TL_TYPE_INT64: node->eval = PICK(s64); break;
    default: return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "input must be float32, int8, uint8, int16, int32 or int64");
    }
#undef PICK
    return TL_STATUS_OK;
}
