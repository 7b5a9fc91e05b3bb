/* POW: out = a ^ b elementwise with NumPy broadcasting, as LiteRT computes it:
 *  - float32: the C library's powf (LiteRT's std::pow on floats);
 *  - int32: pow in double converted to int32 as LiteRT's compiled kernel does on x86 (NaN and
 *    results outside int32 give INT32_MIN);
 *  - but when the shapes differ and the exponent is a single value within 1e-5 of an integer
 *    n >= 1 (read at run time), LiteRT's broadcast path multiplies instead: binary exponentiation
 *    (square, then times the base for each set bit below the top one), each product clamped to
 *    +-FLT_MAX for float32 (so inf becomes FLT_MAX; NaN stays) and wrapping for int32.
 * LiteRT fails the invoke on a negative int32 exponent; a constant exponent holding one is
 * refused in prepare, and this eval, which cannot fail, converts the fractional power
 * (2 ^ -1 = 0, 0 ^ -1 = INT32_MIN). */
#include <float.h>
#include <math.h>
#include <string.h>

#include "../src/kernel_api.h"
#include "common/broadcast.h"

typedef struct {
    tl_broadcast bc;
    int scalar_exponent; /* shapes differ and the exponent has one element */
} pow_data;

static int32_t pow_s32(int32_t a, int32_t b) {
    double r = pow((double)a, (double)b);
    return (r >= -2147483648.0 && r < 2147483648.0) ? (int32_t)r : INT32_MIN;
}

static int32_t mul_wrap(int32_t a, int32_t b) {
    uint32_t r = (uint32_t)a * (uint32_t)b;
    return r > (uint32_t)INT32_MAX ? (int32_t)(r - (uint32_t)INT32_MAX - 1u) - INT32_MAX - 1 : (int32_t)r;
}

static float mul_clamp(float a, float b) {
    float r = a * b;
    return r < -FLT_MAX ? -FLT_MAX : r > FLT_MAX ? FLT_MAX : r;
}

/* Highest set bit of n >= 1. */
static int32_t top_bit(int32_t n) {
    int32_t k = 0;
    while (n >> (k + 1)) k++;
    return k;
}

static tl_status tl_pow_eval_f32(tl_interpreter *it, tl_node *node) {
    const pow_data *d = node->op_data;
    const float *a = tl_node_input(it, node, 0)->data, *b = tl_node_input(it, node, 1)->data;
    tl_tensor *out = tl_node_output(it, node, 0);
    float *y = out->data;
    int64_t i, n = tl_tensor_numel(out), oa, ob;
    if (d->scalar_exponent && fabsf(b[0]) < 2147483648.0f) {
        int32_t e = (int32_t)roundf(b[0]), k;
        if (fabsf(b[0] - (float)e) < 1e-5f && e >= 1) {
            for (i = 0; i < n; i++) {
                float r = a[i];
                for (k = top_bit(e) - 1; k >= 0; k--) {
                    r = mul_clamp(r, r);
                    if ((e >> k) & 1) r = mul_clamp(a[i], r);
                }
                y[i] = r;
            }
            return TL_STATUS_OK;
        }
    }
    for (i = 0; i < n; i++) {
        tl_broadcast_offsets(&d->bc, i, &oa, &ob);
        y[i] = powf(a[oa], b[ob]);
    }
    return TL_STATUS_OK;
}

static tl_status tl_pow_eval_s32(tl_interpreter *it, tl_node *node) {
    const pow_data *d = node->op_data;
    const int32_t *a = tl_node_input(it, node, 0)->data, *b = tl_node_input(it, node, 1)->data;
    tl_tensor *out = tl_node_output(it, node, 0);
    int32_t *y = out->data;
    int64_t i, n = tl_tensor_numel(out), oa, ob;
    if (d->scalar_exponent && b[0] >= 1) {
        int32_t e = b[0], k;
        for (i = 0; i < n; i++) {
            int32_t r = a[i];
            for (k = top_bit(e) - 1; k >= 0; k--) {
                r = mul_wrap(r, r);
                if ((e >> k) & 1) r = mul_wrap(a[i], r);
            }
            y[i] = r;
        }
        return TL_STATUS_OK;
    }
    for (i = 0; i < n; i++) {
        tl_broadcast_offsets(&d->bc, i, &oa, &ob);
        y[i] = pow_s32(a[oa], b[ob]);
    }
    return TL_STATUS_OK;
}

tl_status tl_pow_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *a = tl_node_input(it, node, 0), *b = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    pow_data *d;
    if (!a || !b || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs 2 inputs and 1 output");
    if (a->type != out->type || b->type != out->type || (out->type != TL_TYPE_FLOAT32 && out->type != TL_TYPE_INT32))
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "POW supports float32 and int32");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (!tl_broadcast_init(&d->bc, a, b, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "shapes do not broadcast");
    /* the multiply path writes element i from a[i]: a must have the output's size */
    d->scalar_exponent = !tl_same_shape(a, b) && tl_tensor_numel(b) == 1 && tl_tensor_numel(a) == tl_tensor_numel(out);
    if (out->type == TL_TYPE_INT32 && b->is_constant) {
        int64_t i, n = tl_tensor_numel(b);
        for (i = 0; i < n; i++) {
            int32_t v;
            memcpy(&v, (const uint8_t *)b->data + 4 * i, 4);
            if (v < 0) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "negative int32 exponent");
        }
    }
    node->eval = out->type == TL_TYPE_FLOAT32 ? tl_pow_eval_f32 : tl_pow_eval_s32;
    return TL_STATUS_OK;
}
