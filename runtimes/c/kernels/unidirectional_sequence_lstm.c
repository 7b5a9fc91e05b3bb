/* UNIDIRECTIONAL_SEQUENCE_LSTM: an LSTM layer run over a sequence (common/lstm.c). */
#include "../src/kernel_api.h"
#include "common/lstm.h"

tl_status tl_unidirectional_sequence_lstm_prepare(tl_interpreter *it, tl_node *node) {
    return tl_lstm_prepare_common(it, node, 1);
}
