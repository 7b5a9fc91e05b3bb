#include "hybrid.h"

#include <math.h>
#include <string.h>

/* x86 cvttss2si semantics: truncation, INT32_MIN for NaN and values outside int32. */
static int32_t to_i32(float r) {
    return (r >= -2147483648.0f && r < 2147483648.0f) ? (int32_t)r : INT32_MIN;
}

static void min_max(const float *x, int64_t n, float *mn, float *mx) {
    int64_t i;
    *mn = *mx = x[0];
    for (i = 1; i < n; i++) {
        if (x[i] < *mn) *mn = x[i];
        if (!(x[i] < *mx)) *mx = x[i];
    }
}

void tl_hybrid_quantize_symmetric(const float *x, int64_t n, int8_t *q, float *scale) {
    float mn, mx, range, inv;
    int64_t i;
    min_max(x, n, &mn, &mx);
    range = fabsf(mn) > fabsf(mx) ? fabsf(mn) : fabsf(mx);
    if (range == 0.0f) {
        memset(q, 0, (size_t)n);
        *scale = 1.0f;
        return;
    }
    *scale = range / 127.0f;
    inv = 127.0f / range;
    for (i = 0; i < n; i++) {
        int32_t v = to_i32(roundf(x[i] * inv));
        q[i] = (int8_t)(v > 127 ? 127 : v < -127 ? -127 : v);
    }
}

void tl_hybrid_quantize_asymmetric(const float *x, int64_t n, int8_t *q, float *scale, int32_t *zero_point) {
    float mn, mx, inv, zp_f;
    double rmin, rmax, s, zp, from_min, from_max;
    int32_t nudged;
    int64_t i;
    min_max(x, n, &mn, &mx);
    rmin = (double)(mn < 0.0f ? mn : 0.0f);
    rmax = (double)(0.0f < mx ? mx : 0.0f);
    if (rmin == rmax) {
        memset(q, 0, (size_t)n);
        *scale = 1.0f;
        *zero_point = 0;
        return;
    }
    s = (rmax - rmin) / 255.0;
    from_min = -128.0 - rmin / s;
    from_max = 127.0 - rmax / s;
    zp = 128.0 + fabs(rmin / s) < 127.0 + fabs(rmax / s) ? from_min : from_max;
    if (zp <= -128.0) nudged = -128;
    else if (zp >= 127.0) nudged = 127;
    else if (zp == zp) nudged = (int32_t)round(zp);
    else nudged = 0; /* NaN (an infinite input): LiteRT's int8 cast of INT32_MIN */
    *scale = (float)s;
    *zero_point = nudged;
    inv = 1.0f / *scale;
    zp_f = (float)nudged;
    for (i = 0; i < n; i++) {
        int32_t v = to_i32(roundf(zp_f + x[i] * inv));
        q[i] = (int8_t)(v > 127 ? 127 : v < -128 ? -128 : v);
    }
}

tl_scratch *tl_hybrid_request_rows(tl_interpreter *it, const tl_node *node, int32_t batches, int64_t row_size) {
    return tl_request_scratch(it, node, (size_t)batches * 8 + (size_t)batches * (size_t)row_size);
}

tl_hybrid_rows tl_hybrid_quantize_rows(const tl_scratch *s, const float *x, int32_t batches, int64_t row_size,
                                       int asymmetric) {
    tl_hybrid_rows r;
    int32_t b;
    r.scale = s->data;
    r.zero_point = (int32_t *)(r.scale + batches);
    r.q = (int8_t *)(r.zero_point + batches);
    for (b = 0; b < batches; b++) {
        if (asymmetric) {
            tl_hybrid_quantize_asymmetric(x + b * row_size, row_size, r.q + b * row_size, &r.scale[b], &r.zero_point[b]);
        } else {
            tl_hybrid_quantize_symmetric(x + b * row_size, row_size, r.q + b * row_size, &r.scale[b]);
            r.zero_point[b] = 0;
        }
    }
    return r;
}

void tl_hybrid_accumulate(const int8_t *w, float w_scale, int32_t units, int64_t depth, const tl_hybrid_rows *q,
                          int32_t batches, float *y, int64_t y_stride) {
    int32_t b, u;
    int64_t k;
    for (b = 0; b < batches; b++) {
        const int8_t *qb = q->q + b * depth;
        float scale = q->scale[b] * w_scale;
        int32_t zp = q->zero_point[b];
        float *yb = y + b * y_stride;
        for (u = 0; u < units; u++) {
            const int8_t *wu = w + u * depth;
            int32_t dot = 0, row_sum = 0;
            for (k = 0; k < depth; k++) {
                dot += wu[k] * qb[k];
                row_sum += wu[k];
            }
            yb[u] += (float)(dot - row_sum * zp) * scale;
        }
    }
}

tl_status tl_hybrid_prepare_weights(tl_interpreter *it, const tl_node *node, const tl_tensor *w, int32_t quant_dim,
                                    int32_t channels, float **scales) {
    int32_t c;
    tl_quantization q = tl_tensor_quantization(it, w);
    tl_status st = tl_check_quantized(it, node, w);
    if (st != TL_STATUS_OK) return st;
    if (!w->quantized) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "hybrid int8 weights need a scale");
    if (q.count > 1 && (q.count != channels || w->quant_dim != quant_dim))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "per-channel weight scales do not match the output channels");
    if (q.zero_points) {
        for (c = 0; c < q.count; c++)
            if (tl_load_i64(q.zero_points + 8 * c) != 0)
                return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "hybrid int8 weights need zero point 0");
    } else if (w->zero_point != 0) {
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "hybrid int8 weights need zero point 0");
    }
    *scales = tl_alloc_persistent(it, sizeof(float) * (size_t)channels);
    if (!*scales) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "weight scales");
    for (c = 0; c < channels; c++) (*scales)[c] = tl_tensor_scale(it, w, c);
    return TL_STATUS_OK;
}
