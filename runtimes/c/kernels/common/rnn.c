#include "rnn.h"

#include <math.h>
#include <string.h>

#include "hybrid.h"

enum { ACT_NONE = 0, ACT_RELU = 1, ACT_RELU_N1_TO_1 = 2, ACT_RELU6 = 3, ACT_TANH = 4 };

static int is_matrix(const tl_tensor *t, int32_t rows, int32_t cols) {
    return t && t->ndim == 2 && t->dims[0] == rows && t->dims[1] == cols;
}

/* One hybrid weight matrix: int8 with zero point 0, or uint8, one scale. LiteRT reads only params.scale and takes
 * uint8 weights' bytes as int8 (two's complement: 200 is -56), whatever their zero point; so does this runtime. */
static tl_status hybrid_weights(tl_interpreter *it, const tl_node *node, const tl_tensor *w, float *scale) {
    if (w->type != TL_TYPE_INT8 && w->type != TL_TYPE_UINT8)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "hybrid RNN needs int8 or uint8 weights");
    if (tl_tensor_quant_count(it, w) != 1 || tl_check_quantized(it, node, w) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "hybrid RNN weights need one usable scale");
    if (w->type == TL_TYPE_INT8 && w->zero_point != 0)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "hybrid RNN weights need zero point 0");
    *scale = w->scale;
    return TL_STATUS_OK;
}

tl_status tl_rnn_prepare_cell(tl_interpreter *it, const tl_node *node, tl_rnn_cell *cell, int32_t w_index,
                              int32_t r_index, int32_t b_index, int32_t aux_index, int32_t state_index,
                              int32_t batches, int32_t inputs, int32_t aux_inputs, int8_t activation,
                              uint8_t asymmetric) {
    tl_tensor *w = tl_node_input(it, node, w_index), *r = tl_node_input(it, node, r_index);
    tl_tensor *b = tl_node_input(it, node, b_index), *h = tl_node_input(it, node, state_index);
    tl_tensor *aux_w = aux_index >= 0 ? tl_node_input(it, node, aux_index) : NULL;
    int64_t widest;
    tl_status st;
    if (!w || !r || !b || !h) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs weights, recurrent weights, bias and hidden state");
    if (w->ndim != 2 || w->dims[0] <= 0) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "weights must be [units, inputs]");
    cell->units = w->dims[0];
    cell->inputs = inputs;
    cell->aux_inputs = aux_w ? aux_inputs : 0;
    if (!is_matrix(w, cell->units, inputs) || !is_matrix(r, cell->units, cell->units) ||
        (aux_w && !is_matrix(aux_w, cell->units, aux_inputs)))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH,
                       "weights must be [units, inputs], recurrent weights [units, units], auxiliary weights [units, auxiliary inputs]");
    if (b->ndim != 1 || b->dims[0] != cell->units) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "bias must be [units]");
    if (h->ndim != 2 || h->dims[0] != batches || h->dims[1] != cell->units)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "hidden state must be [batch, units]");
    if (!h->is_variable || h->is_constant) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "hidden state must be a variable tensor");
    if (b->type != TL_TYPE_FLOAT32 || h->type != TL_TYPE_FLOAT32)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "RNN needs float32 bias and hidden state");
    if (activation < ACT_NONE || activation > ACT_TANH) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
    cell->activation = activation;
    cell->asymmetric = asymmetric != 0;
    cell->bias = b->data;
    cell->w = w->data;
    cell->r = r->data;
    cell->aux_w = aux_w ? aux_w->data : NULL;
    if (w->type == TL_TYPE_FLOAT32) {
        if (r->type != TL_TYPE_FLOAT32 || (aux_w && aux_w->type != TL_TYPE_FLOAT32))
            return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "weights must all be float32 or all int8 (or uint8)");
        cell->hybrid = 0;
        return TL_STATUS_OK;
    }
    if ((st = hybrid_weights(it, node, w, &cell->w_scale)) != TL_STATUS_OK ||
        (st = hybrid_weights(it, node, r, &cell->r_scale)) != TL_STATUS_OK ||
        (aux_w && (st = hybrid_weights(it, node, aux_w, &cell->aux_scale)) != TL_STATUS_OK))
        return st;
    if ((int64_t)inputs > INT32_MAX / (2 * 255 * 128) || (int64_t)aux_inputs > INT32_MAX / (2 * 255 * 128) ||
        (int64_t)cell->units > INT32_MAX / (2 * 255 * 128))
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "depth too large for int32 accumulation");
    cell->hybrid = 1;
    widest = inputs > cell->units ? inputs : cell->units;
    if (cell->aux_inputs > widest) widest = cell->aux_inputs;
    cell->rows = tl_hybrid_request_rows(it, node, batches, widest);
    if (!cell->rows) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "hybrid RNN scratch");
    return TL_STATUS_OK;
}

