/* reduce_window for REDUCE_WINDOW and STABLEHLO_REDUCE_WINDOW (see reduce_window.h). */
#include <stdint.h>
#include <string.h>

#include "reduce_window.h"

typedef struct {
    tl_reduce_window_params p;
    int32_t ndim;
    int32_t in_dims[TL_MAX_DIMS], out_dims[TL_MAX_DIMS];
    int64_t in_stride[TL_MAX_DIMS];
} rw_data;

/* The input's flat position under window element w of output element o, or -1 for padding. */
static int64_t rw_source(const rw_data *d, const int32_t *o, const int64_t *w) {
    int64_t at = 0;
    int32_t i;
    for (i = 0; i < d->ndim; i++) {
        int64_t b = o[i] * d->p.stride[i] + w[i] * d->p.window_dilation[i] - d->p.pad_lo[i];
        if (b < 0 || b % d->p.base_dilation[i] != 0 || b / d->p.base_dilation[i] >= d->in_dims[i]) return -1;
        at += b / d->p.base_dilation[i] * d->in_stride[i];
    }
    return at;
}

/* Row-major increment of idx under dims; 0 when it wraps around to all zeros. */
static int rw_next32(int32_t *idx, const int32_t *dims, int32_t n) {
    int32_t i;
    for (i = n - 1; i >= 0; i--) {
        if (++idx[i] < dims[i]) return 1;
        idx[i] = 0;
    }
    return 0;
}

static int rw_next64(int64_t *idx, const int64_t *dims, int32_t n) {
    int32_t i;
    for (i = n - 1; i >= 0; i--) {
        if (++idx[i] < dims[i]) return 1;
        idx[i] = 0;
    }
    return 0;
}

/* Integer sums and products wrap (through the unsigned type U); AND/OR give 1 or 0 as C++'s bool. */
#define RW_COMBINE_INT(T, U, fn, a, b)                                                                   \
    ((fn) == TL_RW_ADD   ? (T)((U)(a) + (U)(b))                                                          \
     : (fn) == TL_RW_MUL ? (T)((U)(a) * (U)(b))                                                          \
     : (fn) == TL_RW_MIN ? ((b) < (a) ? (b) : (a))                                                       \
     : (fn) == TL_RW_MAX ? ((a) < (b) ? (b) : (a))                                                       \
     : (fn) == TL_RW_AND ? (T)((a) != 0 && (b) != 0)                                                     \
                         : (T)((a) != 0 || (b) != 0))
#define RW_COMBINE_FLOAT(T, U, fn, a, b)                                                                 \
    ((fn) == TL_RW_ADD   ? (a) + (b)                                                                     \
     : (fn) == TL_RW_MUL ? (a) * (b)                                                                     \
     : (fn) == TL_RW_MIN ? ((b) < (a) ? (b) : (a))                                                       \
     : (fn) == TL_RW_MAX ? ((a) < (b) ? (b) : (a))                                                       \
     : (fn) == TL_RW_AND ? (T)((a) != 0 && (b) != 0)                                                     \
                         : (T)((a) != 0 || (b) != 0))

#define RW_EVAL(name, T, U, COMBINE)                                                                     \
    static tl_status name(tl_interpreter *it, tl_node *node) {                                           \
        const rw_data *d = node->op_data;                                                                \
        const T *x = tl_node_input(it, node, 0)->data;                                                   \
        T init, *y = tl_node_output(it, node, 0)->data;                                                  \
        int32_t o[TL_MAX_DIMS] = {0};                                                                    \
        int64_t w[TL_MAX_DIMS] = {0}, n = 1;                                                             \
        int32_t i;                                                                                       \
        memcpy(&init, tl_node_input(it, node, 1)->data, sizeof init);                                    \
        for (i = 0; i < d->ndim; i++) n *= d->out_dims[i];                                               \
        if (n == 0) return TL_STATUS_OK;                                                                 \
        do {                                                                                             \
            T acc = init;                                                                                \
            do {                                                                                         \
                int64_t at = rw_source(d, o, w);                                                         \
                T v = at < 0 ? init : x[at];                                                             \
                acc = COMBINE(T, U, d->p.fn, acc, v);                                                    \
            } while (rw_next64(w, d->p.window, d->ndim));                                                \
            *y++ = acc;                                                                                  \
        } while (rw_next32(o, d->out_dims, d->ndim));                                                    \
        return TL_STATUS_OK;                                                                             \
    }

RW_EVAL(tl_reduce_window_eval_f32, float, float, RW_COMBINE_FLOAT)
RW_EVAL(tl_reduce_window_eval_f64, double, double, RW_COMBINE_FLOAT)
RW_EVAL(tl_reduce_window_eval_s8, int8_t, uint8_t, RW_COMBINE_INT)
RW_EVAL(tl_reduce_window_eval_u8, uint8_t, uint8_t, RW_COMBINE_INT)
RW_EVAL(tl_reduce_window_eval_s16, int16_t, uint16_t, RW_COMBINE_INT)
RW_EVAL(tl_reduce_window_eval_s32, int32_t, uint32_t, RW_COMBINE_INT)
RW_EVAL(tl_reduce_window_eval_s64, int64_t, uint64_t, RW_COMBINE_INT)

