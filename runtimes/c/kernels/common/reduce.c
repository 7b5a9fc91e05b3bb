#include "reduce.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "quant_math.h"
#include "../opt/opt_kernels.h"

enum { OPT_KEEP_DIMS = 0 };

typedef struct {
    int32_t n_kept, n_red; /* kept (output) dims and reduced dims, input order */
    int32_t kept_dims[TL_MAX_DIMS], kept_stride[TL_MAX_DIMS], red_dims[TL_MAX_DIMS], red_stride[TL_MAX_DIMS];
    int64_t n_out, count; /* output elements; input elements per output */
    int32_t in_zp, out_zp, mult, shift;
    float sum_scale, sum_bias; /* integer SUM: s_in / s_out and -zp_in * that * count, in float */
} reduce_data;

/* Input offset of the `flat`-th (row-major) index over the given dims. */
static int64_t offset_of(int64_t flat, int32_t n, const int32_t *dims, const int32_t *stride) {
    int64_t off = 0;
    int32_t i;
    for (i = n - 1; i >= 0; i--) {
        off += (flat % dims[i]) * stride[i];
        flat /= dims[i];
    }
    return off;
}

#define REDUCE_LOOP(T, INIT, STEP, FINISH)                                         \
    const reduce_data *d = node->op_data;                                          \
    const T *x = tl_node_input(it, node, 0)->data;                                 \
    int64_t o, r;                                                                  \
    for (o = 0; o < d->n_out; o++) {                                               \
        const T *base = x + offset_of(o, d->n_kept, d->kept_dims, d->kept_stride); \
        INIT;                                                                      \
        for (r = 0; r < d->count; r++) {                                           \
            T v = base[offset_of(r, d->n_red, d->red_dims, d->red_stride)];        \
            STEP;                                                                  \
        }                                                                          \
        FINISH;                                                                    \
    }                                                                              \
    return TL_STATUS_OK

static tl_status tl_sum_eval_f32(tl_interpreter *it, tl_node *node) {
    float *y = tl_node_output(it, node, 0)->data;
    REDUCE_LOOP(float, float acc = 0.0f, acc += v, y[o] = acc);
}

static tl_status tl_mean_eval_f32(tl_interpreter *it, tl_node *node) {
    float *y = tl_node_output(it, node, 0)->data;
    REDUCE_LOOP(float, float acc = 0.0f, acc += v, y[o] = acc / (float)d->count);
}

static tl_status tl_reduce_max_eval_f32(tl_interpreter *it, tl_node *node) {
    float *y = tl_node_output(it, node, 0)->data;
    REDUCE_LOOP(float, float acc = -FLT_MAX, acc = v > acc ? v : acc, y[o] = acc);
}

static tl_status tl_reduce_min_eval_f32(tl_interpreter *it, tl_node *node) {
    float *y = tl_node_output(it, node, 0)->data;
    REDUCE_LOOP(float, float acc = FLT_MAX, acc = v < acc ? v : acc, y[o] = acc);
}

static tl_status tl_reduce_prod_eval_f32(tl_interpreter *it, tl_node *node) {
    float *y = tl_node_output(it, node, 0)->data;
    REDUCE_LOOP(float, float acc = 1.0f, acc *= v, y[o] = acc);
}

static tl_status tl_reduce_prod_eval_s32(tl_interpreter *it, tl_node *node) {
    int32_t *y = tl_node_output(it, node, 0)->data;
    REDUCE_LOOP(int32_t, uint32_t acc = 1, acc *= (uint32_t)v, y[o] = (int32_t)acc);
}

static tl_status tl_reduce_prod_eval_s64(tl_interpreter *it, tl_node *node) {
    int64_t *y = tl_node_output(it, node, 0)->data;
    REDUCE_LOOP(int64_t, uint64_t acc = 1, acc *= (uint64_t)v, y[o] = (int64_t)acc);
}

/* Unquantized int8, uint8, int16: the product wraps in the type, as LiteRT's compiled multiplies. */
#define PROD_EVAL_RAW(NAME, T, U)                                                         \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {                            \
        T *y = tl_node_output(it, node, 0)->data;                                         \
        REDUCE_LOOP(T, uint32_t acc = 1, acc *= (uint32_t)(int32_t)v, y[o] = (T)(U)acc);   \
    }

PROD_EVAL_RAW(tl_reduce_prod_eval_s8_raw, int8_t, uint8_t)
PROD_EVAL_RAW(tl_reduce_prod_eval_u8_raw, uint8_t, uint8_t)
PROD_EVAL_RAW(tl_reduce_prod_eval_s16_raw, int16_t, uint16_t)

