/* DIV: out = act(a / b), NumPy broadcasting. float32: IEEE division (x / 0 is +-inf or NaN, as
 * LiteRT's reference), then the fused activation's clamp. int32 (TFLite Micro's unquantized int32
 * DIV): C division truncating toward zero, then the clamp; x / 0, undefined in the reference, is 0
 * here and INT32_MIN / -1 wraps to INT32_MIN, so hostile data cannot trap. */
#include "../src/kernel_api.h"
#include "common/broadcast.h"

enum { OPT_ACTIVATION = 0 };

typedef struct {
    tl_broadcast bc;
    float lo, hi;
    int32_t lo_i, hi_i;
} div_data;

static tl_status tl_div_eval_f32(tl_interpreter *it, tl_node *node) {
    const div_data *d = node->op_data;
    const float *a = tl_node_input(it, node, 0)->data, *b = tl_node_input(it, node, 1)->data;
    tl_tensor *out = tl_node_output(it, node, 0);
    float *y = out->data;
    int64_t i, n = tl_tensor_numel(out), oa, ob;
    for (i = 0; i < n; i++) {
        float v;
        tl_broadcast_offsets(&d->bc, i, &oa, &ob);
        v = a[oa] / b[ob];
        y[i] = v < d->lo ? d->lo : (v > d->hi ? d->hi : v);
    }
    return TL_STATUS_OK;
}

static tl_status tl_div_eval_s32(tl_interpreter *it, tl_node *node) {
    const div_data *d = node->op_data;
    const int32_t *a = tl_node_input(it, node, 0)->data, *b = tl_node_input(it, node, 1)->data;
    tl_tensor *out = tl_node_output(it, node, 0);
    int32_t *y = out->data;
    int64_t i, n = tl_tensor_numel(out), oa, ob;
    for (i = 0; i < n; i++) {
        int32_t v;
        tl_broadcast_offsets(&d->bc, i, &oa, &ob);
        if (b[ob] == 0) v = 0;
        else if (b[ob] == -1) v = a[oa] == INT32_MIN ? INT32_MIN : -a[oa];
        else v = a[oa] / b[ob];
        y[i] = v < d->lo_i ? d->lo_i : (v > d->hi_i ? d->hi_i : v);
    }
    return TL_STATUS_OK;
}

static tl_status div_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *a = tl_node_input(it, node, 0), *b = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    div_data *d;
    int8_t act;
    if (!a || !b || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 2 inputs and 1 output");
    if ((a->type != TL_TYPE_FLOAT32 && a->type != TL_TYPE_INT32) || b->type != a->type || out->type != a->type)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "DIV supports float32 and int32");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (!tl_broadcast_init(&d->bc, a, b, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "shapes do not broadcast");
    if (tl_fb_i8(&it->fb, node->options, OPT_ACTIVATION, 0, &act) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (tl_activation_range_f32(act, &d->lo, &d->hi) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
    /* int32: RELU from 0, RELU6 to 6, RELU_N1_TO_1 to [-1, 1] (TFLite's CalculateActivationRange) */
    d->lo_i = d->lo <= (float)INT32_MIN ? INT32_MIN : (int32_t)d->lo;
    d->hi_i = d->hi >= (float)INT32_MAX ? INT32_MAX : (int32_t)d->hi;
    node->eval = a->type == TL_TYPE_INT32 ? tl_div_eval_s32 : tl_div_eval_f32;
    return TL_STATUS_OK;
}

const tl_kernel tl_kernel_div = {42, "DIV", div_prepare, tl_div_eval_f32};
