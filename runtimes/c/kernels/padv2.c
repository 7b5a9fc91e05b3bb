/* PADV2: PAD with the padding value given by a third input, a one-element tensor of the input's
 * type read at run time (absent: zero, or the zero point for int8/int16). Quantized values must
 * share the output's scale and zero point, as LiteRT checks. Any fixed-size type; paddings as
 * PAD's (constant, common/pad.h). */
#include <string.h>

#include "../src/kernel_api.h"
#include "common/pad.h"

static tl_status tl_padv2_eval(tl_interpreter *it, tl_node *node);

tl_status tl_padv2_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *value = tl_node_input(it, node, 2), *out = tl_node_output(it, node, 0);
    tl_pad_data *d;
    tl_status st = tl_pad_prepare_common(it, node, -1, &d);
    if (st != TL_STATUS_OK) return st;
    if (in->type == TL_TYPE_STRING) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "element type");
    node->eval = value ? tl_padv2_eval : tl_pad_eval;
    if (value) {
        if (value->type != in->type) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "constant_values type differs from the input's");
        if (tl_tensor_numel(value) != 1) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "constant_values must hold one value");
    }
    if (in->type == TL_TYPE_INT8 || in->type == TL_TYPE_INT16) {
        if ((st = tl_check_quantized(it, node, out)) != TL_STATUS_OK) return st;
        if (value && (value->scale != out->scale || value->zero_point != out->zero_point))
            return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "constant_values quantization differs from the output's");
    }
    return TL_STATUS_OK;
}

/* The padding value read at run time. */
static tl_status tl_padv2_eval(tl_interpreter *it, tl_node *node) {
    const tl_pad_data *d = node->op_data;
    uint8_t fill[8];
    memcpy(fill, tl_node_input(it, node, 2)->data, d->elem);
    tl_pad_constant(d, tl_node_input(it, node, 0), tl_node_output(it, node, 0), fill);
    return TL_STATUS_OK;
}
