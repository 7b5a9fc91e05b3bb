/* PAD: constant padding of any tensor (up to TL_MAX_DIMS dims) with zero — the zero point for
 * quantized types, as LiteRT's PAD does. The paddings input ([rank, 2] int32 or int64) must be
 * a constant of the model, so the output shape is checked once in prepare (common/pad.h). */
#include "../src/kernel_api.h"
#include "common/pad.h"

tl_status tl_pad_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    tl_pad_data *d;
    tl_status st = tl_pad_prepare_common(it, node, -1, &d);
    if (st != TL_STATUS_OK) return st;
    node->eval = tl_pad_eval;
    if (in->type == TL_TYPE_INT8 || in->type == TL_TYPE_INT16) return tl_check_quantized(it, node, out);
    return TL_STATUS_OK;
}
