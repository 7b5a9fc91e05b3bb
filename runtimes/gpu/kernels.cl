/* The GPU delegate's OpenCL C kernels (embedded into cl_source.c by embed_cl.py). Tensors are
 * NHWC. The host prepends the storage macros: float32 storage reads and writes floats; half
 * storage (the fp16 option) goes through vload_half / vstore_half_rte, which OpenCL 1.2 has
 * without cl_khr_fp16, and computes in float. store_t: float or half. lo/hi: the fused
 * activation's range (-INFINITY/INFINITY for none). Every kernel checks its indices against the
 * sizes it is given, so rounded-up global sizes are safe. */
#define ACT(v) fmin(fmax((v), lo), hi)

/* float32 <-> storage, for boundary tensors and constants in half storage */
__kernel void to_storage(__global const float *src, __global store_t *dst, int n) {
    int i = get_global_id(0);
    if (i < n) ST(dst, i, src[i]);
}

__kernel void from_storage(__global const store_t *src, __global float *dst, int n) {
    int i = get_global_id(0);
    if (i < n) dst[i] = LD(src, i);
}

/* Convolution, any filter size, stride and dilation: one output element per work-item
 * (dimension 0: output channel, 1: x, 2: batch * height). w: [kh][kw][in_c][out_c]. */
__kernel void conv2d(__global const store_t *x, __global const store_t *w, __global const store_t *b,
                     __global store_t *y, int H, int W, int C, int OH, int OW, int OC, int KH, int KW, int SH,
                     int SW, int DH, int DW, int PH, int PW, int rows, float lo, float hi) {
    int oc = get_global_id(0), ox = get_global_id(1), nb = get_global_id(2);
    int n = nb / OH, oy = nb % OH;
    float acc;
    if (oc >= OC || ox >= OW || nb >= rows) return;
    acc = LD(b, oc);
    for (int ky = 0; ky < KH; ky++) {
        int iy = oy * SH - PH + ky * DH;
        if (iy < 0 || iy >= H) continue;
        for (int kx = 0; kx < KW; kx++) {
            int ix = ox * SW - PW + kx * DW;
            int xp, wp;
            if (ix < 0 || ix >= W) continue;
            xp = ((n * H + iy) * W + ix) * C;
            wp = (ky * KW + kx) * C * OC + oc;
            for (int c = 0; c < C; c++) acc += LD(x, xp + c) * LD(w, wp + c * OC);
        }
    }
    ST(y, ((n * OH + oy) * OW + ox) * OC + oc, ACT(acc));
}

/* 3x3 convolution (dilation 1), four output channels per work-item (OC a multiple of 4);
 * dimension 0: output channel / 4. */
__kernel void conv3x3(__global const store_t *x, __global const store_t *w, __global const store_t *b,
                      __global store_t *y, int H, int W, int C, int OH, int OW, int OC, int SH, int SW, int PH,
                      int PW, int rows, float lo, float hi) {
    int oc = get_global_id(0) * 4, ox = get_global_id(1), nb = get_global_id(2);
    int n = nb / OH, oy = nb % OH;
    float4 acc;
    if (oc >= OC || ox >= OW || nb >= rows) return;
    acc = (float4)(LD(b, oc), LD(b, oc + 1), LD(b, oc + 2), LD(b, oc + 3));
    for (int ky = 0; ky < 3; ky++) {
        int iy = oy * SH - PH + ky;
        if (iy < 0 || iy >= H) continue;
        for (int kx = 0; kx < 3; kx++) {
            int ix = ox * SW - PW + kx;
            int xp, wp;
            if (ix < 0 || ix >= W) continue;
            xp = ((n * H + iy) * W + ix) * C;
            wp = (ky * 3 + kx) * C * OC + oc;
            for (int c = 0; c < C; c++) {
                float v = LD(x, xp + c);
                int q = wp + c * OC;
                acc += v * (float4)(LD(w, q), LD(w, q + 1), LD(w, q + 2), LD(w, q + 3));
            }
        }
    }
    acc = fmin(fmax(acc, (float4)(lo)), (float4)(hi));
    int o = ((n * OH + oy) * OW + ox) * OC + oc;
    ST(y, o, acc.x);
    ST(y, o + 1, acc.y);
    ST(y, o + 2, acc.z);
    ST(y, o + 3, acc.w);
}

/* y[M][N] = act(x[M][K] * w[K][N] + b[N]): 1x1 convolutions (stride 1, no padding) and fully
 * connected layers. Work-groups of 16 x 16 outputs step through K in 16-wide tiles staged in
 * local memory; dimension 0: column (N), 1: row (M). */
