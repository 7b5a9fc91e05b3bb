/* LSTM: one step of an LSTM layer (the FULL kernel type), the cell of UNIDIRECTIONAL_SEQUENCE_LSTM
 * (common/lstm.c) with input [batch, features] and output [batch, outputs]; the output and cell states are
 * variable tensors carried across invokes. */
#include "../src/kernel_api.h"
#include "common/lstm.h"

tl_status tl_lstm_prepare(tl_interpreter *it, tl_node *node) {
    return tl_lstm_prepare_common(it, node, 0);
}
