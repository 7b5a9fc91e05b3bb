/* BIDIRECTIONAL_SEQUENCE_LSTM: two LSTM cells (common/lstm.h's step) over one sequence, forward from the first step
 * and backward from the last, each with its output and cell states in variable tensors.
 * Inputs (48): 0 input; 1-17 the forward cell in the LSTM layout (input weights i f c o, recurrent weights,
 * peephole, biases, projection weights and bias); 18-34 the backward cell; 35-36 forward output and cell state,
 * 37-38 backward; 39 auxiliary input, 40-43 forward auxiliary weights (i f c o), 44-47 backward. With an auxiliary
 * input and auxiliary weights both cells add W_aux x_aux; with an auxiliary input and no auxiliary weights the
 * backward cell reads the auxiliary input instead of the input (LiteRT's two ways of stacking layers).
 * Outputs: forward and backward [.., time, outputs] ([time, batch, outputs] when time_major, the default), or with
 * merge_outputs one, forward values first.
 * Supported: float32 cells and hybrid ones (int8 weights with one scale each, float32 biases and activations, the
 * operands quantized per row at run time, symmetric or asymmetric), with LiteRT's CIFG, peephole and projection
 * (outputs then the projection's size). */
#include <string.h>

#include "../src/kernel_api.h"
#include "common/hybrid.h"
#include "common/lstm.h"

enum { IN_INPUT = 0, FW = 1, BW = 18, IN_FW_STATE = 35, IN_BW_STATE = 37, IN_AUX = 39, IN_AUX_WEIGHTS = 40, N_INPUTS = 48 };
enum { W = 0, R = 4, PEEPHOLE = 8, BIAS = 11, PROJECTION = 15 }; /* offsets within a cell's 17 inputs */
enum { OPT_ACTIVATION = 0, OPT_CELL_CLIP = 1, OPT_PROJ_CLIP = 2, OPT_MERGE = 3, OPT_TIME_MAJOR = 4, OPT_ASYMMETRIC = 5 };

typedef struct {
    int32_t batches, steps, n_input, n_aux, depth[2], cells[2], outputs[2]; /* depth: each cell's input width */
    uint8_t cifg[2], hybrid, asymmetric, cross_aux, bw_reads_aux;
    float proj_clip;
    int8_t activation;
    uint8_t time_major, merge;
    float cell_clip;
    float w_scale[2][4], r_scale[2][4], aux_scale[2][4], peephole_scale[2][3], proj_scale[2]; /* hybrid */
    tl_scratch *gates; /* 4 x the larger cell count (hybrid or projection; else NULL) */
    tl_scratch *rows;  /* hybrid: one quantized row */
} bidi_lstm_data;

static int is_vector(const tl_tensor *t, int32_t n) {
    return t && t->type == TL_TYPE_FLOAT32 && t->ndim == 1 && t->dims[0] == n;
}

static int is_shaped(const tl_tensor *t, int32_t rows, int32_t cols) {
    return t && t->ndim == 2 && t->dims[0] == rows && t->dims[1] == cols;
}

/* A weight tensor of the cell: float32, or int8 with one scale (hybrid); its shape is checked by the caller. */
static tl_status weight(tl_interpreter *it, const tl_node *node, const bidi_lstm_data *d, const tl_tensor *t,
                        float *scale) {
    if (!t || !d->hybrid) {
        if (t && t->type != TL_TYPE_FLOAT32)
            return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "weights must all be float32 or all int8 (hybrid)");
        return TL_STATUS_OK;
    }
    return tl_lstm_hybrid_weight(it, node, t, scale);
}

/* One direction's cell (inputs base..base+16, states at `state`, input rows `depth` wide): its gates, optional
 * parts, auxiliary weights and states. */
