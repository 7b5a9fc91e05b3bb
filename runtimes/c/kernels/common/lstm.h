/* The LSTM cell shared by LSTM, UNIDIRECTIONAL_SEQUENCE_LSTM and BIDIRECTIONAL_SEQUENCE_LSTM (lstm.c: what is
 * supported, and the integer variant's arithmetic). */
#ifndef TL_LSTM_H
#define TL_LSTM_H

#include "../../src/kernel_api.h"

/* The whole prepare of both builtins: `sequence` 1 reads UnidirectionalSequenceLSTMOptions and takes a
 * [batch, time, features] (or time-major, or 2-D) input; 0 reads LSTMOptions (the FULL kernel type only) and
 * takes one step, [batch, features]. */
tl_status tl_lstm_prepare_common(tl_interpreter *it, tl_node *node, int sequence);

/* One float32 step of one batch row of a full LSTM cell without peephole, projection or layer norm (outputs =
 * cells): gates = bias + W x + R h (gates i, f, c, o), c and h updated, y = h. `gate` holds 4 x n_cell floats. */
typedef struct {
    int32_t n_input, n_cell;
    int8_t activation;         /* the cell's and the output's (TFLite ActivationFunctionType) */
    float cell_clip;           /* 0: none */
    const float *w[4], *r[4], *bias[4];
} tl_lstm_cell_f32;

void tl_lstm_step_f32(const tl_lstm_cell_f32 *cell, const float *x, float *h, float *c, float *y, float *gate);

#endif
