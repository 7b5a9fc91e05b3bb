#include "sigmoid16.h"

#include <math.h>

/* LiteRT's interpolation table holds round(65536 * sigmoid(i / 24)) except at these entries,
 * which are one higher (bit i % 32 of word i / 32; measured against LiteRT, whose table is
 * tuned rather than computed). */
static const uint32_t table_plus_one[8] = {0xfa7bd110u, 0xc0467baeu, 0x20440005u, 0x00110090u,
                                           0x00000080u, 0x00000000u, 0x00000000u, 0x80000000u};

typedef struct {
    int32_t multiplier, shift, round;
    uint16_t table[256];
} sigmoid16_data;

/* floor(v / 2^s) without relying on the implementation's right shift of negative values */
static int32_t shift_floor(int32_t v, int32_t s) {
    return v >= 0 ? v >> s : -((-(v + 1)) >> s) - 1;
}

static int32_t rescale(const sigmoid16_data *d, int16_t x) {
    return shift_floor(x * d->multiplier + d->round, d->shift); /* prepare bounds the product */
}

static tl_status tl_logistic_eval_s16(tl_interpreter *it, tl_node *node) {
    const sigmoid16_data *d = node->op_data;
    const int16_t *x = tl_node_input(it, node, 0)->data;
    tl_tensor *out = tl_node_output(it, node, 0);
    int16_t *y = out->data;
    int64_t i, n = tl_tensor_numel(out);
    for (i = 0; i < n; i++) {
        int32_t v = rescale(d, x[i]);
        uint32_t a = (uint32_t)(v < 0 ? -v : v), hi = a >> 9, r;
        if (hi >= 255) {
            r = 0x7FFFu << 10;
        } else {
            uint32_t lo = d->table[hi], up = d->table[hi + 1];
            r = (lo << 9) + (a & 0x1FFu) * (up - lo);
        }
        r = v >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1u;
        r >>= 10;
        y[i] = (int16_t)(r > 32767u ? 32767 : (int32_t)r);
    }
    return TL_STATUS_OK;
}

static tl_status tl_tanh_eval_s16(tl_interpreter *it, tl_node *node) {
    const sigmoid16_data *d = node->op_data;
    const int16_t *x = tl_node_input(it, node, 0)->data;
    tl_tensor *out = tl_node_output(it, node, 0);
    int16_t *y = out->data;
    int64_t i, n = tl_tensor_numel(out);
    for (i = 0; i < n; i++) {
        int32_t v = rescale(d, x[i]), r;
        uint32_t a = (uint32_t)(v < 0 ? -v : v), hi = a >> 8;
        if (hi >= 255) {
            r = 0xFFFF << 8;
        } else {
            uint32_t lo = d->table[hi], up = d->table[hi + 1];
            r = (int32_t)((lo << 8) + (a & 0xFFu) * (up - lo));
        }
        r = v >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
        r = shift_floor(r, 8);
        y[i] = (int16_t)(r > 32767 ? 32767 : r < -32768 ? -32768 : r);
    }
    return TL_STATUS_OK;
}

/* round(log2(x)) when x is within 1e-3 (in log2) of a power of two, as LiteRT's CheckedLog2. */
static int pot_log2(float x, int32_t *log2_out) {
    float l = logf(x) * (1.0f / logf(2.0f)), r = roundf(l);
    if (!(fabsf(l - r) < 1e-3f) || !(fabsf(r) < 1000.0f)) return 0;
    *log2_out = (int32_t)r;
    return 1;
}

tl_status tl_sigmoid16_prepare(tl_interpreter *it, tl_node *node, int is_tanh) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    sigmoid16_data *d;
    int32_t in_log2, out_log2, i;
    tl_status st;
    if (out->type != TL_TYPE_INT16) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "input and output types differ");
    if (!tl_same_shape(in, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output shapes differ");
    if ((st = tl_check_quantized(it, node, in)) != TL_STATUS_OK || (st = tl_check_quantized(it, node, out)) != TL_STATUS_OK)
        return st;
    if (in->zero_point != 0 || out->zero_point != 0)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "int16 needs zero points 0");
    if (is_tanh ? !pot_log2(out->scale, &out_log2) || out_log2 != -15 : out->scale != 1.0f / 32768)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "int16 output scale must be 2^-15");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if (pot_log2(in->scale, &in_log2) && (12 + in_log2 == 0 || (is_tanh && 12 + in_log2 == 1))) {
        d->multiplier = 3 << (12 + in_log2);
        d->shift = 0;
    } else {
        double m = (double)in->scale * 4096.0 * 3.0;
        d->shift = 0;
        while (m <= 32767.0 / 2.0 && d->shift <= 30) {
            d->shift++;
            m *= 2.0;
        }
        if (m > 65535.0) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "int16 input scale too large");
        d->multiplier = (int32_t)m;
    }
    d->round = d->shift > 0 ? (int32_t)1 << (d->shift - 1) : 0;
    for (i = 0; i < 256; i++) {
        double v = floor(65536.0 / (1.0 + exp(-(double)i / 24.0)) + 0.5);
        v += (double)((table_plus_one[i / 32] >> (i % 32)) & 1u);
        d->table[i] = (uint16_t)(v > 65535.0 ? 65535.0 : v);
    }
    node->eval = is_tanh ? tl_tanh_eval_s16 : tl_logistic_eval_s16;
    return TL_STATUS_OK;
}
