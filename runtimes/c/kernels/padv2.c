/* PADV2: PAD with the padding value given by a third input, a one-element tensor of the input's
 * type read at run time (absent: zero, or the zero point for int8/int16). Quantized values must
 * share the output's scale and zero point, as LiteRT checks. Any fixed-size type; paddings as
 * PAD's (constant, common/pad.h). */
#include <string.h>

#include "../src/kernel_api.h"
#include "common/pad.h"

static tl_status padv2_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *value = tl_node_input(it, node, 2), *out = tl_node_output(it, node, 0);
    tl_pad_data *d;
    tl_status st = tl_pad_prepare_common(it, node, -1, &d);
    if (st != TL_STATUS_OK) return st;
    if (in->type == TL_TYPE_STRING) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "element type");
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

static tl_status padv2_eval(tl_interpreter *it, tl_node *node) {
    const tl_pad_data *d = node->op_data;
    tl_tensor *in = tl_node_input(it, node, 0), *value = tl_node_input(it, node, 2), *out = tl_node_output(it, node, 0);
    uint8_t fill[8] = {0};
    if (value) {
        memcpy(fill, value->data, d->elem);
    } else if (in->type == TL_TYPE_INT8) {
        int8_t z = (int8_t)out->zero_point;
        memcpy(fill, &z, 1);
    } else if (in->type == TL_TYPE_INT16) {
        int16_t z = (int16_t)out->zero_point;
        memcpy(fill, &z, 2);
    }
    tl_pad_constant(d, in, out, fill);
    return TL_STATUS_OK;
}

const tl_kernel tl_kernel_padv2 = {60, "PADV2", padv2_prepare, padv2_eval};