/* LiteRT's int64-input requantization for the product: the multiplier cut to 16 bits, one rounding shift
 * by 15 - shift (prepare keeps it in [1, 46]), the result truncated to int32 (not saturated). |x| < 2^47. */
static int32_t prod_rescale(int64_t x, int32_t mult, int32_t shift) {
    int64_t reduced = mult < 0x7FFF0000 ? (mult + (1 << 15)) >> 16 : 0x7FFF;
    int total = 15 - shift;
    int64_t v = x * reduced + ((int64_t)1 << (total - 1));
    uint32_t u = (uint32_t)(uint64_t)(v >= 0 ? v >> total : -((-v - 1) >> total) - 1);
    return u > (uint32_t)INT32_MAX ? (int32_t)(u - 2147483648u) - INT32_MAX - 1 : (int32_t)u;
}

/* Quantized int8 / int16: LiteRT's reference product, each step rescaled by s_in / s_out^(1 / count) so the
 * int32 accumulator does not overflow: acc = x0 - zp, then acc = rescale(acc * (x - zp)) per element, then
 * rescale(acc) + zp_out (wrapping), clamped to the type. */
#define PROD_EVAL_Q(NAME, T, LO, HI)                                                                              \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {                                                    \
        T *y = tl_node_output(it, node, 0)->data;                                                                 \
        REDUCE_LOOP(T, int32_t acc = 0; int first = 1,                                                            \
                    acc = first ? (int32_t)v - d->in_zp                                                           \
                                : prod_rescale((int64_t)acc * ((int32_t)v - d->in_zp), d->mult, d->shift);        \
                    first = 0,                                                                                    \
                    y[o] = (T)tl_clamp_i32(tl_add_wrap(prod_rescale(acc, d->mult, d->shift), d->out_zp), LO, HI)); \
    }

PROD_EVAL_Q(tl_reduce_prod_eval_s8, int8_t, INT8_MIN, INT8_MAX)
PROD_EVAL_Q(tl_reduce_prod_eval_s16, int16_t, INT16_MIN, INT16_MAX)

static tl_status tl_reduce_any_eval_b(tl_interpreter *it, tl_node *node) {
    uint8_t *y = tl_node_output(it, node, 0)->data;
    REDUCE_LOOP(uint8_t, uint8_t acc = 0, acc = (uint8_t)(acc | (v != 0)), y[o] = acc);
}

static tl_status tl_reduce_all_eval_b(tl_interpreter *it, tl_node *node) {
    uint8_t *y = tl_node_output(it, node, 0)->data;
    REDUCE_LOOP(uint8_t, uint8_t acc = 1, acc = (uint8_t)(acc & (v != 0)), y[o] = acc);
}

static tl_status tl_sum_eval_s32(tl_interpreter *it, tl_node *node) {
    int32_t *y = tl_node_output(it, node, 0)->data;
    REDUCE_LOOP(int32_t, uint32_t acc = 0, acc += (uint32_t)v,
                y[o] = acc > (uint32_t)INT32_MAX ? (int32_t)(acc - (uint32_t)INT32_MAX - 1u) - INT32_MAX - 1 : (int32_t)acc);
}

#define REDUCE_MIN_MAX(T, SUFFIX, LO, HI)                                                      \
    static tl_status tl_reduce_max_eval_##SUFFIX(tl_interpreter *it, tl_node *node) {               \
        T *y = tl_node_output(it, node, 0)->data;                                              \
        REDUCE_LOOP(T, T acc = LO, acc = v > acc ? v : acc, y[o] = acc);                       \
    }                                                                                          \
    static tl_status tl_reduce_min_eval_##SUFFIX(tl_interpreter *it, tl_node *node) {               \
        T *y = tl_node_output(it, node, 0)->data;                                              \
        REDUCE_LOOP(T, T acc = HI, acc = v < acc ? v : acc, y[o] = acc);                       \
    }

REDUCE_MIN_MAX(int8_t, s8, INT8_MIN, INT8_MAX)
REDUCE_MIN_MAX(uint8_t, u8, 0, UINT8_MAX)
REDUCE_MIN_MAX(int16_t, s16, INT16_MIN, INT16_MAX)
REDUCE_MIN_MAX(int32_t, s32, INT32_MIN, INT32_MAX)
REDUCE_MIN_MAX(int64_t, s64, INT64_MIN, INT64_MAX)

