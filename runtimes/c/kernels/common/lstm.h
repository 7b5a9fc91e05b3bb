/* The LSTM cell shared by LSTM and UNIDIRECTIONAL_SEQUENCE_LSTM (lstm.c: what is supported, and the
 * integer variant's arithmetic). */
#ifndef TL_LSTM_H
#define TL_LSTM_H

#include "../../src/kernel_api.h"

/* The whole prepare of both builtins: `sequence` 1 reads UnidirectionalSequenceLSTMOptions and takes a
 * [batch, time, features] (or time-major, or 2-D) input; 0 reads LSTMOptions (the FULL kernel type only) and
 * takes one step, [batch, features]. */
tl_status tl_lstm_prepare_common(tl_interpreter *it, tl_node *node, int sequence);

#endif
