/* Comparisons: out (bool) = a OP b, broadcasting, inputs of one type.
 *
 * Types, as LiteRT's reference kernels take them: float32, int32, int64 and int16 without
 * quantization compare the values (also for NOT_EQUAL, where LiteRT leaves the output
 * unwritten); bool for EQUAL and NOT_EQUAL. LESS, LESS_EQUAL, GREATER and GREATER_EQUAL compare
 * int16 values as they are even when the inputs carry quantization parameters, whatever their
 * scales and zero points: LiteRT's reference does (measured against it with differing scales and
 * zero points), so a model quantized that way gets LiteRT's answer, not the real values' order.
 * int8 and uint8 (and int16 carrying quantization parameters for EQUAL and NOT_EQUAL) compare
 * rescaled values, LiteRT's arithmetic bit for bit:
 * each input becomes ((q - zero_point) << 8) * scale as a Q31 multiplier with a rounding
 * shift, so values closer than that rounding compare equal even when their real values
 * differ. LiteRT's rescaling is undefined for scales >= 1 (a negative shift), so those are
 * refused, as are int8/uint8 inputs without quantization parameters (LiteRT would compare
 * zeros). */
#include "comparison.h"

#include "broadcast.h"
#include "quant_math.h"

#define LEFT_SHIFT 8

typedef struct {
    tl_comparison_op op;
    tl_broadcast bc;
    int same_shape;
    int64_t n;
    int32_t offset[2], mult[2], shift[2]; /* quantized inputs */
} cmp_data;

static uint8_t answer(tl_comparison_op op, int lt, int eq, int gt) {
    switch (op) {
    case TL_CMP_EQUAL: return (uint8_t)eq;
    case TL_CMP_NOT_EQUAL: return (uint8_t)!eq;
    case TL_CMP_LESS: return (uint8_t)lt;
    case TL_CMP_LESS_EQUAL: return (uint8_t)(lt || eq);
    case TL_CMP_GREATER: return (uint8_t)gt;
    default: return (uint8_t)(gt || eq);
    }
}

static int32_t rescale(const cmp_data *d, int k, int32_t q) {
    int32_t shifted = (q + d->offset[k]) * (1 << LEFT_SHIFT);
    return tl_rounding_divide_by_pot(tl_srdhm(shifted, d->mult[k]), -d->shift[k]);
}

/* What each eval compares: the element itself, a bool as 0/1, or the rescaled integer. */
#define PLAIN(d, k, v) (v)
#define BOOLEAN(d, k, v) ((v) != 0)
#define SCALED(d, k, v) rescale(d, k, v)

/* One eval per input type T: elements are loaded as V through LOAD, then compared. */
#define DEFINE_EVAL(suffix, T, V, LOAD)                                                          \
    static tl_status tl_comparison_eval_##suffix(tl_interpreter *it, tl_node *node) {            \
        const cmp_data *d = node->op_data;                                                       \
        const T *a = tl_node_input(it, node, 0)->data, *b = tl_node_input(it, node, 1)->data;    \
        uint8_t *o = tl_node_output(it, node, 0)->data;                                          \
        int64_t i, ia = 0, ib = 0;                                                               \
        for (i = 0; i < d->n; i++) {                                                             \
            V x, y;                                                                              \
            if (d->same_shape)                                                                   \
                ia = ib = i;                                                                     \
            else                                                                                 \
                tl_broadcast_offsets(&d->bc, i, &ia, &ib);                                       \
            x = LOAD(d, 0, a[ia]);                                                               \
            y = LOAD(d, 1, b[ib]);                                                               \
            o[i] = answer(d->op, x < y, x == y, x > y);                                          \
        }                                                                                        \
        return TL_STATUS_OK;                                                                     \
    }

DEFINE_EVAL(f32, float, float, PLAIN)
DEFINE_EVAL(s16, int16_t, int32_t, PLAIN)
DEFINE_EVAL(s32, int32_t, int32_t, PLAIN)
DEFINE_EVAL(s64, int64_t, int64_t, PLAIN)
DEFINE_EVAL(b, uint8_t, int, BOOLEAN)
DEFINE_EVAL(s8_scaled, int8_t, int32_t, SCALED)
DEFINE_EVAL(u8_scaled, uint8_t, int32_t, SCALED)
DEFINE_EVAL(s16_scaled, int16_t, int32_t, SCALED)

static tl_status prepare_scaled(tl_interpreter *it, tl_node *node, cmp_data *d, const tl_tensor *in, int k) {
    if (!in->quantized)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "quantized comparison of an input without quantization parameters");
    if (tl_check_quantized(it, node, in)) return TL_STATUS_MODEL_INVALID;
    if (!(in->scale < 1.0f))
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED,
                       "quantized input scale >= 1 (LiteRT's rescaling is undefined there)");
    d->offset[k] = -in->zero_point;
    tl_quantize_multiplier((double)in->scale, &d->mult[k], &d->shift[k]);
    return TL_STATUS_OK;
}

tl_status tl_comparison_prepare(tl_interpreter *it, tl_node *node, tl_comparison_op op) {
    tl_tensor *a = tl_node_input(it, node, 0), *b = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    int equality = op == TL_CMP_EQUAL || op == TL_CMP_NOT_EQUAL;
    cmp_data *d;
    if (tl_node_num_inputs(node) != 2 || tl_node_num_outputs(node) != 1 || !a || !b || !out)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 2 inputs and 1 output");
    if (a->type != b->type) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "the inputs' types differ");
    if (out->type != TL_TYPE_BOOL) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "output must be bool");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->op = op;
    if (!tl_broadcast_init(&d->bc, a, b, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "shapes do not broadcast");
    d->same_shape = tl_same_shape(a, out) && tl_same_shape(b, out);
    d->n = tl_tensor_numel(out);
    switch (a->type) {
    case TL_TYPE_FLOAT32: node->eval = tl_comparison_eval_f32; return TL_STATUS_OK;
    case TL_TYPE_INT32: node->eval = tl_comparison_eval_s32; return TL_STATUS_OK;
    case TL_TYPE_INT64: node->eval = tl_comparison_eval_s64; return TL_STATUS_OK;
    case TL_TYPE_BOOL:
        if (!equality) break;
        node->eval = tl_comparison_eval_b;
        return TL_STATUS_OK;
    case TL_TYPE_INT16:
        if (!a->quantized || !equality) { /* LiteRT decides on the first input; orderings never rescale */
            node->eval = tl_comparison_eval_s16;
            return TL_STATUS_OK;
        }
        node->eval = tl_comparison_eval_s16_scaled;
        break;
    case TL_TYPE_INT8: node->eval = tl_comparison_eval_s8_scaled; break;
    case TL_TYPE_UINT8: node->eval = tl_comparison_eval_u8_scaled; break;
    default: break;
    }
    if (node->eval == NULL)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED,
                       equality ? "supports float32, int8, uint8, int16, int32, int64 and bool"
                                : "supports float32, int8, uint8, int16, int32 and int64");
    {
        tl_status st = prepare_scaled(it, node, d, a, 0);
        return st != TL_STATUS_OK ? st : prepare_scaled(it, node, d, b, 1);
    }
}
