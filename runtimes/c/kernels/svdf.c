/* SVDF: a rank-factored time filter (keyword spotting). The state [batch, filters x memory] holds
 * each filter's last `memory` feature activations, oldest first, in a variable tensor. Per invoke:
 *     state <- state shifted one step (the whole buffer moves left by one element)
 *     state[b, f, memory - 1] = sum_i weights_feature[f, i] * input[b, i]
 *     out[b, u] = act(bias[u] + sum_{r < rank} sum_m weights_time[u*rank + r, m] * state[b, u*rank + r, m])
 * Inputs: 0 input [batch, in], 1 weights_feature [filters, in], 2 weights_time [filters, memory],
 * 3 bias [units] (optional), 4 state (variable). Options: rank, fused activation.
 *
 * Integer variants (int8 input, weights_feature and output, int32 bias):
 * - int16 weights_time and state (LiteRT's reference kernel): the feature product is rescaled to
 *   the state's scale and clamped to int16; the time product accumulates in int32 and is rescaled
 *   to the output, clamped to int8. Like LiteRT, no activation is applied beyond that clamp.
 * - int8 weights_time and state with a zero point (TFLM's kernel; LiteRT cannot run it): the new
 *   state value is clamped to int8 before its zero point is added, and the sum wraps to int8
 *   exactly as TFLM stores it; the time product subtracts the state's zero point. */
#include <string.h>

#include "../src/kernel_api.h"
#include "common/quant_math.h"

enum { IN_INPUT = 0, IN_WEIGHTS_FEATURE = 1, IN_WEIGHTS_TIME = 2, IN_BIAS = 3, IN_STATE = 4 };
enum { OPT_RANK = 0, OPT_ACTIVATION = 1 };

/* The batch count is the input's first dimension and units = filters / rank (eval reads them there). */
typedef struct {
    int32_t inputs, filters, rank, memory;
    union {
        struct {
            float lo, hi; /* the fused activation's range */
        } f;
        struct {
            int32_t feature_mult, feature_shift, time_mult, time_shift;
            int32_t in_zp, state_zp, out_zp;
        } q;
    } v;
} svdf_data;

static tl_status tl_svdf_eval_f32(tl_interpreter *it, tl_node *node);
static tl_status tl_svdf_eval_s8(tl_interpreter *it, tl_node *node);
static tl_status tl_svdf_eval_s8_s16(tl_interpreter *it, tl_node *node);

static tl_status prepare_s8(tl_interpreter *it, tl_node *node, svdf_data *d) {
    tl_tensor *in = tl_node_input(it, node, IN_INPUT), *wf = tl_node_input(it, node, IN_WEIGHTS_FEATURE);
    tl_tensor *wt = tl_node_input(it, node, IN_WEIGHTS_TIME), *bias = tl_node_input(it, node, IN_BIAS);
    tl_tensor *state = tl_node_input(it, node, IN_STATE), *out = tl_node_output(it, node, 0);
    float feature_scale, time_scale;
    tl_status st;
    if (wf->type != TL_TYPE_INT8 || out->type != TL_TYPE_INT8 || (bias && bias->type != TL_TYPE_INT32))
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "int8 SVDF needs int8 weights_feature and output, int32 bias");
    if (!((wt->type == TL_TYPE_INT16 && state->type == TL_TYPE_INT16) || (wt->type == TL_TYPE_INT8 && state->type == TL_TYPE_INT8)))
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "int8 SVDF needs int16 (or int8) weights_time and state of one type");
    if (tl_check_quantized(it, node, in) || tl_check_quantized(it, node, wf) || tl_check_quantized(it, node, wt) ||
        tl_check_quantized(it, node, state) || tl_check_quantized(it, node, out))
        return TL_STATUS_MODEL_INVALID;
    if (wf->zero_point != 0 || wt->zero_point != 0)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "SVDF weights must be symmetric (zero point 0)");
    if (state->type == TL_TYPE_INT16 && state->zero_point != 0)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "int16 SVDF state zero point must be 0");
    if ((int64_t)d->inputs * 128 * 256 > INT32_MAX / 2)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "input depth too large for int32 accumulation");
    /* scales formed in float, then widened, as both reference runtimes do */
    feature_scale = (float)((float)(in->scale * wf->scale) / state->scale);
    time_scale = (float)((float)(state->scale * wt->scale) / out->scale);
    if ((st = tl_quantize_multiplier_checked(it, node, (double)feature_scale, &d->v.q.feature_mult, &d->v.q.feature_shift)) ||
        (st = tl_quantize_multiplier_checked(it, node, (double)time_scale, &d->v.q.time_mult, &d->v.q.time_shift)))
        return st;
    d->v.q.in_zp = in->zero_point;
    d->v.q.state_zp = state->zero_point;
    d->v.q.out_zp = out->zero_point;
    node->eval = state->type == TL_TYPE_INT16 ? tl_svdf_eval_s8_s16 : tl_svdf_eval_s8;
    return TL_STATUS_OK;
}

