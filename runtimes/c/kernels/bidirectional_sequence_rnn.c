/* BIDIRECTIONAL_SEQUENCE_RNN: two RNN cells (common/rnn.h) over one sequence, forward from the first step and
 * backward from the last, each with its hidden state in a variable tensor.
 * Inputs (12): 0 input, 1-4 forward weights, recurrent weights, bias, hidden state, 5-8 the same backward,
 * 9 auxiliary input, 10-11 forward and backward auxiliary weights (9-11 optional). With an auxiliary input
 * and auxiliary weights both cells add W_aux x_aux; with an auxiliary input and no auxiliary weights the
 * backward cell reads the auxiliary input instead of the input (LiteRT's two ways of stacking layers).
 * Outputs: forward [batch, time, fw units] and backward [batch, time, bw units] (time-major: time first),
 * or with merge_outputs one output [.., fw units + bw units], forward values first.
 * Float32 or hybrid (int8 weights). */
#include "../src/kernel_api.h"
#include "common/rnn.h"

enum {
    IN_INPUT = 0, IN_FW_WEIGHTS = 1, IN_FW_RECURRENT = 2, IN_FW_BIAS = 3, IN_FW_STATE = 4, IN_BW_WEIGHTS = 5,
    IN_BW_RECURRENT = 6, IN_BW_BIAS = 7, IN_BW_STATE = 8, IN_AUX_INPUT = 9, IN_FW_AUX_WEIGHTS = 10, IN_BW_AUX_WEIGHTS = 11
};
enum { OPT_TIME_MAJOR = 0, OPT_ACTIVATION = 1, OPT_MERGE = 2, OPT_ASYMMETRIC = 3 };

typedef struct {
    tl_rnn_cell fw, bw;
    int32_t batches, steps;
    uint8_t time_major, merge, bw_reads_aux; /* bw_reads_aux: the backward cell's input is the auxiliary input */
} bidi_rnn_data;

/* One direction over the whole sequence; rows of x have `x_depth` values, rows of y a stride of `y_step`. */
static void run_direction(const bidi_rnn_data *d, const tl_rnn_cell *c, int backward, const float *x, int32_t x_depth,
                          const float *aux, float *h, float *y, int32_t y_step) {
    int32_t b, s, t;
    if (d->time_major) {
        for (s = 0; s < d->steps; s++) {
            size_t row = (size_t)(backward ? d->steps - 1 - s : s) * (size_t)d->batches;
            tl_rnn_step(c, d->batches, x + row * (size_t)x_depth, aux ? aux + row * (size_t)c->aux_inputs : NULL, h,
                        y + row * (size_t)y_step, y_step);
        }
        return;
    }
    for (b = 0; b < d->batches; b++)
        for (s = 0; s < d->steps; s++) {
            size_t row;
            t = backward ? d->steps - 1 - s : s;
            row = (size_t)b * (size_t)d->steps + (size_t)t;
            tl_rnn_step(c, 1, x + row * (size_t)x_depth, aux ? aux + row * (size_t)c->aux_inputs : NULL,
                        h + (size_t)b * (size_t)c->units, y + row * (size_t)y_step, y_step);
        }
}

static tl_status tl_bidirectional_sequence_rnn_eval_f32(tl_interpreter *it, tl_node *node) {
    const bidi_rnn_data *d = node->op_data;
    const tl_tensor *in = tl_node_input(it, node, IN_INPUT), *aux_t = tl_node_input(it, node, IN_AUX_INPUT);
    const float *x = in->data, *aux = aux_t ? aux_t->data : NULL;
    const float *bw_x = d->bw_reads_aux ? aux : x;
    float *fw_y = tl_node_output(it, node, 0)->data;
    float *bw_y = d->merge ? fw_y + d->fw.units : tl_node_output(it, node, 1)->data;
    int32_t step = d->merge ? d->fw.units + d->bw.units : 0;
    run_direction(d, &d->fw, 0, x, d->fw.inputs, d->bw_reads_aux ? NULL : aux, tl_node_input(it, node, IN_FW_STATE)->data,
                  fw_y, d->merge ? step : d->fw.units);
    run_direction(d, &d->bw, 1, bw_x, d->bw.inputs, d->bw_reads_aux ? NULL : aux, tl_node_input(it, node, IN_BW_STATE)->data,
                  bw_y, d->merge ? step : d->bw.units);
    return TL_STATUS_OK;
}

