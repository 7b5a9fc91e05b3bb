/* BUCKETIZE: for each input value, the index of its bucket among the options' ascending boundaries:
 * how many boundaries are <= the value (std::upper_bound's position, as LiteRT's reference; a NaN
 * lands past the last). The input may be float32, float64, int32 or int64, compared with the float
 * boundaries as C++ compares them (integers converted to float, float widened to double); the
 * output is int32. */
#include "../src/kernel_api.h"

enum { OPT_BOUNDARIES = 0 };

typedef struct {
    int32_t n;
    float *bounds; /* persistent copy of the options' boundaries */
} bucketize_data;

/* First boundary above x: binary search over the sorted boundaries with `x < b` as the test. */
#define BUCKETIZE_EVAL(NAME, T, LESS)                                                 \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {                        \
        const bucketize_data *d = node->op_data;                                      \
        const T *x = tl_node_input(it, node, 0)->data;                                \
        tl_tensor *out = tl_node_output(it, node, 0);                                 \
        int32_t *y = out->data;                                                       \
        int64_t i, n = tl_tensor_numel(out);                                          \
        for (i = 0; i < n; i++) {                                                     \
            int32_t lo = 0, hi = d->n;                                                \
            while (lo < hi) {                                                         \
                int32_t mid = lo + (hi - lo) / 2;                                     \
                if (LESS(x[i], d->bounds[mid])) hi = mid; else lo = mid + 1;          \
            }                                                                         \
            y[i] = lo;                                                                \
        }                                                                             \
        return TL_STATUS_OK;                                                          \
    }

#define LESS_F32(v, b) ((v) < (b))
#define LESS_F64(v, b) ((v) < (double)(b))
#define LESS_INT(v, b) ((float)(v) < (b))
BUCKETIZE_EVAL(tl_bucketize_eval_f32_s32, float, LESS_F32)
BUCKETIZE_EVAL(tl_bucketize_eval_f64_s32, double, LESS_F64)
BUCKETIZE_EVAL(tl_bucketize_eval_s32_s32, int32_t, LESS_INT)
BUCKETIZE_EVAL(tl_bucketize_eval_s64_s32, int64_t, LESS_INT)

tl_status tl_bucketize_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    bucketize_data *d;
    tl_fb_vec v;
    uint32_t i;
    if (!in || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs an input and an output");
    if (out->type != TL_TYPE_INT32) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "the output must be int32");
    if (!tl_same_shape(in, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output shapes differ");
    switch (in->type) {
    case TL_TYPE_FLOAT32: node->eval = tl_bucketize_eval_f32_s32; break;
    case TL_TYPE_FLOAT64: node->eval = tl_bucketize_eval_f64_s32; break;
    case TL_TYPE_INT32: node->eval = tl_bucketize_eval_s32_s32; break;
    case TL_TYPE_INT64: node->eval = tl_bucketize_eval_s64_s32; break;
    default: return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "BUCKETIZE supports float32, float64, int32 and int64 inputs");
    }
    if (tl_fb_vec_field(&it->fb, node->options, OPT_BOUNDARIES, 4, &v) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "boundaries");
    if (v.len > (uint32_t)INT32_MAX / 4) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "too many boundaries");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->n = (int32_t)v.len;
    d->bounds = v.len ? tl_alloc_persistent(it, v.len * sizeof(float)) : NULL;
    if (v.len && !d->bounds) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "boundaries");
    for (i = 0; i < v.len; i++) {
        d->bounds[i] = tl_fb_vec_f32(&it->fb, v, i);
        if (i > 0 && d->bounds[i] < d->bounds[i - 1])
            return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "the boundaries must be in ascending order");
    }
    return TL_STATUS_OK;
}