/* prepare bounds count so that the int32 sum cannot overflow */
#define MEAN_EVAL_INT(NAME, T, LO, HI)                                                                               \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {                                                       \
        T *y = tl_node_output(it, node, 0)->data;                                                                    \
        REDUCE_LOOP(T, int32_t acc = 0, acc += v,                                                                    \
                    y[o] = (T)tl_clamp_i32(tl_add_sat(tl_multiply_by_quantized_multiplier(                            \
                                                          acc - d->in_zp * (int32_t)d->count, d->mult, d->shift),     \
                                                      d->out_zp),                                                    \
                                           LO, HI));                                                                 \
    }

MEAN_EVAL_INT(tl_mean_eval_s8, int8_t, INT8_MIN, INT8_MAX)
MEAN_EVAL_INT(tl_mean_eval_s16, int16_t, INT16_MIN, INT16_MAX)

/* LiteRT's arithmetic (its builtin kernel): float32 round(sum * scale + bias), converted to int32
 * as x86 converts (out of range: INT32_MIN), plus zp_out wrapping, clamped. prepare bounds count
 * for the int32 sum and the scale, so the float stays finite. */
static int32_t sum_requantize(const reduce_data *d, int32_t acc, int32_t lo, int32_t hi) {
    float r = roundf((float)acc * d->sum_scale + d->sum_bias);
    return tl_clamp_i32(tl_add_wrap(tl_to_i32_x86(r), d->out_zp), lo, hi);
}

#define SUM_EVAL_INT(NAME, T, LO, HI)                                                                   \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {                                          \
        T *y = tl_node_output(it, node, 0)->data;                                                       \
        REDUCE_LOOP(T, int32_t acc = 0, acc += v, y[o] = (T)sum_requantize(d, acc, LO, HI));            \
    }

SUM_EVAL_INT(tl_sum_eval_s8, int8_t, INT8_MIN, INT8_MAX)
SUM_EVAL_INT(tl_sum_eval_s16, int16_t, INT16_MIN, INT16_MAX)

static int32_t read_i32(const tl_tensor *t, int64_t i) {
    int32_t v;
    memcpy(&v, (const uint8_t *)t->data + i * 4, 4);
    return v;
}

/* Integer MEAN and SUM: usable parameters, int16 zero points 0, int32 sums that cannot overflow. */
static tl_status prepare_int(tl_interpreter *it, tl_node *node, const tl_tensor *in, const tl_tensor *out, reduce_data *d) {
    tl_status st;
    if ((st = tl_check_quantized(it, node, in)) != TL_STATUS_OK || (st = tl_check_quantized(it, node, out)) != TL_STATUS_OK)
        return st;
    if (d->count > (in->type == TL_TYPE_INT16 ? INT32_MAX / 32768 : INT32_MAX >> 8))
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "too many elements per output for int32 sums");
    if (in->type == TL_TYPE_INT16 && (in->zero_point != 0 || out->zero_point != 0))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "int16 zero points must be 0");
    d->in_zp = in->zero_point;
    d->out_zp = out->zero_point;
    return TL_STATUS_OK;
}

static tl_status prepare_sum_int(tl_interpreter *it, tl_node *node, const tl_tensor *in, const tl_tensor *out,
                                 reduce_data *d) {
    tl_status st = prepare_int(it, node, in, out, d);
    if (st != TL_STATUS_OK) return st;
    d->sum_scale = in->scale / out->scale;
    if (!(d->sum_scale <= 1e9f)) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "requantization scale out of range");
    d->sum_bias = (float)-d->in_zp * d->sum_scale * (float)d->count;
    return TL_STATUS_OK;
}

static tl_status prepare_mean_int(tl_interpreter *it, tl_node *node, const tl_tensor *in, const tl_tensor *out,
                                 reduce_data *d) {
    int32_t shift = 0;
    tl_status st = prepare_int(it, node, in, out, d);
    if (st != TL_STATUS_OK) return st;
    st = tl_quantize_multiplier_checked(it, node, (double)in->scale / (double)out->scale, &d->mult, &d->shift);
    if (st != TL_STATUS_OK) return st;
    /* fold 1 / count into the multiplier: shift = floor(log2(count)), at most 32 and 31 + shift */
    while (((int64_t)1 << (shift + 1)) <= d->count) shift++;
    if (shift > 32) shift = 32;
    if (shift > 31 + d->shift) shift = 31 + d->shift;
    d->mult = (int32_t)(((int64_t)d->mult << shift) / d->count);
    d->shift -= shift;
    return TL_STATUS_OK;
}

/* REDUCE_PROD: LiteRT takes a quantized input (int8, int16) to its requantizing product, any other to the
 * plain one (bool: a product of truths is AND). */
