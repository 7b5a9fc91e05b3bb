/* CUMSUM: running sums along a constant axis (negative counts from the end), float32, int32 and
 * int64 as LiteRT's reference: each sum accumulated in the element type in index order (from the
 * end when `reverse`), `exclusive` leaving the current element out. Integer sums wrap (LiteRT's
 * compiled adds do), here without signed overflow. */
#include "../src/kernel_api.h"

enum { OPT_EXCLUSIVE = 0, OPT_REVERSE = 1 };

typedef struct {
    int64_t outer, len, inner;
    uint8_t exclusive, reverse;
} cumsum_data;

#define CUMSUM_EVAL(NAME, T, ADD)                                                            \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {                               \
        const cumsum_data *d = node->op_data;                                                \
        const T *x = tl_node_input(it, node, 0)->data;                                       \
        T *y = tl_node_output(it, node, 0)->data;                                            \
        int64_t o, i, k;                                                                     \
        for (o = 0; o < d->outer; o++)                                                       \
            for (i = 0; i < d->inner; i++) {                                                 \
                T acc = 0;                                                                   \
                for (k = 0; k < d->len; k++) {                                               \
                    int64_t j = d->reverse ? d->len - 1 - k : k;                             \
                    int64_t at = (o * d->len + j) * d->inner + i;                            \
                    if (d->exclusive) {                                                      \
                        y[at] = acc;                                                         \
                        acc = ADD(acc, x[at]);                                               \
                    } else {                                                                 \
                        acc = ADD(acc, x[at]);                                               \
                        y[at] = acc;                                                         \
                    }                                                                        \
                }                                                                            \
            }                                                                                \
        return TL_STATUS_OK;                                                                 \
    }

#define ADD_F(a, b) ((a) + (b))
#define ADD_S32(a, b) ((int32_t)((uint32_t)(a) + (uint32_t)(b)))
#define ADD_S64(a, b) ((int64_t)((uint64_t)(a) + (uint64_t)(b)))
CUMSUM_EVAL(tl_cumsum_eval_f32, float, ADD_F)
CUMSUM_EVAL(tl_cumsum_eval_s32, int32_t, ADD_S32)
CUMSUM_EVAL(tl_cumsum_eval_s64, int64_t, ADD_S64)

tl_status tl_cumsum_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *axis = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    cumsum_data *d;
    int32_t a, i;
    if (!in || !axis || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs input, axis and output");
    if (in->type != out->type || !tl_same_shape(in, out))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output must have the input's type and shape");
    if (axis->type != TL_TYPE_INT32 || tl_tensor_numel(axis) != 1)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "axis must be one int32");
    if (!axis->is_constant) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "axis must be a constant");
    a = *(const int32_t *)axis->data;
    if (a < 0) a += in->ndim;
    if (a < 0 || a >= in->ndim) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "axis out of range");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (tl_fb_u8(&it->fb, node->options, OPT_EXCLUSIVE, 0, &d->exclusive) != TL_STATUS_OK ||
        tl_fb_u8(&it->fb, node->options, OPT_REVERSE, 0, &d->reverse) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    d->outer = d->inner = 1;
    for (i = 0; i < a; i++) d->outer *= in->dims[i];
    for (i = a + 1; i < in->ndim; i++) d->inner *= in->dims[i];
    d->len = in->dims[a];
    switch (in->type) {
    case TL_TYPE_FLOAT32: node->eval = tl_cumsum_eval_f32; return TL_STATUS_OK;
    case TL_TYPE_INT32: node->eval = tl_cumsum_eval_s32; return TL_STATUS_OK;
    case TL_TYPE_INT64: node->eval = tl_cumsum_eval_s64; return TL_STATUS_OK;
    default: return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "CUMSUM supports float32, int32 and int64");
    }
}
