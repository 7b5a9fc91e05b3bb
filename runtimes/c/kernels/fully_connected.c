/* FULLY_CONNECTED: out[b, o] = act(sum_i in[b, i] * w[o, i] + bias[o]); weights [units, depth].
 * int8: int32 accumulation of (in - in_zp) * (w - w_zp), then requantized per output channel
 * (per-tensor when the weights have one scale) as LiteRT's reference kernel does it: in double,
 * round(acc * in_scale * w_scale / out_scale), half away from zero. (TFLM and LiteRT's optimized
 * kernels use an integer multiplier + shift instead, which can differ by 1 LSB near ties.)
 * int16x8 (int16 input and output with zero point 0, int8 weights per-tensor (any zero point) or
 * per unit (zero point 0), int64 bias): int64 accumulation, requantized in double as int8 is (LiteRT's reference
 * int16 kernel). An int32 bias is accepted, as LiteRT accepts it, and computed the same way: its
 * reference kernel reads an int32 bias as if it were int64 (garbage), its optimized kernel
 * adds it, which is what this does.
 * Hybrid (float32 input and output, int8 weights with zero point 0, per-tensor or per-unit
 * scales, float32 bias), as LiteRT's EvalHybridDense: each batch row is quantized to int8
 * (symmetric, or asymmetric when asymmetric_quantize_inputs is set; common/hybrid.h), then
 * out[b, o] = act(bias[o] + (float)sum_i w[o, i] * (q[b, i] - zp[b]) * (row_scale[b] * w_scale[o])). */
#include <math.h>

#include "../src/kernel_api.h"
#include "common/hybrid.h"
#include "common/quant_math.h"
#include "opt/opt_kernels.h"
#include "../ports/cortex-m/dsp/dsp_kernels.h"

enum { OPT_ACTIVATION = 0, OPT_WEIGHTS_FORMAT = 1, OPT_KEEP_NUM_DIMS = 2, OPT_ASYMMETRIC_QUANTIZE_INPUTS = 3 };

/* One per node (48 B with 64-bit pointers): per-tensor weights keep one requantization scale, not one per unit. */
typedef struct {
    int32_t batches, depth, units;
    float f_lo, f_hi;    /* float32 and hybrid: the fused activation's range */
    int16_t in_offset, w_offset, out_offset, q_lo, q_hi; /* quantized: zero points (negated for inputs), range */
    double scale;        /* quantized: in_scale * w_scale / out_scale with per-tensor weights */
    double *scales;      /* quantized, per-unit weight scales: that per unit (NULL: `scale` for every unit) */
} fc_data;

/* Hybrid: the record above and what only hybrid nodes need. */
typedef struct {
    fc_data fc;
    float *w_scale;      /* per output unit */
    tl_scratch *scratch; /* row scales [batches], zero points [batches], quantized input */
    uint8_t asymmetric;  /* asymmetric_quantize_inputs */
} fc_hybrid_data;

static double unit_scale(const fc_data *d, int32_t o) { return d->scales ? d->scales[o] : d->scale; }

static tl_status tl_fully_connected_eval_f32(tl_interpreter *it, tl_node *node);
static tl_status tl_fully_connected_eval_s8(tl_interpreter *it, tl_node *node);
static tl_status tl_fully_connected_eval_hybrid(tl_interpreter *it, tl_node *node);
static tl_status tl_fully_connected_eval_s16(tl_interpreter *it, tl_node *node);
static tl_status tl_fully_connected_eval_s16_bias32(tl_interpreter *it, tl_node *node);

static tl_status prepare_scales(tl_interpreter *it, tl_node *node, const tl_tensor *in, const tl_tensor *w,
                                const tl_tensor *out, fc_data *d) {
    int32_t o;
    tl_status st;
    if ((st = tl_check_quantized(it, node, in)) != TL_STATUS_OK || (st = tl_check_quantized(it, node, w)) != TL_STATUS_OK ||
        (st = tl_check_quantized(it, node, out)) != TL_STATUS_OK)
        return st;
    if (tl_tensor_quant_count(it, w) > 1 && tl_tensor_quant_count(it, w) != d->units)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "per-channel scale count does not match the units");
    if (tl_tensor_quant_count(it, w) > 1) {
        d->scales = tl_alloc_persistent(it, sizeof(double) * (size_t)d->units);
        if (!d->scales) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "requantization scales");
    }
    for (o = 0; o < (d->scales ? d->units : 1); o++) {
        double s = (double)in->scale * (double)tl_tensor_scale(it, w, o) / (double)out->scale;
        if (!(s >= 0.0) || s > 1e9) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "requantization scale out of range");
        if (d->scales) d->scales[o] = s;
        else d->scale = s;
    }
    return TL_STATUS_OK;
}

