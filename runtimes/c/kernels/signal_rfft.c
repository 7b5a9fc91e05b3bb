/* SignalRfft (TFLM signal library, CUSTOM), int16: the real FFT of each innermost frame, zero
 * padded to fft_length, as fft_length / 2 + 1 complex int16 bins (interleaved re, im) with TFLM's
 * fixed-point arithmetic, that of KISS FFT 1.3.0 built for 16-bit samples (which TFLM uses):
 *  - a complex FFT of fft_length / 2 points over the frame read as (even, odd) sample pairs,
 *    decimated in time by radix 4 first, then 2, then 3 and 5 (kiss_fft's factor order), each
 *    butterfly dividing its inputs by the radix (x * (32767 / radix), rounded) so nothing overflows;
 *  - products rounded in Q15: (a * b + 2^14) >> 15, the twiddles round(32767 * cos / sin) of
 *    -2 pi k / N in double precision;
 *  - the split into the real spectrum: halve both conjugate halves, combine with the "super
 *    twiddles" e^(-i pi ((k + 1) / N + 1/2)), halve again.
 * int16 results wrap as the C++ stores do. fft_length / 2 must factor into 2, 3 and 5 (KISS's
 * generic radix is not provided). Options: {T: 7 (int16), fft_length}. */
#include <math.h>

#include "../src/kernel_api.h"
#include "common/signal_math.h"

enum { MAX_STAGES = 20, TYPE_INT16 = 7 }; /* each factor is 2 or more and n is at most 2^19 */

typedef struct {
    int32_t r, i;
} cpx;

/* The op data, one allocation: this record, then the twiddles (n complex, re and im int16 pairs), then the super
 * twiddles (n / 2 complex). No scratch: the complex FFT reads the frame in place (samples past its end read as 0)
 * and writes the output frame's first n bins, which the split into the real spectrum then turns in place. */
typedef struct {
    int32_t n;              /* complex FFT length: fft_length / 2 */
    int32_t in_len, frames, out_len; /* samples per input frame, int16 values per output frame */
    uint8_t stages, radix[MAX_STAGES];
} rfft_data;

static const int16_t *twiddles_of(const rfft_data *d) { return (const int16_t *)(const void *)(d + 1); }
static const int16_t *super_of(const rfft_data *d) { return twiddles_of(d) + 2 * (size_t)d->n; }

static int16_t sround(int32_t x) { return tl_wrap16((x + (1 << 14)) >> 15); }

static cpx load(const int16_t *a, int64_t k) {
    cpx c;
    c.r = a[2 * k];
    c.i = a[2 * k + 1];
    return c;
}

static void store(int16_t *a, int64_t k, cpx c) {
    a[2 * k] = tl_wrap16(c.r);
    a[2 * k + 1] = tl_wrap16(c.i);
}

static cpx fixdiv(cpx c, int32_t radix) {
    c.r = sround(c.r * (32767 / radix));
    c.i = sround(c.i * (32767 / radix));
    return c;
}

static cpx mul(cpx a, cpx b) {
    cpx m;
    m.r = sround(a.r * b.r - a.i * b.i);
    m.i = sround(a.r * b.i + a.i * b.r);
    return m;
}

static cpx add(cpx a, cpx b) {
    a.r = tl_wrap16(a.r + b.r);
    a.i = tl_wrap16(a.i + b.i);
    return a;
}

static cpx sub(cpx a, cpx b) {
    a.r = tl_wrap16(a.r - b.r);
    a.i = tl_wrap16(a.i - b.i);
    return a;
}

/* Radix-p butterflies over f[0 .. p*m) (complex), twiddle stride `st`. */
static void bfly2(const int16_t *tw, int16_t *f, size_t st, int32_t m) {
    int32_t k;
    for (k = 0; k < m; k++) {
        cpx a = fixdiv(load(f, k), 2), b = fixdiv(load(f, k + m), 2);
        cpx t = mul(b, load(tw, (int64_t)(k * st)));
        store(f, k + m, sub(a, t));
        store(f, k, add(a, t));
    }
}

