/* FAKE_QUANT, float32: quantize to num_bits and back over the range [min, max] of its options, as
 * TensorFlow's FakeQuantWithMinMaxArgs and LiteRT's reference kernel compute it, all in float:
 * the range is nudged so that 0 falls on the grid (scale = (max - min) / (2^bits - 1), zero point
 * = round(-min / scale) clamped to [0, 2^bits - 1], nudged_min = -zp * scale, nudged_max =
 * (2^bits - 1 - zp) * scale), then y = round((clamp(x) - nudged_min) * (1 / scale)) * scale +
 * nudged_min, rounding half away from zero; NaN clamps to nudged_min (std::max/std::min's order).
 * narrow_range is refused, as LiteRT refuses it. */
#include <math.h>

#include "../src/kernel_api.h"
#include "common/unary.h"

enum { OPT_MIN = 0, OPT_MAX = 1, OPT_NUM_BITS = 2, OPT_NARROW_RANGE = 3 };

typedef struct {
    float nudged_min, nudged_max, scale, inv_scale;
} fake_quant_data;

static float fake_quant(const fake_quant_data *d, float x) {
    float lo = d->nudged_min < x ? x : d->nudged_min; /* std::max(nudged_min, x) */
    float c = lo < d->nudged_max ? lo : d->nudged_max; /* std::min(nudged_max, ...) */
    return roundf((c - d->nudged_min) * d->inv_scale) * d->scale + d->nudged_min;
}

TL_UNARY_EVAL(tl_fake_quant_eval_f32, fake_quant_data, float, float, fake_quant(d, x[i]))

tl_status tl_fake_quant_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    fake_quant_data *d;
    float min, max, qmax, from_min, zero;
    int32_t bits;
    uint8_t narrow;
    if (!in || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs an input and an output");
    if (in->type != TL_TYPE_FLOAT32 || out->type != TL_TYPE_FLOAT32)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "FAKE_QUANT supports float32 only");
    if (!tl_same_shape(in, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output shapes differ");
    if (tl_fb_f32(&it->fb, node->options, OPT_MIN, 0.0f, &min) != TL_STATUS_OK ||
        tl_fb_f32(&it->fb, node->options, OPT_MAX, 0.0f, &max) != TL_STATUS_OK ||
        tl_fb_i32(&it->fb, node->options, OPT_NUM_BITS, 0, &bits) != TL_STATUS_OK ||
        tl_fb_u8(&it->fb, node->options, OPT_NARROW_RANGE, 0, &narrow) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (narrow) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "narrow_range is not supported (nor by LiteRT)");
    if (bits < 1 || bits > 16) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "num_bits must be 1..16");
    /* a finite, non-empty range whose scale is a normal float: the zero point below stays finite */
    if (!(min < max) || !isfinite(min) || !isfinite(max))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "min must be below max, both finite");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    qmax = (float)((1L << bits) - 1);
    d->scale = (max - min) / qmax;
    if (!isfinite(d->scale) || !(d->scale > 0.0f)) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "range too small or too wide");
    from_min = 0.0f - min / d->scale;
    zero = from_min < 0.0f ? 0.0f : from_min > qmax ? qmax : roundf(from_min);
    d->nudged_min = (0.0f - zero) * d->scale;
    d->nudged_max = (qmax - zero) * d->scale;
    d->inv_scale = 1.0f / d->scale;
    node->eval = tl_fake_quant_eval_f32;
    return TL_STATUS_OK;
}
