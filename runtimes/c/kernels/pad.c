/* PAD: constant padding of any tensor (up to TL_MAX_DIMS dims) with zero — the zero point for
 * quantized types, as LiteRT's PAD does. The paddings input ([rank, 2] int32 or int64) must be
 * a constant of the model, so the output shape is checked once in prepare (common/pad.h). */
#include <string.h>

#include "../src/kernel_api.h"
#include "common/pad.h"

static tl_status pad_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    tl_pad_data *d;
    tl_status st = tl_pad_prepare_common(it, node, -1, &d);
    if (st != TL_STATUS_OK) return st;
    if (in->type == TL_TYPE_INT8 || in->type == TL_TYPE_INT16) return tl_check_quantized(it, node, out);
    return TL_STATUS_OK;
}

static tl_status pad_eval(tl_interpreter *it, tl_node *node) {
    const tl_pad_data *d = node->op_data;
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    uint8_t fill[8] = {0};
    if (in->type == TL_TYPE_INT8) {
        int8_t z = (int8_t)out->zero_point;
        memcpy(fill, &z, 1);
    } else if (in->type == TL_TYPE_INT16) {
        int16_t z = (int16_t)out->zero_point;
        memcpy(fill, &z, 2);
    }
    tl_pad_constant(d, in, out, fill);
    return TL_STATUS_OK;
}

const tl_kernel tl_kernel_pad = {34, "PAD", pad_prepare, pad_eval};
