/* The LSTM cell shared by LSTM, UNIDIRECTIONAL_SEQUENCE_LSTM and BIDIRECTIONAL_SEQUENCE_LSTM (lstm.c: what is
 * supported, and the integer variant's arithmetic). */
#ifndef TL_LSTM_H
#define TL_LSTM_H

#include "../../src/kernel_api.h"

/* The whole prepare of both builtins: `sequence` 1 reads UnidirectionalSequenceLSTMOptions and takes a
 * [batch, time, features] (or time-major, or 2-D) input; 0 reads LSTMOptions (the FULL kernel type only) and
 * takes one step, [batch, features]. */
tl_status tl_lstm_prepare_common(tl_interpreter *it, tl_node *node, int sequence);

/* One step of one batch row of an LSTM cell, as LiteRT's float and hybrid kernels: gates i, f, c, o from
 * bias + W x (+ W_aux aux) + R h (+ peephole .* c; layer-normalized when coefficients are given), the cell state
 * updated (input gate 1 - f under CIFG) and clipped, h = o * act(c) projected (and clipped) when projection weights
 * are given; y = h. `gate` holds 4 x n_cell floats; a float32 cell without layer norm or projection runs one cell
 * at a time and reads none (NULL is fine there; y must not overlap h). Absent parts are NULL (w[0], r[0], bias[0]
 * under CIFG).
 * Float32 cells: w, aux_w, r, peephole and proj_w point at float32. Hybrid cells (`rows` set): they point at int8
 * with the scales below; each product's float operand (x, aux, h, and o * act(c) for the projection) is quantized
 * per row at run time into `rows` (symmetric, or asymmetric), the int32 sums scaled back; peephole weights are
 * scale x int8, as LiteRT recovers them. */
typedef struct {
    int32_t n_input, n_aux, n_cell, n_output;
    int8_t activation;          /* the cell's and the output's (TFLite ActivationFunctionType) */
    uint8_t cifg, asymmetric;
    float cell_clip, proj_clip; /* 0: none */
    const void *w[4], *aux_w[4], *r[4], *peephole[3], *proj_w; /* peephole: i, f, o */
    float w_scale[4], aux_scale[4], r_scale[4], peephole_scale[3], proj_scale;
    const float *bias[4], *layer_norm[4], *proj_b;
    const tl_scratch *rows;     /* hybrid: one row of the widest of inputs, aux, outputs and cells */
} tl_lstm_cell;

void tl_lstm_step(const tl_lstm_cell *cell, const float *x, const float *aux, float *h, float *c, float *y, float *gate);

/* In prepare, for a hybrid cell: the weight tensor t (NULL is fine) is int8 with one usable scale and zero point 0;
 * its scale goes to *scale. */
tl_status tl_lstm_hybrid_weight(tl_interpreter *it, const tl_node *node, const tl_tensor *t, float *scale);

#endif
