/* RNN: one step of a fully connected recurrent layer (common/rnn.h), the hidden state carried across
 * invokes in a variable tensor: h <- y = act(bias + W x + R h).
 * Inputs: 0 input [batch, inputs], 1 weights [units, inputs], 2 recurrent weights [units, units],
 * 3 bias [units], 4 hidden state [batch, units] (variable). Output [batch, units].
 * Float32, or hybrid (int8 weights, float32 everything else; asymmetric_quantize_inputs chooses the
 * run-time quantization of the input and hidden state rows). */
#include "../src/kernel_api.h"
#include "common/rnn.h"

enum { IN_INPUT = 0, IN_WEIGHTS = 1, IN_RECURRENT = 2, IN_BIAS = 3, IN_STATE = 4 };
enum { OPT_ACTIVATION = 0, OPT_ASYMMETRIC = 1 };

static tl_status tl_rnn_eval_f32(tl_interpreter *it, tl_node *node) {
    const tl_rnn_cell *c = node->op_data;
    const tl_tensor *x = tl_node_input(it, node, IN_INPUT);
    tl_rnn_step(c, x->dims[0], x->data, NULL, tl_node_input(it, node, IN_STATE)->data, tl_node_output(it, node, 0)->data,
                c->units);
    return TL_STATUS_OK;
}

tl_status tl_rnn_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, IN_INPUT), *out = tl_node_output(it, node, 0);
    tl_rnn_cell *c;
    int8_t act = 0;
    uint8_t asymmetric = 0;
    tl_status st;
    if (tl_node_num_inputs(node) != 5 || tl_node_num_outputs(node) != 1 || !in || !out)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs input, weights, recurrent weights, bias, hidden state and one output");
    if (tl_fb_i8(&it->fb, node->options, OPT_ACTIVATION, 0, &act) != TL_STATUS_OK ||
        tl_fb_u8(&it->fb, node->options, OPT_ASYMMETRIC, 0, &asymmetric) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (in->type != TL_TYPE_FLOAT32 || out->type != TL_TYPE_FLOAT32)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "RNN needs float32 input and output (int8 weights make it hybrid)");
    if (in->ndim != 2 || in->dims[0] <= 0 || in->dims[1] <= 0)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input must be [batch, inputs]");
    c = tl_alloc_persistent(it, sizeof *c);
    if (!c) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = c;
    st = tl_rnn_prepare_cell(it, node, c, IN_WEIGHTS, IN_RECURRENT, IN_BIAS, -1, IN_STATE, in->dims[0], in->dims[1], 0, act,
                             asymmetric);
    if (st != TL_STATUS_OK) return st;
    if (out->ndim != 2 || out->dims[0] != in->dims[0] || out->dims[1] != c->units)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output must be [batch, units]");
    node->eval = tl_rnn_eval_f32;
    return TL_STATUS_OK;
}
