/* DIV: out = act(a / b), NumPy broadcasting. float32: IEEE division (x / 0 is +-inf or NaN, as
 * LiteRT's reference), then the fused activation's clamp. int32: C division truncating toward
 * zero, then the activation's integer range (NONE: none, RELU: [0, max], RELU_N1_TO_1: [-1, 1],
 * RELU6: [0, 6]). LiteRT fails the invoke when an int32 divisor is 0; this eval cannot fail, so
 * x / 0 gives 0 there (a constant divisor holding 0 is refused in prepare). INT32_MIN / -1, which
 * overflows, gives INT32_MAX, as LiteRT's x86 build returns. */
#include <string.h>

#include "../src/kernel_api.h"
#include "common/broadcast.h"

enum { OPT_ACTIVATION = 0 };

typedef struct {
    tl_broadcast bc;
    float lo, hi;
    int32_t q_lo, q_hi;
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
        int32_t x, v;
        tl_broadcast_offsets(&d->bc, i, &oa, &ob);
        x = a[oa];
        v = b[ob];
        v = v == 0 ? 0 : (v == -1 ? (x == INT32_MIN ? INT32_MAX : -x) : x / v);
        y[i] = v < d->q_lo ? d->q_lo : (v > d->q_hi ? d->q_hi : v);
    }
    return TL_STATUS_OK;
}

tl_status tl_div_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *a = tl_node_input(it, node, 0), *b = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    div_data *d;
    int8_t act;
    if (!a || !b || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 2 inputs and 1 output");
    if (a->type != out->type || b->type != out->type || (out->type != TL_TYPE_FLOAT32 && out->type != TL_TYPE_INT32))
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "DIV supports float32 and int32");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (!tl_broadcast_init(&d->bc, a, b, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "shapes do not broadcast");
    if (tl_fb_i8(&it->fb, node->options, OPT_ACTIVATION, 0, &act) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (out->type == TL_TYPE_INT32) {
        if (b->is_constant) {
            int64_t i, n = tl_tensor_numel(b);
            for (i = 0; i < n; i++) {
                int32_t v;
                memcpy(&v, (const uint8_t *)b->data + 4 * i, 4);
                if (v == 0) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "constant divisor holds 0");
            }
        }
        if (act == 0) d->q_lo = INT32_MIN, d->q_hi = INT32_MAX;
        else if (act == 1) d->q_lo = 0, d->q_hi = INT32_MAX;
        else if (act == 2) d->q_lo = -1, d->q_hi = 1;
        else if (act == 3) d->q_lo = 0, d->q_hi = 6;
        else return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
        node->eval = tl_div_eval_s32;
        return TL_STATUS_OK;
    }
    node->eval = tl_div_eval_f32;
    return tl_activation_range_f32(act, &d->lo, &d->hi) == TL_STATUS_OK
               ? TL_STATUS_OK : tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
}