static tl_status prepare_prod(tl_interpreter *it, tl_node *node, const tl_tensor *in, const tl_tensor *out,
                              reduce_data *d) {
    tl_status st;
    double real;
    int quantized = in->quantized && (in->type == TL_TYPE_INT8 || in->type == TL_TYPE_UINT8 || in->type == TL_TYPE_INT16);
    if (!quantized) {
        switch (in->type) {
        case TL_TYPE_FLOAT32: node->eval = tl_reduce_prod_eval_f32; break;
        case TL_TYPE_INT32: node->eval = tl_reduce_prod_eval_s32; break;
        case TL_TYPE_INT64: node->eval = tl_reduce_prod_eval_s64; break;
        case TL_TYPE_INT8: node->eval = tl_reduce_prod_eval_s8_raw; break;
        case TL_TYPE_UINT8: node->eval = tl_reduce_prod_eval_u8_raw; break;
        case TL_TYPE_INT16: node->eval = tl_reduce_prod_eval_s16_raw; break;
        case TL_TYPE_BOOL: node->eval = tl_reduce_all_eval_b; break;
        default:
            return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED,
                           "REDUCE_PROD supports float32, int8, uint8, int16, int32, int64 and bool");
        }
        return TL_STATUS_OK;
    }
    if (in->type == TL_TYPE_UINT8)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "quantized REDUCE_PROD supports int8 and int16 (as LiteRT)");
    if ((st = tl_check_quantized(it, node, in)) != TL_STATUS_OK || (st = tl_check_quantized(it, node, out)) != TL_STATUS_OK)
        return st;
    if (in->type == TL_TYPE_INT16 && (in->zero_point != 0 || out->zero_point != 0))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "int16 zero points must be 0");
    if (d->count * d->n_out == 0) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "empty quantized input");
    node->eval = in->type == TL_TYPE_INT8 ? tl_reduce_prod_eval_s8 : tl_reduce_prod_eval_s16;
    d->in_zp = in->zero_point;
    d->out_zp = out->zero_point;
    /* LiteRT's per-step scale, in double: s_in / s_out^(1 / count) */
    real = (double)in->scale / pow((double)out->scale, 1.0 / (double)d->count);
    tl_quantize_multiplier(real, &d->mult, &d->shift);
    if (d->shift > 14) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "requantization scale out of range");
    return TL_STATUS_OK;
}

/* MEAN's optimized tier (opt/mean.c) when the reduced axes are one block of adjacent dims. */
static tl_status prepare_mean_opt(tl_interpreter *it, tl_node *node, const tl_tensor *in, const int *reduced,
                                  const reduce_data *d) {
    tl_mean_params p = {1, 1, 1, d->in_zp, d->out_zp, d->mult, d->shift};
    int32_t i, first = -1, last = -1;
    for (i = 0; i < in->ndim; i++) {
        if (!reduced[i]) continue;
        if (first < 0) first = i;
        else if (last != i - 1) return TL_STATUS_OK; /* a gap: not one block */
        last = i;
    }
    if (first < 0) return TL_STATUS_OK;
    for (i = 0; i < in->ndim; i++) {
        if (i < first) p.outer *= in->dims[i];
        else if (i <= last) p.rows *= in->dims[i];
        else p.inner *= in->dims[i];
    }
    return tl_mean_opt_prepare(it, node, &p);
}