/* The quantized zero points and activation range as op data keeps them (each within int16 by the types). */
static tl_status set_offsets(tl_interpreter *it, tl_node *node, int8_t act, const tl_tensor *in, const tl_tensor *w,
                             const tl_tensor *out, fc_data *d) {
    int32_t lo, hi;
    if (tl_activation_range_quant(act, out, &lo, &hi) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
    d->in_offset = (int16_t)-in->zero_point;
    d->w_offset = (int16_t)-w->zero_point;
    d->out_offset = (int16_t)out->zero_point;
    d->q_lo = (int16_t)lo;
    d->q_hi = (int16_t)hi;
    return TL_STATUS_OK;
}

/* int16x8: int64 or int32 bias, zero points 0. */
static tl_status prepare_s16(tl_interpreter *it, tl_node *node, int8_t act, fc_data *d) {
    const tl_tensor *in = tl_node_input(it, node, 0), *w = tl_node_input(it, node, 1), *bias = tl_node_input(it, node, 2);
    const tl_tensor *out = tl_node_output(it, node, 0);
    tl_status st;
    if (bias && bias->type != TL_TYPE_INT64 && bias->type != TL_TYPE_INT32)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "int16x8 needs int64 or int32 bias");
    if ((st = prepare_scales(it, node, in, w, out, d)) != TL_STATUS_OK) return st;
    if (in->zero_point != 0 || out->zero_point != 0)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "int16 activations must have zero point 0");
    if (w->zero_point != 0 && tl_tensor_quant_count(it, w) > 1) /* LiteRT's per-channel kernel has no weight offset */
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "per-channel int16x8 weights must have zero point 0");
    node->eval = bias && bias->type == TL_TYPE_INT32 ? tl_fully_connected_eval_s16_bias32 : tl_fully_connected_eval_s16;
    return set_offsets(it, node, act, in, w, out, d);
}

tl_status tl_fully_connected_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *w = tl_node_input(it, node, 1), *bias = tl_node_input(it, node, 2);
    tl_tensor *out = tl_node_output(it, node, 0);
    fc_data *d;
    fc_hybrid_data *h;
    int8_t act, format;
    int64_t numel;
    tl_status st;
    if (!in || !w || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs input, weights, output");
    if (tl_fb_i8(&it->fb, node->options, OPT_ACTIVATION, 0, &act) != TL_STATUS_OK ||
        tl_fb_i8(&it->fb, node->options, OPT_WEIGHTS_FORMAT, 0, &format) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (format != 0) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "shuffled weights format");
    if (w->ndim != 2) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "weights must be 2-D");
    h = in->type == TL_TYPE_FLOAT32 && w->type == TL_TYPE_INT8 ? tl_alloc_persistent(it, sizeof *h) : NULL;
    d = h ? &h->fc : tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d; /* a fc_hybrid_data starts with its fc_data */
    d->units = w->dims[0];
    d->depth = w->dims[1];
    numel = tl_tensor_numel(in);
    if (d->depth <= 0 || numel % d->depth) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input size not a multiple of depth");
    d->batches = (int32_t)(numel / d->depth);
    if (tl_tensor_numel(out) != (int64_t)d->batches * d->units)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output size is not batches x units");
    if (bias && (tl_tensor_numel(bias) != d->units)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "bias size");
    if (in->type == TL_TYPE_FLOAT32 && w->type == TL_TYPE_FLOAT32 && out->type == TL_TYPE_FLOAT32) {
        if (bias && bias->type != TL_TYPE_FLOAT32) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "bias type");
        node->eval = tl_fully_connected_eval_f32;
        if (tl_activation_range_f32(act, &d->f_lo, &d->f_hi) != TL_STATUS_OK)
            return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
        return it->reference_kernels ? TL_STATUS_OK
                                     : tl_fully_connected_opt_f32_prepare(it, node, d->batches, d->depth, d->units,
                                                                          d->f_lo, d->f_hi);
    }
    if (in->type == TL_TYPE_INT8 && w->type == TL_TYPE_INT8 && out->type == TL_TYPE_INT8) {
        if (bias && bias->type != TL_TYPE_INT32) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "int8 needs int32 bias");
        if ((int64_t)d->depth * 255 * 255 > INT32_MAX)
            return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "depth too large for int32 accumulation");
        if ((st = prepare_scales(it, node, in, w, out, d)) != TL_STATUS_OK) return st;
        node->eval = tl_fully_connected_eval_s8;
        if ((st = set_offsets(it, node, act, in, w, out, d)) != TL_STATUS_OK || it->reference_kernels) return st;