tl_status tl_svdf_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, IN_INPUT), *wf = tl_node_input(it, node, IN_WEIGHTS_FEATURE);
    tl_tensor *wt = tl_node_input(it, node, IN_WEIGHTS_TIME), *bias = tl_node_input(it, node, IN_BIAS);
    tl_tensor *state = tl_node_input(it, node, IN_STATE), *out = tl_node_output(it, node, 0);
    svdf_data *d;
    int32_t batches, units;
    int8_t act;
    if (tl_node_num_inputs(node) != 5 || !in || !wf || !wt || !state || !out)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs input, weights_feature, weights_time, (bias), state, output");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (tl_fb_i32(&it->fb, node->options, OPT_RANK, 0, &d->rank) != TL_STATUS_OK ||
        tl_fb_i8(&it->fb, node->options, OPT_ACTIVATION, 0, &act) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (in->ndim != 2 || wf->ndim != 2 || wt->ndim != 2 || state->ndim != 2 || out->ndim != 2)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input, weights, state and output must be 2-D");
    batches = in->dims[0];
    if (batches <= 0) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "empty batch");
    d->inputs = in->dims[1];
    d->filters = wf->dims[0];
    d->memory = wt->dims[1];
    if (d->rank <= 0 || d->filters <= 0 || d->filters % d->rank)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "rank must be positive and divide the filter count");
    units = d->filters / d->rank;
    if (wf->dims[1] != d->inputs || wt->dims[0] != d->filters || d->memory <= 0)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "weights must be [filters, inputs] and [filters, memory]");
    if (bias && (bias->ndim != 1 || bias->dims[0] != units))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "bias must be [units]");
    if (state->dims[0] != batches || (int64_t)state->dims[1] != (int64_t)d->memory * d->filters)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "state must be [batch, memory x filters]");
    if (!state->is_variable || state->is_constant)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "state must be a variable tensor");
    if (out->dims[0] != batches || out->dims[1] != units)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output must be [batch, units]");
    if (in->type == TL_TYPE_INT8) return prepare_s8(it, node, d);
    if (in->type == TL_TYPE_FLOAT32 && wf->type == TL_TYPE_FLOAT32 && wt->type == TL_TYPE_FLOAT32 &&
        state->type == TL_TYPE_FLOAT32 && out->type == TL_TYPE_FLOAT32 && (!bias || bias->type == TL_TYPE_FLOAT32)) {
        if (tl_activation_range_f32(act, &d->v.f.lo, &d->v.f.hi) != TL_STATUS_OK)
            return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
        node->eval = tl_svdf_eval_f32;
        return TL_STATUS_OK;
    }
    return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED,
                   "SVDF supports float32 and int8 (hybrid float input with int8 weights is not supported)");
}

static tl_status tl_svdf_eval_f32(tl_interpreter *it, tl_node *node) {
    const svdf_data *d = node->op_data;
    const float *x = tl_node_input(it, node, IN_INPUT)->data, *wf = tl_node_input(it, node, IN_WEIGHTS_FEATURE)->data;
    const float *wt = tl_node_input(it, node, IN_WEIGHTS_TIME)->data;
    const tl_tensor *bt = tl_node_input(it, node, IN_BIAS);
    const float *bias = bt ? bt->data : NULL;
    float *state = tl_node_input(it, node, IN_STATE)->data, *y = tl_node_output(it, node, 0)->data;
    size_t row = (size_t)d->filters * (size_t)d->memory;
    int32_t b, f, u, r, i, batches = tl_node_input(it, node, IN_INPUT)->dims[0], units = d->filters / d->rank;
    memmove(state, state + 1, sizeof(float) * (row * (size_t)batches - 1));
    for (b = 0; b < batches; b++) {
        float *s = state + (size_t)b * row;
        for (f = 0; f < d->filters; f++) {
            float acc = 0.0f;
            for (i = 0; i < d->inputs; i++) acc += wf[(size_t)f * (size_t)d->inputs + (size_t)i] * x[(size_t)b * (size_t)d->inputs + (size_t)i];
            s[(size_t)f * (size_t)d->memory + (size_t)d->memory - 1] = acc;
        }
        for (u = 0; u < units; u++) {
            float sum = 0.0f, v;
            for (r = 0; r < d->rank; r++) {
                size_t off = ((size_t)u * (size_t)d->rank + (size_t)r) * (size_t)d->memory;
                float dot = 0.0f;
                for (i = 0; i < d->memory; i++) dot += wt[off + (size_t)i] * s[off + (size_t)i];
                sum += dot;
            }
            v = bias ? sum + bias[u] : sum;
            y[(size_t)b * (size_t)units + (size_t)u] = v < d->v.f.lo ? d->v.f.lo : (v > d->v.f.hi ? d->v.f.hi : v);
        }
    }
    return TL_STATUS_OK;
}

