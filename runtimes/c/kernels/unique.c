/* UNIQUE: y = x's distinct values in the order they first occur, idx[i] = the position of x[i] in y; x 1-D
 * float32, int8, uint8, int16, int32 or int64; idx int32 or int64 (UniqueOptions idx_out_type). Values are
 * equal as LiteRT's std::map keys are (neither less than the other: -0 and 0 are one value, the first seen
 * kept). A NaN compares neither less nor greater than any key, so that map's find() lands on its smallest key:
 * a NaN takes the position of the smallest value so far, and a NaN first becomes the one key every later value
 * finds; the float32 eval follows both. y's length is known only at
 * invoke: it is planned at len(x) and its real shape set after each invoke; the ops reading it are prepared
 * again at invoke (common/value_shaped.c, src/dynamic.c). */
#include "../src/kernel_api.h"
#include "common/value_shaped.h"

enum { OPT_IDX_OUT_TYPE = 0 }; /* UniqueOptions */

typedef struct {
    int32_t n, wide;
} unique_data;

/* Quadratic in the number of distinct values; no memory beyond the outputs. */
#define UNIQUE_EVAL(NAME, T)                                                                       \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {                                    \
        const unique_data *d = node->op_data;                                                      \
        const T *x = tl_node_input(it, node, 0)->data;                                             \
        tl_tensor *yt = tl_node_output(it, node, 0);                                               \
        T *y = yt->data;                                                                           \
        void *idx = tl_node_output(it, node, 1)->data;                                             \
        int32_t i, j, count = 0;                                                                   \
        for (i = 0; i < d->n; i++) {                                                               \
            for (j = 0; j < count && (y[j] < x[i] || x[i] < y[j]); j++) {}                         \
            if (j == count) y[count++] = x[i];                                                     \
            if (d->wide) ((int64_t *)idx)[i] = j;                                                  \
            else ((int32_t *)idx)[i] = j;                                                          \
        }                                                                                          \
        return tl_tensor_set_dims(it, yt, &count, 1);                                                  \
    }

/* float32: as UNIQUE_EVAL, plus LiteRT's std::map lookups of NaN (see the top of this file). */
static tl_status tl_unique_eval_f32(tl_interpreter *it, tl_node *node) {
    const unique_data *d = node->op_data;
    const float *x = tl_node_input(it, node, 0)->data;
    tl_tensor *yt = tl_node_output(it, node, 0);
    float *y = yt->data;
    void *idx = tl_node_output(it, node, 1)->data;
    int32_t i, j, count = 0, nan_first = d->n > 0 && x[0] != x[0];
    for (i = 0; i < d->n; i++) {
        if (nan_first) {
            j = 0;
            if (i == 0) y[count++] = x[0];
        } else if (x[i] != x[i]) {
            int32_t k;
            for (j = 0, k = 1; k < count; k++)
                if (y[k] < y[j]) j = k;
        } else {
            for (j = 0; j < count && (y[j] < x[i] || x[i] < y[j]); j++) {}
            if (j == count) y[count++] = x[i];
        }
        if (d->wide) ((int64_t *)idx)[i] = j;
        else ((int32_t *)idx)[i] = j;
    }
    return tl_tensor_set_dims(it, yt, &count, 1);
}

UNIQUE_EVAL(tl_unique_eval_s8, int8_t)
UNIQUE_EVAL(tl_unique_eval_u8, uint8_t)
UNIQUE_EVAL(tl_unique_eval_s16, int16_t)
UNIQUE_EVAL(tl_unique_eval_s32, int32_t)
UNIQUE_EVAL(tl_unique_eval_s64, int64_t)

tl_status tl_unique_prepare(tl_interpreter *it, tl_node *node) {
    const tl_tensor *x = tl_node_input(it, node, 0), *y = tl_node_output(it, node, 0), *idx = tl_node_output(it, node, 1);
    unique_data *d;
    int8_t idx_type;
    tl_status st;
    if (tl_node_num_inputs(node) != 1 || tl_node_num_outputs(node) != 2 || !x || !y || !idx)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs an input and two outputs (values, positions)");
    if (tl_fb_i8(&it->fb, node->options, OPT_IDX_OUT_TYPE, TL_TYPE_INT32, &idx_type))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if ((idx_type != TL_TYPE_INT32 && idx_type != TL_TYPE_INT64) || idx->type != (tl_type)idx_type)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "positions must be int32 or int64, as idx_out_type says");
    if (y->type != x->type) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "values must have the input's type");
    if (x->ndim != 1 || idx->ndim != 1 || idx->dims[0] != x->dims[0])
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input must be 1-D and positions its shape");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->n = x->dims[0];
    d->wide = idx_type == TL_TYPE_INT64;
    switch (x->type) {
    case TL_TYPE_FLOAT32: node->eval = tl_unique_eval_f32; break;
    case TL_TYPE_INT8: node->eval = tl_unique_eval_s8; break;
    case TL_TYPE_UINT8: node->eval = tl_unique_eval_u8; break;
    case TL_TYPE_INT16: node->eval = tl_unique_eval_s16; break;
    case TL_TYPE_INT32: node->eval = tl_unique_eval_s32; break;
    case TL_TYPE_INT64: node->eval = tl_unique_eval_s64; break;
    default: return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "input must be float32, int8, uint8, int16, int32 or int64");
    }
    if ((st = tl_value_shaped_output(it, node, 0, &x->dims[0], 1)) != TL_STATUS_OK) return st;
    return TL_STATUS_OK;
}