static int output_ok(const tl_tensor *t, const tl_tensor *in, int32_t units) {
    return t && t->type == TL_TYPE_FLOAT32 && t->ndim == 3 && t->dims[0] == in->dims[0] && t->dims[1] == in->dims[1] &&
           t->dims[2] == units;
}

tl_status tl_bidirectional_sequence_rnn_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, IN_INPUT), *aux = tl_node_input(it, node, IN_AUX_INPUT);
    tl_tensor *fw_aux_w = tl_node_input(it, node, IN_FW_AUX_WEIGHTS), *bw_aux_w = tl_node_input(it, node, IN_BW_AUX_WEIGHTS);
    tl_tensor *bw_in;
    bidi_rnn_data *d;
    int8_t act = 0;
    uint8_t asymmetric = 0;
    int32_t aux_depth = 0, aux_w = -1;
    tl_status st;
    if (tl_node_num_inputs(node) != 12 || !in)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "takes 12 inputs (input, forward and backward cells, auxiliary input and weights)");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (tl_fb_u8(&it->fb, node->options, OPT_TIME_MAJOR, 0, &d->time_major) != TL_STATUS_OK ||
        tl_fb_i8(&it->fb, node->options, OPT_ACTIVATION, 0, &act) != TL_STATUS_OK ||
        tl_fb_u8(&it->fb, node->options, OPT_MERGE, 0, &d->merge) != TL_STATUS_OK ||
        tl_fb_u8(&it->fb, node->options, OPT_ASYMMETRIC, 0, &asymmetric) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    d->time_major = d->time_major != 0;
    d->merge = d->merge != 0;
    if (tl_node_num_outputs(node) != (d->merge ? 1 : 2))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs two outputs (one with merge_outputs)");
    if (in->type != TL_TYPE_FLOAT32) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "RNN needs float32 input (int8 weights make it hybrid)");
    if (in->ndim != 3 || in->dims[0] <= 0 || in->dims[1] <= 0 || in->dims[2] <= 0)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input must be [batch, time, inputs] (or time-major)");
    d->batches = d->time_major ? in->dims[1] : in->dims[0];
    d->steps = d->time_major ? in->dims[0] : in->dims[1];
    if ((fw_aux_w != NULL) != (bw_aux_w != NULL))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "auxiliary weights must be given for both directions or neither");
    if (fw_aux_w && !aux) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "auxiliary weights without an auxiliary input");
    if (aux) {
        if (aux->type != TL_TYPE_FLOAT32 || aux->ndim != 3 || aux->dims[0] != in->dims[0] || aux->dims[1] != in->dims[1] ||
            aux->dims[2] <= 0)
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "auxiliary input must be float32 with the input's batch and time");
        aux_depth = aux->dims[2];
    }
    d->bw_reads_aux = aux && !fw_aux_w;
    if (fw_aux_w) aux_w = IN_FW_AUX_WEIGHTS;
    bw_in = d->bw_reads_aux ? aux : in;
    if ((st = tl_rnn_prepare_cell(it, node, &d->fw, IN_FW_WEIGHTS, IN_FW_RECURRENT, IN_FW_BIAS, aux_w, IN_FW_STATE,
                                  d->batches, in->dims[2], aux_depth, act, asymmetric)) != TL_STATUS_OK ||
        (st = tl_rnn_prepare_cell(it, node, &d->bw, IN_BW_WEIGHTS, IN_BW_RECURRENT, IN_BW_BIAS,
                                  fw_aux_w ? IN_BW_AUX_WEIGHTS : -1, IN_BW_STATE, d->batches, bw_in->dims[2], aux_depth, act,
                                  asymmetric)) != TL_STATUS_OK)
        return st;
    if (d->merge ? !output_ok(tl_node_output(it, node, 0), in, d->fw.units + d->bw.units)
                 : !output_ok(tl_node_output(it, node, 0), in, d->fw.units) ||
                       !output_ok(tl_node_output(it, node, 1), in, d->bw.units))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "outputs must be float32, the input's shape with units as last dimension");
    node->eval = tl_bidirectional_sequence_rnn_eval_f32;
    return TL_STATUS_OK;
}