static tl_status check_cell(tl_interpreter *it, const tl_node *node, bidi_lstm_data *d, int dir, int32_t base,
                            int32_t state, int32_t depth) {
    const tl_tensor *wf = tl_node_input(it, node, base + W + 1), *h = tl_node_input(it, node, state);
    const tl_tensor *c = tl_node_input(it, node, state + 1), *pw = tl_node_input(it, node, base + PROJECTION);
    const tl_tensor *pb = tl_node_input(it, node, base + PROJECTION + 1);
    int32_t k, n, n_out, aux_base = IN_AUX_WEIGHTS + 4 * dir;
    uint8_t cifg = !tl_node_input(it, node, base + W), peephole = tl_node_input(it, node, base + PEEPHOLE + 1) != NULL;
    tl_status st;
    if (!wf || wf->ndim != 2 || wf->dims[0] <= 0) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input weights must be [cells, inputs]");
    n = wf->dims[0];
    n_out = pw ? (pw->ndim == 2 ? pw->dims[0] : -1) : n;
    if (pw && !is_shaped(pw, n_out, n)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "projection weights must be [outputs, cells]");
    if ((st = weight(it, node, d, pw, &d->proj_scale[dir])) != TL_STATUS_OK) return st;
    if (pb && (!pw || !is_vector(pb, n_out))) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "projection bias must be float32 [outputs]");
    for (k = 0; k < 4; k++) {
        const tl_tensor *w = tl_node_input(it, node, base + W + k), *r = tl_node_input(it, node, base + R + k);
        const tl_tensor *b = tl_node_input(it, node, base + BIAS + k), *a = tl_node_input(it, node, aux_base + k);
        if (k == 0 && cifg) {
            if (r || b || a) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "CIFG: the input gate's weights and bias are all absent or all present");
            continue;
        }
        if (!w || !r || !b) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "a gate's weights or bias is missing");
        if ((a != NULL) != d->cross_aux)
            return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "auxiliary weights must be given for every gate of both directions or none");
        if ((st = weight(it, node, d, w, &d->w_scale[dir][k])) != TL_STATUS_OK ||
            (st = weight(it, node, d, r, &d->r_scale[dir][k])) != TL_STATUS_OK ||
            (st = weight(it, node, d, a, &d->aux_scale[dir][k])) != TL_STATUS_OK)
            return st;
        if (!is_shaped(w, n, depth) || !is_shaped(r, n, n_out) || !is_vector(b, n) || (a && !is_shaped(a, n, d->n_aux)))
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH,
                           "gate weights must be [cells, inputs], [cells, outputs] and [cells, auxiliary inputs], float32 biases [cells]");
    }
    for (k = 0; k < 3; k++) {
        const tl_tensor *p = tl_node_input(it, node, base + PEEPHOLE + k);
        int want = peephole && !(k == 0 && cifg);
        if ((p != NULL) != want || (p && (p->ndim != 1 || p->dims[0] != n)))
            return tl_fail(it, node, TL_STATUS_MODEL_INVALID,
                           "peephole weights must be [cells] for every gate (but the input gate under CIFG)");
        if ((st = weight(it, node, d, p, &d->peephole_scale[dir][k])) != TL_STATUS_OK) return st;
    }
    if (!h || !c || !h->is_variable || !c->is_variable || h->is_constant || c->is_constant)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "output and cell states must be variable tensors");
    if (h->type != TL_TYPE_FLOAT32 || c->type != TL_TYPE_FLOAT32)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "states must be float32");
    if (tl_tensor_numel(h) != (int64_t)d->batches * n_out || tl_tensor_numel(c) != (int64_t)d->batches * n)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "states must be [batch, outputs] and [batch, cells]");
    d->depth[dir] = depth;
    d->cells[dir] = n;
    d->outputs[dir] = n_out;
    d->cifg[dir] = cifg;
    return TL_STATUS_OK;
}

