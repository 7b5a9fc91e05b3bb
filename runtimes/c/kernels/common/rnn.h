/* The fully connected recurrent cell of RNN, UNIDIRECTIONAL_SEQUENCE_RNN and BIDIRECTIONAL_SEQUENCE_RNN:
 *     h <- y = act(bias + W x + W_aux x_aux + R h)
 * for a batch of rows at a time, as LiteRT's RnnBatchStep accumulates it: the output starts at the
 * bias, and each product (input, auxiliary input, recurrent) is summed from zero and then added.
 * Float32 weights, or LiteRT's hybrid path: int8 (or uint8, read as int8) weights with one scale each, the
 * float input, auxiliary input and hidden state quantized to int8 row by row at run time (common/hybrid.h,
 * symmetric or asymmetric), each integer product scaled back by row scale x weight scale. */
#ifndef TL_RNN_H
#define TL_RNN_H

#include "../../src/kernel_api.h"

typedef struct {
    int32_t units, inputs, aux_inputs;  /* aux_inputs 0: no auxiliary input */
    const float *bias;
    const void *w, *r, *aux_w;          /* [units, inputs], [units, units], [units, aux_inputs] */
    float w_scale, r_scale, aux_scale;  /* hybrid */
    int8_t activation;
    uint8_t hybrid, asymmetric;
    tl_scratch *rows;                   /* hybrid: quantized rows of the widest operand */
} tl_rnn_cell;

/* In prepare: checks the cell's weights (inputs w_index, r_index, b_index of the node; aux_index -1 for
 * none) against `inputs` and `aux_inputs`, its hidden state (variable, [batches, units]) and the activation,
 * fills `cell`, and asks for the hybrid scratch (`batches` rows at a time). */
tl_status tl_rnn_prepare_cell(tl_interpreter *it, const tl_node *node, tl_rnn_cell *cell, int32_t w_index,
                              int32_t r_index, int32_t b_index, int32_t aux_index, int32_t state_index,
                              int32_t batches, int32_t inputs, int32_t aux_inputs, int8_t activation,
                              uint8_t asymmetric);

/* In eval: one step of `batches` rows; x [batches, inputs] and aux [batches, aux_inputs] contiguous (aux
 * NULL when the cell has none), h [batches, units] updated, y row b at y + b * y_stride. */
void tl_rnn_step(const tl_rnn_cell *cell, int32_t batches, const float *x, const float *aux, float *h, float *y,
                 int64_t y_stride);

#endif