static void bfly3(const int16_t *tw, int16_t *f, size_t st, int32_t m) {
    int32_t k;
    int32_t e = load(tw, (int64_t)(st * (size_t)m)).i; /* imaginary part of e^(-2 pi i / 3) */
    for (k = 0; k < m; k++) {
        cpx a = fixdiv(load(f, k), 3), b = fixdiv(load(f, k + m), 3), c = fixdiv(load(f, k + 2 * m), 3);
        cpx s1 = mul(b, load(tw, (int64_t)(k * st))), s2 = mul(c, load(tw, (int64_t)(2 * k * st)));
        cpx sum = add(s1, s2), diff = sub(s1, s2), mid, lo, hi;
        mid.r = tl_wrap16(a.r - (sum.r >> 1));
        mid.i = tl_wrap16(a.i - (sum.i >> 1));
        diff.r = sround(diff.r * e);
        diff.i = sround(diff.i * e);
        a = add(a, sum);
        hi.r = mid.r + diff.i;
        hi.i = mid.i - diff.r;
        lo.r = mid.r - diff.i;
        lo.i = mid.i + diff.r;
        store(f, k, a);
        store(f, k + m, lo);
        store(f, k + 2 * m, hi);
    }
}

static void bfly4(const int16_t *tw, int16_t *f, size_t st, int32_t m) {
    int32_t k;
    for (k = 0; k < m; k++) {
        cpx a = fixdiv(load(f, k), 4), b = fixdiv(load(f, k + m), 4);
        cpx c = fixdiv(load(f, k + 2 * m), 4), e = fixdiv(load(f, k + 3 * m), 4);
        cpx s0 = mul(b, load(tw, (int64_t)(k * st)));
        cpx s1 = mul(c, load(tw, (int64_t)(2 * k * st)));
        cpx s2 = mul(e, load(tw, (int64_t)(3 * k * st)));
        cpx s5 = sub(a, s1), s3, s4, q1, q3;
        a = add(a, s1);
        s3 = add(s0, s2);
        s4 = sub(s0, s2);
        store(f, k + 2 * m, sub(a, s3));
        a = add(a, s3);
        q1.r = s5.r + s4.i; /* forward transform: multiply by -i */
        q1.i = s5.i - s4.r;
        q3.r = s5.r - s4.i;
        q3.i = s5.i + s4.r;
        store(f, k, a);
        store(f, k + m, q1);
        store(f, k + 3 * m, q3);
    }
}

static void bfly5(const int16_t *tw, int16_t *f, size_t st, int32_t m) {
    int32_t u;
    cpx ya = load(tw, (int64_t)(st * (size_t)m)), yb = load(tw, (int64_t)(2 * st * (size_t)m));
    for (u = 0; u < m; u++) {
        cpx x0 = fixdiv(load(f, u), 5), x1 = fixdiv(load(f, u + m), 5), x2 = fixdiv(load(f, u + 2 * m), 5);
        cpx x3 = fixdiv(load(f, u + 3 * m), 5), x4 = fixdiv(load(f, u + 4 * m), 5);
        cpx s1 = mul(x1, load(tw, (int64_t)(u * st))), s2 = mul(x2, load(tw, (int64_t)(2 * u * st)));
        cpx s3 = mul(x3, load(tw, (int64_t)(3 * u * st))), s4 = mul(x4, load(tw, (int64_t)(4 * u * st)));
        cpx s7 = add(s1, s4), s10 = sub(s1, s4), s8 = add(s2, s3), s9 = sub(s2, s3), s5, s6, s11, s12, y0;
        y0.r = x0.r + s7.r + s8.r;
        y0.i = x0.i + s7.i + s8.i;
        s5.r = tl_wrap16(x0.r + sround(s7.r * ya.r) + sround(s8.r * yb.r));
        s5.i = tl_wrap16(x0.i + sround(s7.i * ya.r) + sround(s8.i * yb.r));
        s6.r = tl_wrap16(sround(s10.i * ya.i) + sround(s9.i * yb.i));
        s6.i = tl_wrap16(-sround(s10.r * ya.i) - sround(s9.r * yb.i));
        s11.r = tl_wrap16(x0.r + sround(s7.r * yb.r) + sround(s8.r * ya.r));
        s11.i = tl_wrap16(x0.i + sround(s7.i * yb.r) + sround(s8.i * ya.r));
        s12.r = tl_wrap16(-sround(s10.i * yb.i) + sround(s9.i * ya.i));
        s12.i = tl_wrap16(sround(s10.r * yb.i) - sround(s9.r * ya.i));
        store(f, u, y0);
        store(f, u + m, sub(s5, s6));
        store(f, u + 4 * m, add(s5, s6));
        store(f, u + 2 * m, add(s11, s12));
        store(f, u + 3 * m, sub(s11, s12));
    }
}