static void run_direction(tl_interpreter *it, const tl_node *node, const bidi_lstm_data *d, int backward, float *y,
                          int32_t y_step) {
    const tl_tensor *aux_t = tl_node_input(it, node, IN_AUX);
    const float *aux = aux_t ? aux_t->data : NULL;
    const float *x = backward && d->bw_reads_aux ? aux : tl_node_input(it, node, IN_INPUT)->data;
    int32_t base = backward ? BW : FW, state = backward ? IN_BW_STATE : IN_FW_STATE, g, b, s;
    float *h = tl_node_input(it, node, state)->data, *c = tl_node_input(it, node, state + 1)->data;
    const tl_tensor *t_in;
    tl_lstm_cell cell;
    memset(&cell, 0, sizeof cell);
    cell.n_input = d->depth[backward];
    cell.n_aux = d->n_aux;
    cell.n_cell = d->cells[backward];
    cell.n_output = d->outputs[backward];
    cell.activation = d->activation;
    cell.cell_clip = d->cell_clip;
    cell.proj_clip = d->proj_clip;
    cell.cifg = d->cifg[backward];
    cell.asymmetric = d->asymmetric;
    cell.rows = d->hybrid ? d->rows : NULL;
    cell.proj_scale = d->proj_scale[backward];
    for (g = cell.cifg ? 1 : 0; g < 4; g++) {
        cell.w[g] = tl_node_input(it, node, base + W + g)->data;
        cell.r[g] = tl_node_input(it, node, base + R + g)->data;
        cell.bias[g] = tl_node_input(it, node, base + BIAS + g)->data;
        if (d->cross_aux) cell.aux_w[g] = tl_node_input(it, node, IN_AUX_WEIGHTS + 4 * backward + g)->data;
        cell.w_scale[g] = d->w_scale[backward][g];
        cell.r_scale[g] = d->r_scale[backward][g];
        cell.aux_scale[g] = d->aux_scale[backward][g];
    }
    for (g = 0; g < 3; g++) {
        cell.peephole[g] = (t_in = tl_node_input(it, node, base + PEEPHOLE + g)) ? t_in->data : NULL;
        cell.peephole_scale[g] = d->peephole_scale[backward][g];
    }
    cell.proj_w = (t_in = tl_node_input(it, node, base + PROJECTION)) ? t_in->data : NULL;
    cell.proj_b = (t_in = tl_node_input(it, node, base + PROJECTION + 1)) ? t_in->data : NULL;
    for (b = 0; b < d->batches; b++)
        for (s = 0; s < d->steps; s++) {
            int32_t t = backward ? d->steps - 1 - s : s;
            size_t row = d->time_major ? (size_t)t * (size_t)d->batches + (size_t)b : (size_t)b * (size_t)d->steps + (size_t)t;
            tl_lstm_step(&cell, x + row * (size_t)cell.n_input, d->cross_aux ? aux + row * (size_t)d->n_aux : NULL,
                         h + (size_t)b * (size_t)cell.n_output, c + (size_t)b * (size_t)cell.n_cell, y + row * (size_t)y_step,
                         d->gates ? d->gates->data : NULL);
        }
}

static tl_status tl_bidirectional_sequence_lstm_eval_float(tl_interpreter *it, tl_node *node) {
    const bidi_lstm_data *d = node->op_data;
    float *fw_y = tl_node_output(it, node, 0)->data;
    int32_t both = d->outputs[0] + d->outputs[1];
    run_direction(it, node, d, 0, fw_y, d->merge ? both : d->outputs[0]);
    run_direction(it, node, d, 1, d->merge ? fw_y + d->outputs[0] : (float *)tl_node_output(it, node, 1)->data,
                  d->merge ? both : d->outputs[1]);
    return TL_STATUS_OK;
}

static int output_ok(const tl_tensor *t, const tl_tensor *in, int32_t cells) {
    return t && t->type == TL_TYPE_FLOAT32 && t->ndim == 3 && t->dims[0] == in->dims[0] && t->dims[1] == in->dims[1] &&
           t->dims[2] == cells;
}

static int32_t max_i32(int32_t a, int32_t b) { return a > b ? a : b; }