#if defined(TL_ARM_DSP) /* Cortex-M with the DSP extension: SMLAD, the weights read in place */
        {
            tl_fc_s8_params p = {d->batches, d->depth, d->units, d->in_offset, d->w_offset, d->out_offset, d->q_lo, d->q_hi,
                                 d->scale, d->scales};
            return tl_fully_connected_dsp_s8_prepare(it, node, &p);
        }
#endif
        return tl_fully_connected_opt_s8_prepare(it, node, d->batches, d->depth, d->units, d->in_offset, d->w_offset,
                                                 d->out_offset, d->q_lo, d->q_hi, d->scale, d->scales);
    }
    if (in->type == TL_TYPE_INT16 && w->type == TL_TYPE_INT8 && out->type == TL_TYPE_INT16)
        return prepare_s16(it, node, act, d);
    if (in->type == TL_TYPE_FLOAT32 && w->type == TL_TYPE_INT8 && out->type == TL_TYPE_FLOAT32) {
        if (bias && bias->type != TL_TYPE_FLOAT32) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "hybrid needs float32 bias");
        if ((int64_t)d->depth * 255 * 128 > INT32_MAX)
            return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "depth too large for int32 accumulation");
        if (tl_fb_u8(&it->fb, node->options, OPT_ASYMMETRIC_QUANTIZE_INPUTS, 0, &h->asymmetric) != TL_STATUS_OK)
            return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
        if ((st = tl_hybrid_prepare_weights(it, node, w, 0, d->units, &h->w_scale)) != TL_STATUS_OK) return st;
        h->scratch = tl_hybrid_request_rows(it, node, d->batches, d->depth);
        if (!h->scratch) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "hybrid scratch");
        node->eval = tl_fully_connected_eval_hybrid;
        if (tl_activation_range_f32(act, &d->f_lo, &d->f_hi) != TL_STATUS_OK)
            return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
        return it->reference_kernels ? TL_STATUS_OK
                                     : tl_fully_connected_opt_hybrid_prepare(it, node, d->batches, d->depth, d->units,
                                                                              h->asymmetric, h->w_scale, d->f_lo,
                                                                              d->f_hi, h->scratch);
    }
    return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "FULLY_CONNECTED supports float32, int8, int16x8 and hybrid float32 x int8");
}

static tl_status tl_fully_connected_eval_f32(tl_interpreter *it, tl_node *node) {
    const fc_data *d = node->op_data;
    const float *x = tl_node_input(it, node, 0)->data, *w = tl_node_input(it, node, 1)->data;
    const tl_tensor *bt = tl_node_input(it, node, 2);
    const float *bias = bt ? bt->data : NULL;
    float *y = tl_node_output(it, node, 0)->data;
    int32_t b, o, i;
    for (b = 0; b < d->batches; b++) {
        for (o = 0; o < d->units; o++) {
            float acc = bias ? bias[o] : 0.0f;
            for (i = 0; i < d->depth; i++) acc += x[b * d->depth + i] * w[o * d->depth + i];
            y[b * d->units + o] = acc < d->f_lo ? d->f_lo : (acc > d->f_hi ? d->f_hi : acc);
        }
    }
    return TL_STATUS_OK;
}