/* Complex value j of the frame read as (even, odd) sample pairs, zero padded past its in_len samples. */
static cpx load_frame(const int16_t *x, int32_t in_len, size_t j) {
    cpx c;
    c.r = 2 * j < (size_t)in_len ? x[2 * j] : 0;
    c.i = 2 * j + 1 < (size_t)in_len ? x[2 * j + 1] : 0;
    return c;
}

/* One stage of the decimation in time over `len` complex values: the p sub-transforms of length m = len / p (each
 * over every p-th input, recursively), then this stage's butterflies; the input is the frame's complex values
 * first, first + st, ...; `st` is also the twiddle stride. */
static void fft_stage(const rfft_data *d, int16_t *out, const int16_t *x, size_t first, size_t st, int32_t len,
                      int32_t stage) {
    const int16_t *tw = twiddles_of(d);
    int32_t p = d->radix[stage], m = len / p, k;
    if (m == 1) {
        for (k = 0; k < p; k++) store(out, k, load_frame(x, d->in_len, first + (size_t)k * st));
    } else {
        for (k = 0; k < p; k++) fft_stage(d, out + 2 * (size_t)k * (size_t)m, x, first + (size_t)k * st, st * (size_t)p, m, stage + 1);
    }
    switch (p) {
    case 2: bfly2(tw, out, st, m); break;
    case 3: bfly3(tw, out, st, m); break;
    case 4: bfly4(tw, out, st, m); break;
    default: bfly5(tw, out, st, m); break;
    }
}

static tl_status tl_signal_rfft_eval_s16(tl_interpreter *it, tl_node *node) {
    const rfft_data *d = node->op_data;
    const int16_t *x = tl_node_input(it, node, 0)->data;
    int16_t *y = tl_node_output(it, node, 0)->data;
    const int16_t *super = super_of(d);
    int32_t n = d->n, fr, k;
    for (fr = 0; fr < d->frames; fr++, x += d->in_len, y += d->out_len) {
        cpx dc, out0, outn;
        fft_stage(d, y, x, 0, 1, n, 0); /* the complex FFT into bins 0 .. n - 1 */
        /* bins 0 and n from the DC term's real and imaginary halves */
        dc = fixdiv(load(y, 0), 2);
        out0.r = dc.r + dc.i;
        outn.r = dc.r - dc.i;
        out0.i = outn.i = 0;
        store(y, 0, out0);
        store(y, n, outn);
        for (k = 1; k <= n / 2; k++) {
            cpx fk = fixdiv(load(y, k), 2), fnk = load(y, n - k), sum, diff, tw, lo, hi; /* read before written */
            fnk.i = tl_wrap16(-fnk.i);
            fnk = fixdiv(fnk, 2);
            sum = add(fk, fnk);
            diff = sub(fk, fnk);
            tw = mul(diff, load(super, k - 1));
            lo.r = (sum.r + tw.r) >> 1;
            lo.i = (sum.i + tw.i) >> 1;
            hi.r = (sum.r - tw.r) >> 1;
            hi.i = (tw.i - sum.i) >> 1;
            store(y, k, lo);
            store(y, n - k, hi);
        }
    }
    return TL_STATUS_OK;
}

