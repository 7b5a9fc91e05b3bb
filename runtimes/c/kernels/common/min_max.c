#include "min_max.h"

#include "broadcast.h"

typedef struct {
    tl_broadcast bc;
    int is_max;
} min_max_data;

#define MIN_MAX_EVAL(NAME, T) \
    TL_BROADCAST_EVAL(NAME, min_max_data, T, (a[oa] > b[ob]) == (d->is_max != 0) ? a[oa] : b[ob])

MIN_MAX_EVAL(tl_min_max_eval_f32, float)
MIN_MAX_EVAL(tl_min_max_eval_s8, int8_t)
MIN_MAX_EVAL(tl_min_max_eval_u8, uint8_t)
MIN_MAX_EVAL(tl_min_max_eval_s16, int16_t)
MIN_MAX_EVAL(tl_min_max_eval_s32, int32_t)
MIN_MAX_EVAL(tl_min_max_eval_s64, int64_t)

tl_status tl_min_max_prepare(tl_interpreter *it, tl_node *node, int is_max) {
    tl_tensor *a = tl_node_input(it, node, 0), *b = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    min_max_data *d;
    if (!a || !b || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 2 inputs and 1 output");
    if (a->type != out->type || b->type != out->type)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "input and output types differ");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->is_max = is_max;
    if (!tl_broadcast_init(&d->bc, a, b, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "shapes do not broadcast");
    switch (out->type) {
    case TL_TYPE_FLOAT32: node->eval = tl_min_max_eval_f32; break;
    case TL_TYPE_INT8: node->eval = tl_min_max_eval_s8; break;
    case TL_TYPE_UINT8: node->eval = tl_min_max_eval_u8; break;
    case TL_TYPE_INT16: node->eval = tl_min_max_eval_s16; break;
    case TL_TYPE_INT32: node->eval = tl_min_max_eval_s32; break;
    case TL_TYPE_INT64: node->eval = tl_min_max_eval_s64; break;
    default: return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "supports float32, int8, uint8, int16, int32 and int64");
    }
    return TL_STATUS_OK;
}