/* v reduced modulo 2^32: LiteRT and TFLM accumulate the time product and the bias in int32, and
 * models with large biases (keyword_scrambled) do wrap there; their results follow the wrap. */
static int32_t wrap_i32(int64_t v) {
    uint32_t u = (uint32_t)(uint64_t)v;
    return u <= (uint32_t)INT32_MAX ? (int32_t)u : -(int32_t)(~u) - 1;
}

/* The integer state is int16 or int8 (the same code on both, through these two accessors). */
static int32_t state_get(const void *s, int wide, size_t k) {
    return wide ? ((const int16_t *)s)[k] : ((const int8_t *)s)[k];
}

/* int8 input and output; int16 weights_time and state (wide 1) or int8 ones (wide 0); prepare picks. */
static tl_status eval_s8(tl_interpreter *it, tl_node *node, int wide) {
    const svdf_data *d = node->op_data;
    const int8_t *x = tl_node_input(it, node, IN_INPUT)->data, *wf = tl_node_input(it, node, IN_WEIGHTS_FEATURE)->data;
    const tl_tensor *wtt = tl_node_input(it, node, IN_WEIGHTS_TIME), *bt = tl_node_input(it, node, IN_BIAS);
    tl_tensor *st = tl_node_input(it, node, IN_STATE);
    const int32_t *bias = bt ? bt->data : NULL;
    int8_t *y = tl_node_output(it, node, 0)->data;
    int32_t lo = wide ? -32768 : -128, hi = wide ? 32767 : 127;
    size_t row = (size_t)d->filters * (size_t)d->memory, elem = wide ? 2 : 1;
    int32_t b, f, u, r, i, batches = tl_node_input(it, node, IN_INPUT)->dims[0], units = d->filters / d->rank;
    memmove(st->data, (uint8_t *)st->data + elem, elem * (row * (size_t)batches - 1));
    for (b = 0; b < batches; b++) {
        const int8_t *xb = x + (size_t)b * (size_t)d->inputs;
        size_t base = (size_t)b * row;
        for (f = 0; f < d->filters; f++) {
            const int8_t *wrow = wf + (size_t)f * (size_t)d->inputs;
            size_t k = base + (size_t)f * (size_t)d->memory + (size_t)d->memory - 1;
            int32_t acc = 0, v;
            for (i = 0; i < d->inputs; i++) acc += wrow[i] * (xb[i] - d->v.q.in_zp);
            v = tl_clamp_i32(tl_multiply_by_quantized_multiplier(acc, d->v.q.feature_mult, d->v.q.feature_shift), lo, hi);
            if (wide) {
                ((int16_t *)st->data)[k] = (int16_t)v;
            } else { /* TFLM adds the zero point after the clamp and stores the sum as int8 (wrapping) */
                v += d->v.q.state_zp;
                ((int8_t *)st->data)[k] = (int8_t)((int32_t)(((uint32_t)v + 128u) & 0xFFu) - 128);
            }
        }
        for (u = 0; u < units; u++) {
            int64_t sum = bias ? bias[u] : 0;
            int32_t v;
            for (r = 0; r < d->rank; r++) {
                size_t off = ((size_t)u * (size_t)d->rank + (size_t)r) * (size_t)d->memory;
                for (i = 0; i < d->memory; i++)
                    sum += (int64_t)state_get(wtt->data, wide, off + (size_t)i) * (state_get(st->data, wide, base + off + (size_t)i) - d->v.q.state_zp);
            }
            v = tl_multiply_by_quantized_multiplier(wrap_i32(sum), d->v.q.time_mult, d->v.q.time_shift);
            y[(size_t)b * (size_t)units + (size_t)u] = (int8_t)tl_clamp_i32(tl_add_sat(v, d->v.q.out_zp), -128, 127);
        }
    }
    return TL_STATUS_OK;
}

static tl_status tl_svdf_eval_s8(tl_interpreter *it, tl_node *node) { return eval_s8(it, node, 0); }
static tl_status tl_svdf_eval_s8_s16(tl_interpreter *it, tl_node *node) { return eval_s8(it, node, 1); }
