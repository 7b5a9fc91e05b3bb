/* The int8 GEMM's WebAssembly SIMD128 micro-kernel (see gemm_s8.h), on the int16-pair packing x86
 * uses: for each pair of k, a broadcast pair of A values (one 32-bit splat of the widened rows in the
 * scratch) is multiplied into 4 channels' weight pairs by i32x4.dot_i16x8_s, which adds each pair's
 * two products into an int32 lane (exact: |products| <= 2 * 128 * 128), as pmaddwd does. Blocks of
 * 4 rows x 8 channels (8 sums, 2 weight vectors: the engines' 16 x86-64 registers hold them). The
 * int32 sums are requantized four lanes at a time by requant_wasm.h (LiteRT's arithmetic, equal to the
 * scalar tl_multiply_by_quantized_multiplier for every input it takes; shifts outside [-31, 31] use the
 * scalar), so outputs equal the reference kernels' bit for bit. Built
 * with -msimd128 (runtimes/wasm/build.sh); other targets compile this file to nothing. */
#include "gemm_s8.h"

#if defined(__wasm_simd128__)
#include <string.h>
#include <wasm_simd128.h>

#include "../common/quant_math.h"
#include "requant_wasm.h"

#define MR 4
#define HALF 8

/* Rows of A as int16 (kpad wide, the odd k's partner zero). */
static void widen(int32_t rows, int32_t k, int32_t kpad, const int8_t *a, int32_t lda, int16_t *out) {
    int32_t r, kk;
    for (r = 0; r < rows; r++) {
        const int8_t *src = a + (int64_t)r * lda;
        int16_t *dst = out + (int64_t)r * kpad;
        for (kk = 0; kk + 8 <= k; kk += 8) wasm_v128_store(dst + kk, wasm_i16x8_load8x8(src + kk));
        for (; kk < k; kk++) dst[kk] = src[kk];
        if (kpad > k) dst[k] = 0;
    }
}

/* Whether every shift of channels [ch, ch + 8) is one requant_wasm.h takes. */
static int shifts_in_range(const int32_t *shift) {
    int32_t j;
    for (j = 0; j < HALF; j++)
        if (shift[j] < -31 || shift[j] > 31) return 0;
    return 1;
}

/* Sum + bias of `rows` x `cols` (row r's 8 sums in s[2r], s[2r+1]) into c (int8, requantized) or c32. */
static void store(const v128_t *s, int32_t rows, int32_t cols, const tl_gemm_s8_params *p, int32_t ch, int8_t *c,
                  int32_t *c32, int32_t ldc) {
    const v128_t b0 = wasm_v128_load(p->bias + ch), b1 = wasm_v128_load(p->bias + ch + 4);
    int32_t acc[HALF], r, j;
    if (c32) {
        for (r = 0; r < rows; r++) {
            wasm_v128_store(acc, wasm_i32x4_add(s[2 * r], b0));
            wasm_v128_store(acc + 4, wasm_i32x4_add(s[2 * r + 1], b1));
            for (j = 0; j < cols; j++) c32[(int64_t)r * ldc + j] = acc[j];
        }
        return;
    }
    if (shifts_in_range(p->shift + ch)) { /* requant_wasm.h, then the scalar's bound, offset and clamp */
        const tl_requant_wasm q0 = tl_requant_wasm_setup(p->mult + ch, p->shift + ch);
        const tl_requant_wasm q1 = tl_requant_wasm_setup(p->mult + ch + 4, p->shift + ch + 4);
        const v128_t bound = wasm_i32x4_splat(1 << 16), nbound = wasm_i32x4_splat(-(1 << 16));
        const v128_t offset = wasm_i32x4_splat(p->out_offset), lo = wasm_i32x4_splat(p->q_lo), hi = wasm_i32x4_splat(p->q_hi);
        for (r = 0; r < rows; r++) {
            v128_t v0 = tl_requant_wasm_apply(wasm_i32x4_add(s[2 * r], b0), &q0);
            v128_t v1 = tl_requant_wasm_apply(wasm_i32x4_add(s[2 * r + 1], b1), &q1);
            int8_t out[16];
            v0 = wasm_i32x4_add(wasm_i32x4_min(wasm_i32x4_max(v0, nbound), bound), offset);
            v1 = wasm_i32x4_add(wasm_i32x4_min(wasm_i32x4_max(v1, nbound), bound), offset);
            v0 = wasm_i32x4_min(wasm_i32x4_max(v0, lo), hi);
            v1 = wasm_i32x4_min(wasm_i32x4_max(v1, lo), hi);
            v0 = wasm_i16x8_narrow_i32x4(v0, v1); /* inside int8 already: the narrowings keep the values */
            wasm_v128_store(out, wasm_i8x16_narrow_i16x8(v0, v0));
            memcpy(c + (int64_t)r * ldc, out, (size_t)cols);
        }
        return;
    }
    for (r = 0; r < rows; r++) {
        wasm_v128_store(acc, wasm_i32x4_add(s[2 * r], b0));
        wasm_v128_store(acc + 4, wasm_i32x4_add(s[2 * r + 1], b1));
        for (j = 0; j < cols; j++) {
            int32_t v = tl_multiply_by_quantized_multiplier(acc[j], p->mult[ch + j], p->shift[ch + j]);
            v = tl_clamp_i32(v, -(1 << 16), 1 << 16); /* as the portable kernel: the offset cannot overflow */
            c[(int64_t)r * ldc + j] = (int8_t)tl_clamp_i32(v + p->out_offset, p->q_lo, p->q_hi);
        }
    }
}