static tl_status tl_fully_connected_eval_s8(tl_interpreter *it, tl_node *node) {
    const fc_data *d = node->op_data;
    const int8_t *x = tl_node_input(it, node, 0)->data, *w = tl_node_input(it, node, 1)->data;
    const tl_tensor *bt = tl_node_input(it, node, 2);
    const int32_t *bias = bt ? bt->data : NULL;
    int8_t *y = tl_node_output(it, node, 0)->data;
    int32_t b, o, i;
    for (b = 0; b < d->batches; b++) {
        for (o = 0; o < d->units; o++) {
            int32_t acc = 0;
            double r;
            for (i = 0; i < d->depth; i++)
                acc += (x[b * d->depth + i] + d->in_offset) * (w[o * d->depth + i] + d->w_offset);
            r = round((double)tl_add_sat(acc, bias ? bias[o] : 0) * unit_scale(d, o)) + d->out_offset;
            r = r < d->q_lo ? d->q_lo : r > d->q_hi ? d->q_hi : r; /* clamped before the cast: no overflow */
            y[b * d->units + o] = (int8_t)r;
        }
    }
    return TL_STATUS_OK;
}

static tl_status tl_fully_connected_eval_hybrid(tl_interpreter *it, tl_node *node) {
    const fc_hybrid_data *h = node->op_data;
    const fc_data *d = &h->fc;
    const float *x = tl_node_input(it, node, 0)->data;
    const int8_t *w = tl_node_input(it, node, 1)->data;
    const tl_tensor *bt = tl_node_input(it, node, 2);
    const float *bias = bt ? bt->data : NULL;
    float *y = tl_node_output(it, node, 0)->data;
    tl_hybrid_rows rows = tl_hybrid_quantize_rows(h->scratch, x, d->batches, d->depth, h->asymmetric);
    int32_t b, o, i;
    for (b = 0; b < d->batches; b++) {
        const int8_t *qb = rows.q + (int64_t)b * d->depth;
        for (o = 0; o < d->units; o++) {
            const int8_t *wo = w + (int64_t)o * d->depth;
            int32_t acc = 0; /* prepare bounds depth: no overflow */
            float v;
            for (i = 0; i < d->depth; i++) acc += wo[i] * (qb[i] - rows.zero_point[b]);
            v = (bias ? bias[o] : 0.0f) + (float)acc * (rows.scale[b] * h->w_scale[o]);
            y[(int64_t)b * d->units + o] = v < d->f_lo ? d->f_lo : (v > d->f_hi ? d->f_hi : v);
        }
    }
    return TL_STATUS_OK;
}

/* int16x8: |x * (w - w_zp)| < 2^23, so the int64 sum holds any int32 depth; plus the bias (int64, or
 * int32 when bias32), requantized in double, clamped before the cast. */
static tl_status eval_s16(tl_interpreter *it, tl_node *node, int bias32) {
    const fc_data *d = node->op_data;
    const int16_t *x = tl_node_input(it, node, 0)->data;
    const int8_t *w = tl_node_input(it, node, 1)->data;
    const tl_tensor *bt = tl_node_input(it, node, 2);
    const uint8_t *bias = bt ? (const uint8_t *)bt->data : NULL;
    int16_t *y = tl_node_output(it, node, 0)->data;
    int32_t b, o, i;
    for (b = 0; b < d->batches; b++) {
        const int16_t *xb = x + (int64_t)b * d->depth;
        for (o = 0; o < d->units; o++) {
            const int8_t *wo = w + (int64_t)o * d->depth;
            int64_t acc = 0;
            double r;
            for (i = 0; i < d->depth; i++) acc += (int32_t)xb[i] * (wo[i] + d->w_offset);
            if (bias) acc = tl_add_sat_i64(acc, bias32 ? ((const int32_t *)(const void *)bias)[o] : tl_load_i64(bias + 8 * (int64_t)o));
            r = round((double)acc * unit_scale(d, o));
            y[(int64_t)b * d->units + o] = (int16_t)(r < d->q_lo ? d->q_lo : r > d->q_hi ? d->q_hi : r);
        }
    }
    return TL_STATUS_OK;
}

static tl_status tl_fully_connected_eval_s16(tl_interpreter *it, tl_node *node) { return eval_s16(it, node, 0); }
static tl_status tl_fully_connected_eval_s16_bias32(tl_interpreter *it, tl_node *node) { return eval_s16(it, node, 1); }