static float activate(int8_t act, float x) {
    switch (act) {
    case ACT_RELU: return x < 0.0f ? 0.0f : x;
    case ACT_RELU_N1_TO_1: return x < -1.0f ? -1.0f : (x > 1.0f ? 1.0f : x);
    case ACT_RELU6: return x < 0.0f ? 0.0f : (x > 6.0f ? 6.0f : x);
    case ACT_TANH: return tanhf(x);
    default: return x;
    }
}

/* y[b] += W v[b] for `batches` rows of v (float). */
static void accumulate_f32(const float *w, int32_t units, int32_t depth, const float *v, int32_t batches, float *y,
                           int64_t y_stride) {
    int32_t b, u, k;
    for (b = 0; b < batches; b++) {
        const float *vb = v + (size_t)b * (size_t)depth;
        float *yb = y + b * y_stride;
        for (u = 0; u < units; u++) {
            const float *wu = w + (size_t)u * (size_t)depth;
            float dot = 0.0f;
            for (k = 0; k < depth; k++) dot += wu[k] * vb[k];
            yb[u] += dot;
        }
    }
}

/* y[b] += (W q[b]) * row scale * weight scale, q the rows of v quantized to int8. */
static void accumulate_hybrid(const tl_rnn_cell *c, const int8_t *w, float w_scale, int32_t depth, const float *v,
                              int32_t batches, float *y, int64_t y_stride) {
    tl_hybrid_rows q = tl_hybrid_quantize_rows(c->rows, v, batches, depth, c->asymmetric);
    tl_hybrid_accumulate(w, w_scale, c->units, depth, &q, batches, y, y_stride);
}

void tl_rnn_step(const tl_rnn_cell *c, int32_t batches, const float *x, const float *aux, float *h, float *y,
                 int64_t y_stride) {
    int32_t b, u;
    for (b = 0; b < batches; b++) memcpy(y + b * y_stride, c->bias, sizeof(float) * (size_t)c->units);
    if (c->hybrid) {
        accumulate_hybrid(c, c->w, c->w_scale, c->inputs, x, batches, y, y_stride);
        if (c->aux_w && aux) accumulate_hybrid(c, c->aux_w, c->aux_scale, c->aux_inputs, aux, batches, y, y_stride);
        accumulate_hybrid(c, c->r, c->r_scale, c->units, h, batches, y, y_stride);
    } else {
        accumulate_f32(c->w, c->units, c->inputs, x, batches, y, y_stride);
        if (c->aux_w && aux) accumulate_f32(c->aux_w, c->units, c->aux_inputs, aux, batches, y, y_stride);
        accumulate_f32(c->r, c->units, c->units, h, batches, y, y_stride);
    }
    for (b = 0; b < batches; b++) {
        float *yb = y + b * y_stride, *hb = h + (size_t)b * (size_t)c->units;
        for (u = 0; u < c->units; u++) yb[u] = activate(c->activation, yb[u]);
        memcpy(hb, yb, sizeof(float) * (size_t)c->units);
    }
}