/* kiss_fft's factorization of n: 4s first, then 2s, then odd factors; a factor above floor(sqrt(n))
 * ends it with the rest. 0 if a factor is not 2, 3, 4 or 5. */
static int factor(rfft_data *d) {
    int32_t n = d->n, p = 4, root = (int32_t)floor(sqrt((double)n));
    d->stages = 0;
    do {
        while (n % p) {
            p = p == 4 ? 2 : (p == 2 ? 3 : p + 2);
            if (p > root) p = n;
        }
        if (p > 5 || d->stages == MAX_STAGES) return 0;
        n /= p;
        d->radix[d->stages++] = (uint8_t)p;
    } while (n > 1);
    return 1;
}

static void twiddle(int16_t *t, int64_t k, double phase) {
    t[2 * k] = (int16_t)floor(0.5 + 32767 * cos(phase));
    t[2 * k + 1] = (int16_t)floor(0.5 + 32767 * sin(phase));
}

tl_status tl_signal_rfft_prepare(tl_interpreter *it, tl_node *node) {
    const double pi = 3.141592653589793238462643383279502884197169399375105820974944;
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    tl_flex_map opts;
    rfft_data *d;
    int16_t *twiddles, *super;
    int32_t type, fft_length, k;
    int64_t in_n, out_n;
    if (tl_node_num_inputs(node) != 1 || tl_node_num_outputs(node) != 1 || !in || !out)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs an input and an output");
    if (tl_node_flex_options(it, node, &opts) != TL_STATUS_OK) return TL_STATUS_MODEL_INVALID;
    if (tl_flex_map_i32(&opts, "T", &type) != TL_STATUS_OK || tl_flex_map_i32(&opts, "fft_length", &fft_length) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options T and fft_length");
    if (type != TYPE_INT16 || in->type != TL_TYPE_INT16 || out->type != TL_TYPE_INT16)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "SignalRfft supports int16 only");
    if (fft_length < 4 || fft_length % 2 || fft_length > 1 << 20)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fft_length must be even, 4 .. 2^20");
    if (in->ndim < 1 || out->ndim != in->ndim || in->dims[in->ndim - 1] < 1 || in->dims[in->ndim - 1] > fft_length ||
        out->dims[out->ndim - 1] != fft_length + 2)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "frames of at most fft_length samples to fft_length + 2 values");
    in_n = tl_tensor_numel(in);
    out_n = tl_tensor_numel(out);
    /* the record and both tables (3n complex int16 after it) */
    d = tl_alloc_persistent(it, sizeof *d + (size_t)(fft_length / 2) * 3 * sizeof(int16_t));
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data and FFT tables");
    node->op_data = d;
    d->n = fft_length / 2;
    d->in_len = in->dims[in->ndim - 1];
    d->out_len = fft_length + 2;
    d->frames = (int32_t)(in_n / d->in_len);
    if (out_n / d->out_len != d->frames)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output frame counts differ");
    if (!factor(d)) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fft_length / 2 must factor into 2, 3 and 5");
    twiddles = (int16_t *)(void *)(d + 1);
    super = twiddles + 2 * (size_t)d->n;
    for (k = 0; k < d->n; k++) twiddle(twiddles, k, -2 * pi * k / d->n);
    for (k = 0; k < d->n / 2; k++)
        twiddle(super, k, -3.14159265358979323846264338327 * ((double)(k + 1) / d->n + .5));
    node->eval = tl_signal_rfft_eval_s16;
    return TL_STATUS_OK;
}
