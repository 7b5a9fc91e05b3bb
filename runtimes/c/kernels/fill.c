/* FILL: an output of the shape `dims` (int32 or int64 vector) holding the scalar `value`
 * everywhere; any fixed-size type (the output's is the value's), bytes copied. Quantized int8
 * and int16 values need the output's scale and zero point (int16: zero point 0), as LiteRT
 * checks. A constant dims must equal the output's shape; a runtime one is not read: the
 * output's static shape from the model decides, as RESHAPE does. */
#include <string.h>

#include "../src/kernel_api.h"
#include "common/int_input.h"

static tl_status tl_fill_eval(tl_interpreter *it, tl_node *node);

tl_status tl_fill_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *dims = tl_node_input(it, node, 0), *value = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    int32_t i;
    if (!dims || !value || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs dims, value and output");
    if (value->type != out->type || tl_type_size(out->type) == 0 || out->type == TL_TYPE_STRING)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "value and output must have one fixed-size type");
    if (value->ndim != 0 || tl_tensor_numel(value) != 1) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "value must be a scalar");
    if (!tl_is_int_index_type(dims) || dims->ndim != 1 || dims->dims[0] != out->ndim)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "dims must be an int32/int64 vector of the output's rank");
    if (dims->is_constant)
        for (i = 0; i < out->ndim; i++)
            if (tl_int_at(dims, i) != out->dims[i]) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output shape differs from dims");
    if ((out->type == TL_TYPE_INT8 || out->type == TL_TYPE_INT16) && (out->quantized || value->quantized)) {
        if (value->scale != out->scale || value->zero_point != out->zero_point)
            return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "value and output quantization differ");
        if (out->type == TL_TYPE_INT16 && out->zero_point != 0)
            return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "int16 needs zero point 0");
    }
    node->eval = tl_fill_eval;
    return TL_STATUS_OK;
}

static tl_status tl_fill_eval(tl_interpreter *it, tl_node *node) {
    const uint8_t *v = tl_node_input(it, node, 1)->data;
    tl_tensor *out = tl_node_output(it, node, 0);
    uint8_t *y = out->data;
    size_t elem = tl_type_size(out->type);
    int64_t i, n = tl_tensor_numel(out);
    for (i = 0; i < n; i++) memcpy(y + i * (int64_t)elem, v, elem);
    return TL_STATUS_OK;
}
