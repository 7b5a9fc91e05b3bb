/* The LSTM cell shared by LSTM, UNIDIRECTIONAL_SEQUENCE_LSTM and BIDIRECTIONAL_SEQUENCE_LSTM (lstm.c: what is
 * supported, and the integer variant's arithmetic). */
#ifndef TL_LSTM_H
#define TL_LSTM_H

#include "../../src/kernel_api.h"

/* The whole prepare of both builtins: `sequence` 1 reads UnidirectionalSequenceLSTMOptions and takes a
 * [batch, time, features] (or time-major, or 2-D) input; 0 reads LSTMOptions (the FULL kernel type only) and
 * takes one step, [batch, features]. */
tl_status tl_lstm_prepare_common(tl_interpreter *it, tl_node *node, int sequence);

/* One float32 step of one batch row of an LSTM cell, as LiteRT's float kernel: gates i, f, c, o from
 * bias + W x + R h (+ peephole .* c; layer-normalized when coefficients are given), the cell state updated (input
 * gate 1 - f under CIFG) and clipped, h = o * act(c) projected (and clipped) when projection weights are given;
 * y = h. `gate` holds 4 x n_cell floats. Absent parts are NULL (w[0], r[0], bias[0] under CIFG). */
typedef struct {
    int32_t n_input, n_cell, n_output;
    int8_t activation;         /* the cell's and the output's (TFLite ActivationFunctionType) */
    uint8_t cifg;
    float cell_clip, proj_clip; /* 0: none */
    const float *w[4], *r[4], *bias[4], *layer_norm[4], *peephole[3]; /* peephole: i, f, o */
    const float *proj_w, *proj_b;
} tl_lstm_cell_f32;

void tl_lstm_step_f32(const tl_lstm_cell_f32 *cell, const float *x, float *h, float *c, float *y, float *gate);

#endif
