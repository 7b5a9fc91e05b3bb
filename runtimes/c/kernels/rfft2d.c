/* RFFT2D: the 2-D discrete Fourier transform of the real float32 input's two innermost dims, zero-padded
 * or cropped to fft_length [fft_h, fft_w] (powers of two, as LiteRT requires), giving complex64
 * [..., fft_h, fft_w / 2 + 1]. Computed in double by radix-2 FFTs (rows, then the kept columns) and
 * rounded once to float: within a few float ulps of the exact transform, where LiteRT's float FFT has its
 * own rounding, so the two agree to float precision, not bit for bit. fft_length must be an int32 [2]; a
 * constant one must give the output's shape, a runtime one is checked against it at invoke. A width of 1 is
 * refused: LiteRT's output there is not the transform (see prepare). */
#include <math.h>

#include "../src/kernel_api.h"
#include "common/int_input.h"

typedef struct {
    int32_t fft_h, fft_w, bins; /* bins = fft_w / 2 + 1 */
    int32_t in_h, in_w;
    int64_t batches;
    tl_scratch *scratch;        /* fft_h * bins complex doubles, then max(fft_h, fft_w) for one line */
} rfft2d_data;

static int is_pow2(int64_t n) { return n >= 1 && (n & (n - 1)) == 0; }

/* In-place complex FFT of n (a power of two) points re/im interleaved with stride 2 doubles. */
static void fft(double *a, int32_t n) {
    int32_t i, j, len;
    const double pi = 3.14159265358979323846;
    for (i = 1, j = 0; i < n; i++) { /* bit reversal */
        int32_t bit = n >> 1;
        for (; j & bit; bit >>= 1) j ^= bit;
        j |= bit;
        if (i < j) {
            double tr = a[2 * i], ti = a[2 * i + 1];
            a[2 * i] = a[2 * j];
            a[2 * i + 1] = a[2 * j + 1];
            a[2 * j] = tr;
            a[2 * j + 1] = ti;
        }
    }
    for (len = 2; len <= n; len <<= 1) {
        int32_t half = len >> 1, k;
        for (k = 0; k < half; k++) {
            double wr = cos(-2.0 * pi * k / len), wi = sin(-2.0 * pi * k / len);
            for (i = k; i < n; i += len) {
                double *u = a + 2 * i, *v = a + 2 * (i + half);
                double vr = v[0] * wr - v[1] * wi, vi = v[0] * wi + v[1] * wr;
                v[0] = u[0] - vr;
                v[1] = u[1] - vi;
                u[0] += vr;
                u[1] += vi;
            }
        }
    }
}

static tl_status tl_rfft2d_eval_f32(tl_interpreter *it, tl_node *node) {
    const rfft2d_data *d = node->op_data;
    const tl_tensor *len = tl_node_input(it, node, 1);
    const float *x = tl_node_input(it, node, 0)->data;
    float *y = tl_node_output(it, node, 0)->data;
    double *grid = d->scratch->data, *line = grid + 2 * (size_t)d->fft_h * d->bins;
    int32_t r, c;
    int64_t b;
    if (!len->is_constant && (tl_int_at(len, 0) != d->fft_h || tl_int_at(len, 1) != d->fft_w))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "fft_length does not give the output's shape");
    for (b = 0; b < d->batches; b++) {
        const float *xb = x + b * (int64_t)d->in_h * d->in_w;
        for (r = 0; r < d->fft_h; r++) { /* each row's transform, bins 0 .. fft_w / 2 */
            for (c = 0; c < d->fft_w; c++) {
                line[2 * c] = r < d->in_h && c < d->in_w ? xb[(int64_t)r * d->in_w + c] : 0.0;
                line[2 * c + 1] = 0.0;
            }
            fft(line, d->fft_w);
            for (c = 0; c < d->bins; c++) {
                grid[2 * ((int64_t)r * d->bins + c)] = line[2 * c];
                grid[2 * ((int64_t)r * d->bins + c) + 1] = line[2 * c + 1];
            }
        }
        for (c = 0; c < d->bins; c++) { /* then each kept column's */
            for (r = 0; r < d->fft_h; r++) {
                line[2 * r] = grid[2 * ((int64_t)r * d->bins + c)];
                line[2 * r + 1] = grid[2 * ((int64_t)r * d->bins + c) + 1];
            }
            fft(line, d->fft_h);
            for (r = 0; r < d->fft_h; r++) {
                float *o = y + 2 * ((b * d->fft_h + r) * d->bins + c);
                o[0] = (float)line[2 * r];
                o[1] = (float)line[2 * r + 1];
            }
        }
    }
    return TL_STATUS_OK;
}

tl_status tl_rfft2d_prepare(tl_interpreter *it, tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0), *len = tl_node_input(it, node, 1);
    const tl_tensor *out = tl_node_output(it, node, 0);
    rfft2d_data *d;
    int64_t fft_h, fft_w, line;
    int32_t i, n;
    if (!in || !len || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs input, fft_length and output");
    if (in->type != TL_TYPE_FLOAT32) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "input must be float32");
    if (out->type != TL_TYPE_COMPLEX64) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "output must be complex64");
    if (len->type != TL_TYPE_INT32 || tl_tensor_numel(len) != 2 || len->ndim != 1)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "fft_length must be an int32 vector of 2");
    n = in->ndim;
    if (n < 2 || out->ndim != n) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output need rank >= 2, the same");
    for (i = 0; i < n - 2; i++)
        if (in->dims[i] != out->dims[i])
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output's outer dims differ from the input's");
    fft_h = out->dims[n - 2];
    fft_w = out->dims[n - 1] > 1 ? 2 * ((int64_t)out->dims[n - 1] - 1) : 1;
    if (len->is_constant) {
        fft_h = tl_int_at(len, 0);
        fft_w = tl_int_at(len, 1);
        if (fft_h != out->dims[n - 2] || fft_w / 2 + 1 != out->dims[n - 1])
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output shape is not [..., fft_h, fft_w / 2 + 1]");
    }
    if (!is_pow2(fft_h) || !is_pow2(fft_w) || fft_h > (1 << 20) || fft_w > (1 << 20))
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fft_length must be powers of two (at most 2^20)");
    if (fft_w < 2) /* LiteRT's reference kernel gives [[1 - 1j], [5]] for [[1, 2, 3, 4], [5, 6, 7, 8]] and [2, 1] */
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED,
                       "fft_length's width must be at least 2 (LiteRT's result for width 1 is not the transform)");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    d->fft_h = (int32_t)fft_h;
    d->fft_w = (int32_t)fft_w;
    d->bins = (int32_t)(fft_w / 2 + 1);
    d->in_h = in->dims[n - 2];
    d->in_w = in->dims[n - 1];
    d->batches = 1;
    for (i = 0; i < n - 2; i++) d->batches *= in->dims[i];
    line = fft_h > fft_w ? fft_h : fft_w;
    d->scratch = tl_request_scratch(it, node, (size_t)(fft_h * d->bins + line) * 2 * sizeof(double));
    if (!d->scratch) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "scratch");
    node->op_data = d;
    node->eval = tl_rfft2d_eval_f32;
    return TL_STATUS_OK;
}
