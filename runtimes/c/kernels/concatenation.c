/* CONCATENATION along one axis. Quantized inputs must share the output's scale and zero point
 * (TFLite's rule for int8/int16 concatenation), so the op is a pure byte interleave; float32
 * applies the fused activation. */
#include "../src/kernel_api.h"
#include "common/copy.h"

enum { OPT_AXIS = 0, OPT_ACTIVATION = 1 };
typedef struct {
    tl_interleave_data il; /* first: tl_interleave_eval reads it */
    float f_lo, f_hi;
} concat_data;

static tl_status tl_concatenation_eval_f32(tl_interpreter *it, tl_node *node);

tl_status tl_concatenation_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *out = tl_node_output(it, node, 0);
    concat_data *d;
    int32_t axis, k, i, total = 0;
    int8_t act;
    if (!out || tl_node_num_inputs(node) < 1 || tl_node_num_inputs(node) > TL_MAX_INTERLEAVE)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 1 to 64 inputs and an output");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (tl_fb_i32(&it->fb, node->options, OPT_AXIS, 0, &axis) || tl_fb_i8(&it->fb, node->options, OPT_ACTIVATION, 0, &act))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (axis < 0) axis += out->ndim;
    if (axis < 0 || axis >= out->ndim) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "axis out of range");
    d->il.n = tl_node_num_inputs(node);
    d->il.outer = 1;
    for (i = 0; i < axis; i++) d->il.outer *= out->dims[i];
    for (k = 0; k < d->il.n; k++) {
        tl_tensor *in = tl_node_input(it, node, k);
        int64_t inner = 1;
        if (!in || in->type != out->type || in->ndim != out->ndim)
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "inputs must match the output's type and rank");
        for (i = 0; i < out->ndim; i++) {
            if (i != axis && in->dims[i] != out->dims[i])
                return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "inputs differ outside the axis");
            if (i >= axis) inner *= in->dims[i];
        }
        if ((in->type == TL_TYPE_INT8 || in->type == TL_TYPE_INT16) &&
            (in->scale != out->scale || in->zero_point != out->zero_point))
            return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "quantized inputs must share the output's scale and zero point");
        total += in->dims[axis];
        d->il.block[k] = (size_t)inner * tl_type_size(in->type);
    }
    if (total != out->dims[axis]) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "axis sizes do not add up");
    node->eval = out->type == TL_TYPE_FLOAT32 && act != 0 ? tl_concatenation_eval_f32 : tl_interleave_eval;
    if (out->type == TL_TYPE_FLOAT32)
        return tl_activation_range_f32(act, &d->f_lo, &d->f_hi) == TL_STATUS_OK
                   ? TL_STATUS_OK : tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
    return act == 0 ? TL_STATUS_OK : tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation on integers");
}

/* float32 with a fused activation: the interleave, then the clamp. */
static tl_status tl_concatenation_eval_f32(tl_interpreter *it, tl_node *node) {
    const concat_data *d = node->op_data;
    tl_tensor *out = tl_node_output(it, node, 0);
    float *y = out->data;
    int64_t i, n = tl_tensor_numel(out);
    tl_interleave_eval(it, node);
    for (i = 0; i < n; i++) y[i] = y[i] < d->f_lo ? d->f_lo : (y[i] > d->f_hi ? d->f_hi : y[i]);
    return TL_STATUS_OK;
}