tl_status tl_reduce_prepare(tl_interpreter *it, tl_node *node, tl_reduce_kind kind) {
    tl_tensor *in = tl_node_input(it, node, 0), *axes = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    reduce_data *d;
    uint8_t keep_dims;
    int reduced[TL_MAX_DIMS] = {0};
    int32_t i, k, stride[TL_MAX_DIMS], expect[TL_MAX_DIMS], n_expect = 0;
    int64_t n_axes, s = 1;
    if (!in || !axes || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs input, axes and output");
    if ((!axes->is_constant && tl_tensor_numel(axes) != 0) || axes->type != TL_TYPE_INT32) /* an empty one has no data */
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "axes must be a constant int32 tensor");
    if (in->type != out->type) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "input and output types differ");
    if (tl_fb_u8(&it->fb, node->options, OPT_KEEP_DIMS, 0, &keep_dims) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    n_axes = tl_tensor_numel(axes);
    for (k = 0; k < n_axes; k++) {
        int32_t a = read_i32(axes, k);
        if (a < -in->ndim || a >= in->ndim) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "axis out of range");
        reduced[a < 0 ? a + in->ndim : a] = 1;
    }
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    for (i = in->ndim - 1; i >= 0; i--) {
        stride[i] = (int32_t)s;
        s *= in->dims[i];
    }
    d->n_out = d->count = 1;
    for (i = 0; i < in->ndim; i++) {
        /* an empty input (a WHERE or UNIQUE upstream found nothing) gives LiteRT's initial values: the loops
         * run no step; MEAN's 0 / 0 is NaN as in LiteRT; quantized reductions' arithmetic is not defined for it */
        if (in->dims[i] <= 0 && (in->quantized || in->type == TL_TYPE_INT8 || in->type == TL_TYPE_INT16))
            return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "empty quantized input");
        if (reduced[i]) {
            d->red_dims[d->n_red] = in->dims[i];
            d->red_stride[d->n_red++] = stride[i];
            d->count *= in->dims[i];
            if (keep_dims) expect[n_expect++] = 1;
        } else {
            d->kept_dims[d->n_kept] = in->dims[i];
            d->kept_stride[d->n_kept++] = stride[i];
            d->n_out *= in->dims[i];
            expect[n_expect++] = in->dims[i];
        }
    }
    if (out->ndim != n_expect) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output rank does not match axes and keep_dims");
    for (i = 0; i < n_expect; i++)
        if (out->dims[i] != expect[i]) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output shape does not match the reduction");
    if (kind == TL_REDUCE_PROD || kind == TL_REDUCE_ANY || kind == TL_REDUCE_ALL) {
        if (kind == TL_REDUCE_PROD) return prepare_prod(it, node, in, out, d);
        if (in->type != TL_TYPE_BOOL) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "REDUCE_ANY and REDUCE_ALL take bool");
        node->eval = kind == TL_REDUCE_ANY ? tl_reduce_any_eval_b : tl_reduce_all_eval_b;
        return TL_STATUS_OK;
    }
    if (in->type == TL_TYPE_FLOAT32) {
        node->eval = kind == TL_REDUCE_MEAN ? tl_mean_eval_f32 : kind == TL_REDUCE_SUM ? tl_sum_eval_f32
                     : kind == TL_REDUCE_MAX ? tl_reduce_max_eval_f32 : tl_reduce_min_eval_f32;
        return kind == TL_REDUCE_MEAN && !it->reference_kernels && d->count * d->n_out > 0
                   ? prepare_mean_opt(it, node, in, reduced, d) : TL_STATUS_OK;
    }
    if (kind == TL_REDUCE_MEAN && (in->type == TL_TYPE_INT8 || in->type == TL_TYPE_INT16)) {
        tl_status st;
        node->eval = in->type == TL_TYPE_INT8 ? tl_mean_eval_s8 : tl_mean_eval_s16;
        st = prepare_mean_int(it, node, in, out, d);
        return st == TL_STATUS_OK && !it->reference_kernels ? prepare_mean_opt(it, node, in, reduced, d) : st;
    }
    if (kind == TL_REDUCE_SUM && in->type == TL_TYPE_INT32) {
        node->eval = tl_sum_eval_s32;
        return TL_STATUS_OK;
    }
    if (kind == TL_REDUCE_SUM && (in->type == TL_TYPE_INT8 || in->type == TL_TYPE_INT16)) {
        node->eval = in->type == TL_TYPE_INT8 ? tl_sum_eval_s8 : tl_sum_eval_s16;
        return prepare_sum_int(it, node, in, out, d);
    }
    if (kind == TL_REDUCE_MAX || kind == TL_REDUCE_MIN) {
        int is_max = kind == TL_REDUCE_MAX;
        switch (in->type) {
        case TL_TYPE_INT8: node->eval = is_max ? tl_reduce_max_eval_s8 : tl_reduce_min_eval_s8; break;
        case TL_TYPE_UINT8: node->eval = is_max ? tl_reduce_max_eval_u8 : tl_reduce_min_eval_u8; break;
        case TL_TYPE_INT16: node->eval = is_max ? tl_reduce_max_eval_s16 : tl_reduce_min_eval_s16; break;
        case TL_TYPE_INT32: node->eval = is_max ? tl_reduce_max_eval_s32 : tl_reduce_min_eval_s32; break;
        case TL_TYPE_INT64: node->eval = is_max ? tl_reduce_max_eval_s64 : tl_reduce_min_eval_s64; break;
        default: return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "supports float32, int8, uint8, int16, int32 and int64");
        }
        if ((in->type == TL_TYPE_INT8 || in->type == TL_TYPE_UINT8 || in->type == TL_TYPE_INT16) &&
            (in->quantized || out->quantized) && (in->scale != out->scale || in->zero_point != out->zero_point))
            return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "input and output quantization differ");
        return TL_STATUS_OK;
    }
    return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED,
                  kind == TL_REDUCE_MEAN ? "MEAN supports float32, int8 and int16" : "SUM supports float32, int8, int16 and int32");
}