/* bool: a sum is an OR and a product an AND (C++'s bool arithmetic stored back into a bool). */
static tl_status tl_reduce_window_eval_b(tl_interpreter *it, tl_node *node) {
    const rw_data *d = node->op_data;
    const uint8_t *x = tl_node_input(it, node, 0)->data;
    uint8_t init = *(const uint8_t *)tl_node_input(it, node, 1)->data != 0, *y = tl_node_output(it, node, 0)->data;
    int any = d->p.fn == TL_RW_ADD || d->p.fn == TL_RW_MAX || d->p.fn == TL_RW_OR;
    int32_t o[TL_MAX_DIMS] = {0}, i;
    int64_t w[TL_MAX_DIMS] = {0}, n = 1;
    for (i = 0; i < d->ndim; i++) n *= d->out_dims[i];
    if (n == 0) return TL_STATUS_OK;
    do {
        uint8_t acc = init;
        do {
            int64_t at = rw_source(d, o, w);
            uint8_t v = at < 0 ? init : x[at] != 0;
            acc = any ? (acc | v) : (acc & v);
        } while (rw_next64(w, d->p.window, d->ndim));
        *y++ = acc;
    } while (rw_next32(o, d->out_dims, d->ndim));
    return TL_STATUS_OK;
}

tl_status tl_reduce_window_prepare_common(tl_interpreter *it, tl_node *node, const tl_reduce_window_params *p) {
    const tl_tensor *in = tl_node_input(it, node, 0), *init = tl_node_input(it, node, 1);
    const tl_tensor *out = tl_node_output(it, node, 0);
    int64_t stride = 1;
    int32_t i;
    rw_data *d;
    if (!in || !init || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs input, init value and output");
    if (init->type != in->type || out->type != in->type)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "input, init value and output must have one type");
    if (tl_tensor_numel(init) != 1) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "the init value must be a scalar");
    if (out->ndim != in->ndim) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output rank differs from the input's");
    if (p->fn < TL_RW_ADD || p->fn > TL_RW_OR)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "unsupported reduction function");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    d->p = *p;
    d->ndim = in->ndim;
    for (i = in->ndim - 1; i >= 0; i--) {
        int64_t padded, span, size;
        if (p->window[i] < 1 || p->stride[i] < 1 || p->base_dilation[i] < 1 || p->window_dilation[i] < 1 ||
            p->window[i] > 0x7fffffff || p->stride[i] > 0x7fffffff || p->base_dilation[i] > 0x7fffffff ||
            p->window_dilation[i] > 0x7fffffff || p->pad_lo[i] < -0x7fffffff || p->pad_lo[i] > 0x7fffffff ||
            p->pad_hi[i] < -0x7fffffff || p->pad_hi[i] > 0x7fffffff)
            return tl_fail(it, node, TL_STATUS_MODEL_INVALID,
                           "window dimensions, strides and dilations must be at least 1 (and fit int32)");
        padded = (in->dims[i] ? (int64_t)(in->dims[i] - 1) * p->base_dilation[i] + 1 : 0) + p->pad_lo[i] + p->pad_hi[i];
        span = (p->window[i] - 1) * p->window_dilation[i] + 1;
        size = padded < span ? 0 : (padded - span) / p->stride[i] + 1;
        if (size != out->dims[i])
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output shape is not what the window parameters give");
        d->in_dims[i] = in->dims[i];
        d->out_dims[i] = out->dims[i];
        d->in_stride[i] = stride;
        stride *= in->dims[i];
    }
    node->op_data = d;
    switch (in->type) {
    case TL_TYPE_FLOAT32: node->eval = tl_reduce_window_eval_f32; break;
    case TL_TYPE_FLOAT64: node->eval = tl_reduce_window_eval_f64; break;
    case TL_TYPE_INT8: node->eval = tl_reduce_window_eval_s8; break;
    case TL_TYPE_UINT8: node->eval = tl_reduce_window_eval_u8; break;
    case TL_TYPE_INT16: node->eval = tl_reduce_window_eval_s16; break;
    case TL_TYPE_INT32: node->eval = tl_reduce_window_eval_s32; break;
    case TL_TYPE_INT64: node->eval = tl_reduce_window_eval_s64; break;
    case TL_TYPE_BOOL: node->eval = tl_reduce_window_eval_b; break;
    default:
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED,
                       "input must be float32, float64, int8, uint8, int16, int32, int64 or bool");
    }
    return TL_STATUS_OK;
}