tl_status tl_bidirectional_sequence_lstm_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, IN_INPUT), *aux = tl_node_input(it, node, IN_AUX), *wf;
    bidi_lstm_data *d;
    uint8_t time_major = 1, merge = 0;
    int32_t k, widest;
    tl_status st;
    if (tl_node_num_inputs(node) != N_INPUTS || !in)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "takes 48 inputs");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    memset(d, 0, sizeof *d);
    node->op_data = d;
    if (tl_fb_i8(&it->fb, node->options, OPT_ACTIVATION, 0, &d->activation) != TL_STATUS_OK ||
        tl_fb_f32(&it->fb, node->options, OPT_CELL_CLIP, 0.0f, &d->cell_clip) != TL_STATUS_OK ||
        tl_fb_f32(&it->fb, node->options, OPT_PROJ_CLIP, 0.0f, &d->proj_clip) != TL_STATUS_OK ||
        tl_fb_u8(&it->fb, node->options, OPT_MERGE, 0, &merge) != TL_STATUS_OK ||
        tl_fb_u8(&it->fb, node->options, OPT_TIME_MAJOR, 1, &time_major) != TL_STATUS_OK ||
        tl_fb_u8(&it->fb, node->options, OPT_ASYMMETRIC, 0, &d->asymmetric) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (d->activation < 0 || d->activation > 4) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
    d->time_major = time_major != 0;
    d->merge = merge != 0;
    if (in->type != TL_TYPE_FLOAT32)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "BIDIRECTIONAL_SEQUENCE_LSTM supports float32 inputs (float32 or hybrid int8 weights)");
    if (in->ndim != 3 || in->dims[0] <= 0 || in->dims[1] <= 0 || in->dims[2] <= 0)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input must be [time, batch, inputs] (or batch-major)");
    d->steps = d->time_major ? in->dims[0] : in->dims[1];
    d->batches = d->time_major ? in->dims[1] : in->dims[0];
    d->n_input = in->dims[2];
    d->cross_aux = tl_node_input(it, node, IN_AUX_WEIGHTS + 1) != NULL;
    for (k = IN_AUX_WEIGHTS; k < N_INPUTS; k++)
        if (tl_node_input(it, node, k) && !aux)
            return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "auxiliary weights without an auxiliary input");
    if (aux) {
        if (aux->type != TL_TYPE_FLOAT32 || aux->ndim != 3 || aux->dims[0] != in->dims[0] || aux->dims[1] != in->dims[1] ||
            aux->dims[2] <= 0)
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "auxiliary input must be float32 with the input's batch and time");
        d->n_aux = aux->dims[2];
        d->bw_reads_aux = !d->cross_aux;
    }
    wf = tl_node_input(it, node, FW + W + 1);
    d->hybrid = wf && wf->type == TL_TYPE_INT8;
    if ((st = check_cell(it, node, d, 0, FW, IN_FW_STATE, d->n_input)) != TL_STATUS_OK ||
        (st = check_cell(it, node, d, 1, BW, IN_BW_STATE, d->bw_reads_aux ? d->n_aux : d->n_input)) != TL_STATUS_OK)
        return st;
    if (tl_node_num_outputs(node) != (d->merge ? 1 : 2))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs two outputs (one with merge_outputs)");
    if (d->merge ? !output_ok(tl_node_output(it, node, 0), in, d->outputs[0] + d->outputs[1])
                 : !output_ok(tl_node_output(it, node, 0), in, d->outputs[0]) ||
                       !output_ok(tl_node_output(it, node, 1), in, d->outputs[1]))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "outputs must be float32, the input's shape with outputs as last dimension");
    if (d->hybrid || tl_node_input(it, node, FW + PROJECTION) || tl_node_input(it, node, BW + PROJECTION)) {
        /* the other cells run one cell at a time (tl_lstm_step) */
        d->gates = tl_request_scratch(it, node, sizeof(float) * 4 * (size_t)max_i32(d->cells[0], d->cells[1]));
        if (!d->gates) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "LSTM gate scratch");
    }
    if (d->hybrid) {
        widest = max_i32(max_i32(d->n_input, d->n_aux), max_i32(max_i32(d->cells[0], d->cells[1]), max_i32(d->outputs[0], d->outputs[1])));
        if ((int64_t)widest > INT32_MAX / (2 * 255 * 128))
            return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "depth too large for int32 accumulation");
        d->rows = tl_hybrid_request_rows(it, node, 1, widest);
        if (!d->rows) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "hybrid LSTM scratch");
    }
    node->eval = tl_bidirectional_sequence_lstm_eval_float;
    return TL_STATUS_OK;
}
