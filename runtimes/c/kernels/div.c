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
    int64_t q_lo, q_hi;
} div_data;

static float div_f32(const div_data *d, float x, float y) {
    float v = x / y;
    return v < d->lo ? d->lo : (v > d->hi ? d->hi : v);
}

static int32_t div_s32(const div_data *d, int32_t x, int32_t y) {
    int32_t v = y == 0 ? 0 : (y == -1 ? (x == INT32_MIN ? INT32_MAX : -x) : x / y);
    return (int32_t)(v < d->q_lo ? d->q_lo : (v > d->q_hi ? d->q_hi : v));
}

TL_BROADCAST_EVAL(tl_div_eval_f32, div_data, float, div_f32(d, a[oa], b[ob]))
TL_BROADCAST_EVAL(tl_div_eval_s32, div_data, int32_t, div_s32(d, a[oa], b[ob]))

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
        node->eval = tl_div_eval_s32;
        if (tl_activation_range_int(act, INT32_MIN, INT32_MAX, &d->q_lo, &d->q_hi) != TL_STATUS_OK)
            return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
        return TL_STATUS_OK;
    }
    node->eval = tl_div_eval_f32;
    return tl_activation_range_f32(act, &d->lo, &d->hi) == TL_STATUS_OK
               ? TL_STATUS_OK : tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
}
