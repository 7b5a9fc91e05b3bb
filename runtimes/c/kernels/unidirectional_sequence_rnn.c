/* UNIDIRECTIONAL_SEQUENCE_RNN: the RNN cell (common/rnn.h) run over a sequence, step by step, the hidden
 * state carried across steps and invokes in a variable tensor.
 * Inputs: 0 input [batch, time, inputs] ([time, batch, inputs] when time_major), 1 weights [units, inputs],
 * 2 recurrent weights [units, units], 3 bias [units], 4 hidden state [batch, units] (variable).
 * Output: the input's layout with units as last dimension. Float32 or hybrid (int8 weights). */
#include "../src/kernel_api.h"
#include "common/rnn.h"

enum { IN_INPUT = 0, IN_WEIGHTS = 1, IN_RECURRENT = 2, IN_BIAS = 3, IN_STATE = 4 };
enum { OPT_TIME_MAJOR = 0, OPT_ACTIVATION = 1, OPT_ASYMMETRIC = 2 };

typedef struct {
    tl_rnn_cell cell;
    int32_t batches, steps;
    uint8_t time_major;
} seq_rnn_data;

static tl_status tl_unidirectional_sequence_rnn_eval_f32(tl_interpreter *it, tl_node *node) {
    const seq_rnn_data *d = node->op_data;
    const tl_rnn_cell *c = &d->cell;
    const float *x = tl_node_input(it, node, IN_INPUT)->data;
    float *h = tl_node_input(it, node, IN_STATE)->data, *y = tl_node_output(it, node, 0)->data;
    int32_t b, t;
    if (d->time_major) { /* all rows of a step at once */
        for (t = 0; t < d->steps; t++)
            tl_rnn_step(c, d->batches, x + (size_t)t * (size_t)d->batches * (size_t)c->inputs, NULL, h,
                        y + (size_t)t * (size_t)d->batches * (size_t)c->units, c->units);
        return TL_STATUS_OK;
    }
    for (b = 0; b < d->batches; b++)
        for (t = 0; t < d->steps; t++) {
            size_t row = (size_t)b * (size_t)d->steps + (size_t)t;
            tl_rnn_step(c, 1, x + row * (size_t)c->inputs, NULL, h + (size_t)b * (size_t)c->units,
                        y + row * (size_t)c->units, c->units);
        }
    return TL_STATUS_OK;
}

tl_status tl_unidirectional_sequence_rnn_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, IN_INPUT), *out = tl_node_output(it, node, 0);
    seq_rnn_data *d;
    int8_t act = 0;
    uint8_t asymmetric = 0;
    tl_status st;
    if (tl_node_num_inputs(node) != 5 || tl_node_num_outputs(node) != 1 || !in || !out)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs input, weights, recurrent weights, bias, hidden state and one output");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (tl_fb_u8(&it->fb, node->options, OPT_TIME_MAJOR, 0, &d->time_major) != TL_STATUS_OK ||
        tl_fb_i8(&it->fb, node->options, OPT_ACTIVATION, 0, &act) != TL_STATUS_OK ||
        tl_fb_u8(&it->fb, node->options, OPT_ASYMMETRIC, 0, &asymmetric) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (in->type != TL_TYPE_FLOAT32 || out->type != TL_TYPE_FLOAT32)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "RNN needs float32 input and output (int8 weights make it hybrid)");
    if (in->ndim != 3 || in->dims[0] <= 0 || in->dims[1] <= 0 || in->dims[2] <= 0)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input must be [batch, time, inputs] (or time-major)");
    d->time_major = d->time_major != 0;
    d->batches = d->time_major ? in->dims[1] : in->dims[0];
    d->steps = d->time_major ? in->dims[0] : in->dims[1];
    st = tl_rnn_prepare_cell(it, node, &d->cell, IN_WEIGHTS, IN_RECURRENT, IN_BIAS, -1, IN_STATE, d->batches, in->dims[2], 0,
                             act, asymmetric);
    if (st != TL_STATUS_OK) return st;
    if (out->ndim != 3 || out->dims[0] != in->dims[0] || out->dims[1] != in->dims[1] || out->dims[2] != d->cell.units)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output must be the input's shape with units as last dimension");
    node->eval = tl_unidirectional_sequence_rnn_eval_f32;
    return TL_STATUS_OK;
}