#define TS 16
__kernel __attribute__((reqd_work_group_size(TS, TS, 1)))
void gemm(__global const store_t *x, __global const store_t *w, __global const store_t *b, __global store_t *y,
          int M, int K, int N, float lo, float hi) {
    __local float xs[TS][TS];
    __local float ws[TS][TS + 1];
    int col = get_global_id(0), row = get_global_id(1), lc = get_local_id(0), lr = get_local_id(1);
    float acc = 0.0f;
    for (int t = 0; t < K; t += TS) {
        int kx = t + lc, kw = t + lr;
        xs[lr][lc] = (row < M && kx < K) ? LD(x, row * K + kx) : 0.0f;
        ws[lr][lc] = (kw < K && col < N) ? LD(w, kw * N + col) : 0.0f;
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int k = 0; k < TS; k++) acc += xs[lr][k] * ws[k][lc];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (row < M && col < N) ST(y, row * N + col, ACT(acc + LD(b, col)));
}

/* Depthwise convolution: output channel oc reads input channel oc / MULT; w: [kh][kw][OC]. */
__kernel void depthwise(__global const store_t *x, __global const store_t *w, __global const store_t *b,
                        __global store_t *y, int H, int W, int C, int OH, int OW, int OC, int KH, int KW, int SH,
                        int SW, int DH, int DW, int PH, int PW, int MULT, int rows, float lo, float hi) {
    int oc = get_global_id(0), ox = get_global_id(1), nb = get_global_id(2);
    int n = nb / OH, oy = nb % OH, ic = oc / MULT;
    float acc;
    if (oc >= OC || ox >= OW || nb >= rows) return;
    acc = LD(b, oc);
    for (int ky = 0; ky < KH; ky++) {
        int iy = oy * SH - PH + ky * DH;
        if (iy < 0 || iy >= H) continue;
        for (int kx = 0; kx < KW; kx++) {
            int ix = ox * SW - PW + kx * DW;
            if (ix < 0 || ix >= W) continue;
            acc += LD(x, ((n * H + iy) * W + ix) * C + ic) * LD(w, (ky * KW + kx) * OC + oc);
        }
    }
    ST(y, ((n * OH + oy) * OW + ox) * OC + oc, ACT(acc));
}

/* Elementwise a (op) b over a 4-D output with broadcasting: sa / sb are the operands' strides
 * per output dimension (0 where an operand is broadcast). op: 0 add, 1 sub, 2 mul, 3 prelu
 * (b is alpha). */
__kernel void binary(__global const store_t *a, __global const store_t *b, __global store_t *y, int op,
                     int d1, int d2, int d3, int sa0, int sa1, int sa2, int sa3, int sb0, int sb1, int sb2,
                     int sb3, int total, float lo, float hi) {
    int i = get_global_id(0);
    int i3, i2, i1, i0, r;
    float va, vb, v;
    if (i >= total) return;
    i3 = i % d3;
    r = i / d3;
    i2 = r % d2;
    r /= d2;
    i1 = r % d1;
    i0 = r / d1;
    va = LD(a, i0 * sa0 + i1 * sa1 + i2 * sa2 + i3 * sa3);
    vb = LD(b, i0 * sb0 + i1 * sb1 + i2 * sb2 + i3 * sb3);
    if (op == 0) v = va + vb;
    else if (op == 1) v = va - vb;
    else if (op == 2) v = va * vb;
    else v = va >= 0.0f ? va : va * vb;
    ST(y, i, ACT(v));
}

/* op: 0 relu, 1 relu6, 2 relu_n1_to_1, 3 logistic, 4 tanh, 5 hard_swish. */
__kernel void unary(__global const store_t *x, __global store_t *y, int op, int total) {
    int i = get_global_id(0);
    float v, r;
    if (i >= total) return;
    v = LD(x, i);
    if (op == 0) r = fmax(v, 0.0f);
    else if (op == 1) r = fmin(fmax(v, 0.0f), 6.0f);
    else if (op == 2) r = fmin(fmax(v, -1.0f), 1.0f);
    else if (op == 3) r = 1.0f / (1.0f + exp(-v));
    else if (op == 4) r = tanh(v);
    else r = v * fmin(fmax(v + 3.0f, 0.0f), 6.0f) / 6.0f;
    ST(y, i, r);
}

/* Max (is_max 1) or average pooling; the average counts only the taps inside the input. */
__kernel void pool(__global const store_t *x, __global store_t *y, int H, int W, int C, int OH, int OW, int KH,
                   int KW, int SH, int SW, int PH, int PW, int is_max, int rows, float lo, float hi) {
    int c = get_global_id(0), ox = get_global_id(1), nb = get_global_id(2);
    int n = nb / OH, oy = nb % OH, count = 0;
    float acc;
    if (c >= C || ox >= OW || nb >= rows) return;
    acc = is_max ? -FLT_MAX : 0.0f;
    for (int ky = 0; ky < KH; ky++) {
        int iy = oy * SH - PH + ky;
        if (iy < 0 || iy >= H) continue;
        for (int kx = 0; kx < KW; kx++) {
            int ix = ox * SW - PW + kx;
            float v;
            if (ix < 0 || ix >= W) continue;
            v = LD(x, ((n * H + iy) * W + ix) * C + c);
            acc = is_max ? fmax(acc, v) : acc + v;
            count++;
        }
    }
    if (!is_max) acc = count > 0 ? acc / (float)count : 0.0f;
    ST(y, ((n * OH + oy) * OW + ox) * C + c, ACT(acc));
}