static v128_t splat_pair(const int16_t *x) {
    int32_t v;
    memcpy(&v, x, sizeof v);
    return wasm_i32x4_splat(v);
}

static void gemm_wasm(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda, const tl_gemm_s8_params *p,
                      int8_t *c, int32_t *c32, int32_t ldc, int16_t *scratch) {
    const int32_t kpad = tl_gemm_s8_kpad(k);
    int32_t i, pn, h, kk;
    for (i = 0; i < m; i += MR) {
        int32_t rows = m - i < MR ? m - i : MR;
        const int16_t *x0 = scratch, *x1 = scratch + kpad, *x2 = scratch + 2 * (int64_t)kpad, *x3 = scratch + 3 * (int64_t)kpad;
        widen(rows, k, kpad, a + (int64_t)i * lda, lda, scratch);
        for (pn = 0; pn < n; pn += TL_GEMM_NR) {
            int32_t cols = n - pn < TL_GEMM_NR ? n - pn : TL_GEMM_NR;
            for (h = 0; h < cols; h += HALF) {
                /* the half panel: for each k pair, 8 channels' pairs (16 int16), rows 2 * NR int16 apart */
                const int16_t *w = p->packed + (int64_t)pn * kpad + 2 * h;
                v128_t s[2 * MR];
                int32_t hc = cols - h < HALF ? cols - h : HALF, r;
                for (r = 0; r < 2 * MR; r++) s[r] = wasm_i32x4_splat(0);
                if (rows == MR) {
                    v128_t s00 = s[0], s01 = s[0], s10 = s[0], s11 = s[0], s20 = s[0], s21 = s[0], s30 = s[0], s31 = s[0];
                    for (kk = 0; kk < kpad; kk += 2, w += 2 * TL_GEMM_NR) {
                        const v128_t w0 = wasm_v128_load(w), w1 = wasm_v128_load(w + 8);
                        v128_t x = splat_pair(x0 + kk);
                        s00 = wasm_i32x4_add(s00, wasm_i32x4_dot_i16x8(x, w0));
                        s01 = wasm_i32x4_add(s01, wasm_i32x4_dot_i16x8(x, w1));
                        x = splat_pair(x1 + kk);
                        s10 = wasm_i32x4_add(s10, wasm_i32x4_dot_i16x8(x, w0));
                        s11 = wasm_i32x4_add(s11, wasm_i32x4_dot_i16x8(x, w1));
                        x = splat_pair(x2 + kk);
                        s20 = wasm_i32x4_add(s20, wasm_i32x4_dot_i16x8(x, w0));
                        s21 = wasm_i32x4_add(s21, wasm_i32x4_dot_i16x8(x, w1));
                        x = splat_pair(x3 + kk);
                        s30 = wasm_i32x4_add(s30, wasm_i32x4_dot_i16x8(x, w0));
                        s31 = wasm_i32x4_add(s31, wasm_i32x4_dot_i16x8(x, w1));
                    }
                    s[0] = s00, s[1] = s01, s[2] = s10, s[3] = s11, s[4] = s20, s[5] = s21, s[6] = s30, s[7] = s31;
                } else {
                    for (kk = 0; kk < kpad; kk += 2, w += 2 * TL_GEMM_NR) {
                        const v128_t w0 = wasm_v128_load(w), w1 = wasm_v128_load(w + 8);
                        for (r = 0; r < rows; r++) {
                            v128_t x = splat_pair(scratch + (int64_t)r * kpad + kk);
                            s[2 * r] = wasm_i32x4_add(s[2 * r], wasm_i32x4_dot_i16x8(x, w0));
                            s[2 * r + 1] = wasm_i32x4_add(s[2 * r + 1], wasm_i32x4_dot_i16x8(x, w1));
                        }
                    }
                }
                store(s, rows, hc, p, pn + h, c ? c + (int64_t)i * ldc + pn + h : NULL,
                      c32 ? c32 + (int64_t)i * ldc + pn + h : NULL, ldc);
            }
        }
    }
}

void tl_gemm_s8_wasm(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda, const tl_gemm_s8_params *p,
                     int8_t *c, int32_t ldc, int16_t *scratch) {
    gemm_wasm(m, n, k, a, lda, p, c, NULL, ldc, scratch);
}

void tl_gemm_s8_wasm_raw(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda, const tl_gemm_s8_params *p,
                         int32_t *c, int32_t ldc, int16_t *scratch) {
    gemm_wasm(m, n, k, a, lda, p, NULL, c, ldc, scratch);
}

#else
typedef int tl_gemm_s8_wasm_unused; /* ISO C: a translation unit holds at least one declaration */
#endif