/* Mean over one block of adjacent axes: x seen as [outer][red][inner]. */
__kernel void mean(__global const store_t *x, __global store_t *y, int red, int inner, int total) {
    int i = get_global_id(0);
    int o, k;
    float acc = 0.0f;
    if (i >= total) return;
    o = i / inner;
    k = i % inner;
    for (int r = 0; r < red; r++) acc += LD(x, (o * red + r) * inner + k);
    ST(y, i, acc / (float)red);
}

/* Softmax over the last dimension, one row per work-item. */
__kernel void softmax(__global const store_t *x, __global store_t *y, int depth, float beta, int rows) {
    int row = get_global_id(0);
    int base = row * depth;
    float m, sum = 0.0f;
    if (row >= rows) return;
    m = LD(x, base);
    for (int c = 1; c < depth; c++) m = fmax(m, LD(x, base + c));
    for (int c = 0; c < depth; c++) sum += exp((LD(x, base + c) - m) * beta);
    for (int c = 0; c < depth; c++) ST(y, base + c, exp((LD(x, base + c) - m) * beta) / sum);
}

/* Copies src [outer][inner_src] into dst [outer][inner_dst] at column `offset` (concatenation;
 * reshape with inner_src == inner_dst and offset 0), applying a fused activation when act is 1. */
__kernel void copy_slab(__global const store_t *src, __global store_t *dst, int inner_src, int inner_dst, int offset,
                        int total, int act, float lo, float hi) {
    int i = get_global_id(0);
    float v;
    if (i >= total) return;
    v = LD(src, i);
    ST(dst, (i / inner_src) * inner_dst + offset + i % inner_src, act ? ACT(v) : v);
}

/* Constant padding of a 4-D tensor: out dims o0..o3, input dims n1..n3 (n0 implied), `before`
 * padding per dimension. */
__kernel void pad(__global const store_t *x, __global store_t *y, int n0, int n1, int n2, int n3, int o1, int o2,
                  int o3, int b0, int b1, int b2, int b3, float value, int total) {
    int i = get_global_id(0);
    int c3, c2, c1, c0, r;
    if (i >= total) return;
    c3 = i % o3 - b3;
    r = i / o3;
    c2 = r % o2 - b2;
    r /= o2;
    c1 = r % o1 - b1;
    c0 = r / o1 - b0;
    if (c0 < 0 || c0 >= n0 || c1 < 0 || c1 >= n1 || c2 < 0 || c2 >= n2 || c3 < 0 || c3 >= n3) ST(y, i, value);
    else ST(y, i, LD(x, ((c0 * n1 + c1) * n2 + c2) * n3 + c3));
}

/* Resizing, TFLite's rules: bilinear (source (dst [+ 0.5]) * scale [- 0.5], y0 = max(floor, 0),
 * y1 = min(ceil, in - 1)) or nearest (min(align ? round : floor of (dst [+ 0.5]) * scale, in - 1),
 * at least 0). */
__kernel void resize(__global const store_t *x, __global store_t *y, int H, int W, int C, int OH, int OW, float sh,
                     float sw, int bilinear, int align, int half_px, int total) {
    int i = get_global_id(0);
    int c, ox, oy, n, r;
    if (i >= total) return;
    c = i % C;
    r = i / C;
    ox = r % OW;
    r /= OW;
    oy = r % OH;
    n = r / OH;
    if (bilinear) {
        float iy = half_px ? ((float)oy + 0.5f) * sh - 0.5f : (float)oy * sh;
        float ix = half_px ? ((float)ox + 0.5f) * sw - 0.5f : (float)ox * sw;
        int y0 = max((int)floor(iy), 0), y1 = min((int)ceil(iy), H - 1);
        int x0 = max((int)floor(ix), 0), x1 = min((int)ceil(ix), W - 1);
        float dy = iy - (float)y0, dx = ix - (float)x0;
        float v = LD(x, ((n * H + y0) * W + x0) * C + c) * (1 - dy) * (1 - dx) +
                  LD(x, ((n * H + y1) * W + x0) * C + c) * dy * (1 - dx) +
                  LD(x, ((n * H + y0) * W + x1) * C + c) * (1 - dy) * dx +
                  LD(x, ((n * H + y1) * W + x1) * C + c) * dy * dx;
        ST(y, i, v);
    } else {
        float py = ((float)oy + (half_px ? 0.5f : 0.0f)) * sh, px = ((float)ox + (half_px ? 0.5f : 0.0f)) * sw;
        int sy = (int)(align ? round(py) : floor(py)), sx = (int)(align ? round(px) : floor(px));
        sy = max(min(sy, H - 1), 0);
        sx = max(min(sx, W - 1), 0);
        ST(y, i, LD(x, ((n * H + sy) * W + sx) * C + c));
    }
}
