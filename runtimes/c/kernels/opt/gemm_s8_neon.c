/* The int8 GEMM's AArch64 micro-kernels (see gemm_s8.h), requantizing with requant_neon.h:
 *
 * - NEON (every AArch64 CPU): the weights packed as int16 pairs (tl_gemm_s8_pack); a tile of up to
 *   6 rows of A is widened to int16 in the scratch, and each pair of A values is multiplied into a
 *   panel's 16 channels with widening multiply-accumulates by lane (SMLAL / SMLAL2), k and k + 1
 *   from the panel's even and odd halves (LD2): 6 x 16 int32 sums in 24 q registers.
 * - NEON with the dot-product extension (SDOT): the weights packed as int8 quads
 *   (tl_gemm_s8_pack_dot: for each 4 k, the panel's 16 channels' 4 weights side by side, 64
 *   bytes), so one SDOT adds 4 products into each of 4 channels; each row's 4 A values are one
 *   32-bit lane broadcast to all four. Rows are read in place when k is a multiple of 4, else
 *   copied into the scratch with zeros up to the quad. Compiled for armv8.2-a+dotprod by a
 *   function attribute (GCC) and chosen only where the CPU reports the extension.
 *
 * All products and sums are exact in int32 (prepare keeps the sums inside it), so both equal the
 * reference kernels bit for bit. Other targets compile this file to nothing. */
#include "gemm_s8.h"

#if defined(__aarch64__) && defined(__ARM_NEON)
#include <arm_neon.h>
#include <string.h>

#include "requant_neon.h"

#define MR 6

/* Per panel: its 16 channels' bias, multiplier and shift, and the output parameters. */
typedef struct {
    int32x4_t lo, hi, offset;
    const int32_t *bias, *mult, *shift;
} finish;

/* Row of 16 sums (4 vectors): bias, requantize, clamp, store `cols` bytes. */
static void store16(const finish *f, int32x4_t a0, int32x4_t a1, int32x4_t a2, int32x4_t a3, int8_t *dst, int32_t cols) {
    int8_t tmp[TL_GEMM_NR];
    int32_t j;
    a0 = tl_requantize_clamp_neon(vaddq_s32(a0, vld1q_s32(f->bias)), vld1q_s32(f->mult), vld1q_s32(f->shift), f->offset,
                                  f->lo, f->hi);
    a1 = tl_requantize_clamp_neon(vaddq_s32(a1, vld1q_s32(f->bias + 4)), vld1q_s32(f->mult + 4), vld1q_s32(f->shift + 4),
                                  f->offset, f->lo, f->hi);
    a2 = tl_requantize_clamp_neon(vaddq_s32(a2, vld1q_s32(f->bias + 8)), vld1q_s32(f->mult + 8), vld1q_s32(f->shift + 8),
                                  f->offset, f->lo, f->hi);
    a3 = tl_requantize_clamp_neon(vaddq_s32(a3, vld1q_s32(f->bias + 12)), vld1q_s32(f->mult + 12),
                                  vld1q_s32(f->shift + 12), f->offset, f->lo, f->hi);
    if (cols == TL_GEMM_NR) {
        vst1q_s8(dst, tl_narrow_s8_neon(a0, a1, a2, a3));
        return;
    }
    vst1q_s8(tmp, tl_narrow_s8_neon(a0, a1, a2, a3));
    for (j = 0; j < cols; j++) dst[j] = tmp[j];
}

static void set_finish(finish *f, const tl_gemm_s8_params *p, int32_t pn) {
    f->lo = vdupq_n_s32(p->q_lo);
    f->hi = vdupq_n_s32(p->q_hi);
    f->offset = vdupq_n_s32(p->out_offset);
    f->bias = p->bias + pn; /* the per-channel arrays are padded to whole panels */
    f->mult = p->mult + pn;
    f->shift = p->shift + pn;
}

static int16x4_t pair_of(const int16_t *p) { /* two int16 A values in lanes 0 and 1 */
    int32_t v;
    memcpy(&v, p, sizeof v);
    return vreinterpret_s16_s32(vdup_n_s32(v));
}

/* ---- NEON: SMLAL by lane on int16 pairs ---- */

#define SMLAL_ROW(c0, c1, c2, c3, row)                                     \
    do {                                                                   \
        int16x4_t x = pair_of((row) + kk);                                 \
        c0 = vmlal_lane_s16(c0, vget_low_s16(e0.val[0]), x, 0);            \
        c0 = vmlal_lane_s16(c0, vget_low_s16(e0.val[1]), x, 1);            \
        c1 = vmlal_high_lane_s16(c1, e0.val[0], x, 0);                     \
        c1 = vmlal_high_lane_s16(c1, e0.val[1], x, 1);                     \
        c2 = vmlal_lane_s16(c2, vget_low_s16(e1.val[0]), x, 0);            \
        c2 = vmlal_lane_s16(c2, vget_low_s16(e1.val[1]), x, 1);            \
        c3 = vmlal_high_lane_s16(c3, e1.val[0], x, 0);                     \
        c3 = vmlal_high_lane_s16(c3, e1.val[1], x, 1);                     \
    } while (0)

/* 6 widened rows x one panel. */
static void block6_s16(int32_t cols, int32_t kpad, const int16_t *a, const int16_t *panel, const finish *f, int8_t *c,
                       int32_t ldc) {
    int32x4_t c00 = vdupq_n_s32(0), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
    int32x4_t c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00;
    int32x4_t c40 = c00, c41 = c00, c42 = c00, c43 = c00, c50 = c00, c51 = c00, c52 = c00, c53 = c00;
    int32_t kk;
    for (kk = 0; kk < kpad; kk += 2) {
        const int16_t *w = panel + (int64_t)kk * TL_GEMM_NR;
        int16x8x2_t e0 = vld2q_s16(w), e1 = vld2q_s16(w + 16); /* val[0]: k of 8 channels, val[1]: k + 1 */
        SMLAL_ROW(c00, c01, c02, c03, a);
        SMLAL_ROW(c10, c11, c12, c13, a + kpad);
        SMLAL_ROW(c20, c21, c22, c23, a + 2 * (int64_t)kpad);
        SMLAL_ROW(c30, c31, c32, c33, a + 3 * (int64_t)kpad);
        SMLAL_ROW(c40, c41, c42, c43, a + 4 * (int64_t)kpad);
        SMLAL_ROW(c50, c51, c52, c53, a + 5 * (int64_t)kpad);
    }
    store16(f, c00, c01, c02, c03, c, cols);
    store16(f, c10, c11, c12, c13, c + ldc, cols);
    store16(f, c20, c21, c22, c23, c + 2 * (int64_t)ldc, cols);
    store16(f, c30, c31, c32, c33, c + 3 * (int64_t)ldc, cols);
    store16(f, c40, c41, c42, c43, c + 4 * (int64_t)ldc, cols);
    store16(f, c50, c51, c52, c53, c + 5 * (int64_t)ldc, cols);
}

static void block1_s16(int32_t cols, int32_t kpad, const int16_t *a, const int16_t *panel, const finish *f, int8_t *c) {
    int32x4_t c00 = vdupq_n_s32(0), c01 = c00, c02 = c00, c03 = c00;
    int32_t kk;
    for (kk = 0; kk < kpad; kk += 2) {
        const int16_t *w = panel + (int64_t)kk * TL_GEMM_NR;
        int16x8x2_t e0 = vld2q_s16(w), e1 = vld2q_s16(w + 16);
        SMLAL_ROW(c00, c01, c02, c03, a);
    }
    store16(f, c00, c01, c02, c03, c, cols);
}

void tl_gemm_s8_neon(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda, const tl_gemm_s8_params *p,
                     int8_t *c, int32_t ldc, int16_t *scratch) {
    const int32_t kpad = tl_gemm_s8_kpad(k);
    int32_t i, pn, r, kk;
    finish f;
    for (i = 0; i < m; i += MR) {
        int32_t rows = m - i < MR ? m - i : MR;
        for (r = 0; r < rows; r++) { /* widen the tile, zero past k */
            const int8_t *src = a + (int64_t)(i + r) * lda;
            int16_t *dst = scratch + (int64_t)r * kpad;
            for (kk = 0; kk + 8 <= k; kk += 8) vst1q_s16(dst + kk, vmovl_s8(vld1_s8(src + kk)));
            for (; kk < k; kk++) dst[kk] = src[kk];
            if (kpad > k) dst[k] = 0;
        }
        for (pn = 0; pn < n; pn += TL_GEMM_NR) {
            const int16_t *panel = p->packed + (int64_t)pn * kpad;
            int32_t cols = n - pn < TL_GEMM_NR ? n - pn : TL_GEMM_NR;
            int8_t *out = c + (int64_t)i * ldc + pn;
            set_finish(&f, p, pn);
            if (rows == MR) {
                block6_s16(cols, kpad, scratch, panel, &f, out, ldc);
            } else {
                for (r = 0; r < rows; r++) block1_s16(cols, kpad, scratch + (int64_t)r * kpad, panel, &f, out + (int64_t)r * ldc);
            }
        }
    }
}

/* ---- NEON + SDOT on int8 quads ---- */

#if defined(TL_GEMM_S8_DOT)
#if defined(__clang__)
#define DOTPROD __attribute__((target("dotprod")))
#else
#define DOTPROD __attribute__((target("arch=armv8.2-a+dotprod")))
#endif

DOTPROD static int8x16_t quad_of(const int8_t *p) { /* 4 int8 A values, in all four 32-bit lanes */
    int32_t v;
    memcpy(&v, p, sizeof v);
    return vreinterpretq_s8_s32(vdupq_n_s32(v));
}

#define SDOT_ROW(c0, c1, c2, c3, row)     \
    do {                                  \
        int8x16_t x = quad_of((row) + kk); \
        c0 = vdotq_s32(c0, w0, x);        \
        c1 = vdotq_s32(c1, w1, x);        \
        c2 = vdotq_s32(c2, w2, x);        \
        c3 = vdotq_s32(c3, w3, x);        \
    } while (0)

DOTPROD static void block6_dot(int32_t cols, int32_t kq, const int8_t *a, int32_t lda, const int8_t *panel,
                               const finish *f, int8_t *c, int32_t ldc) {
    int32x4_t c00 = vdupq_n_s32(0), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
    int32x4_t c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00;
    int32x4_t c40 = c00, c41 = c00, c42 = c00, c43 = c00, c50 = c00, c51 = c00, c52 = c00, c53 = c00;
    int32_t kk;
    for (kk = 0; kk < kq; kk += 4) {
        const int8_t *w = panel + (int64_t)kk * TL_GEMM_NR;
        int8x16_t w0 = vld1q_s8(w), w1 = vld1q_s8(w + 16), w2 = vld1q_s8(w + 32), w3 = vld1q_s8(w + 48);
        SDOT_ROW(c00, c01, c02, c03, a);
        SDOT_ROW(c10, c11, c12, c13, a + lda);
        SDOT_ROW(c20, c21, c22, c23, a + 2 * (int64_t)lda);
        SDOT_ROW(c30, c31, c32, c33, a + 3 * (int64_t)lda);
        SDOT_ROW(c40, c41, c42, c43, a + 4 * (int64_t)lda);
        SDOT_ROW(c50, c51, c52, c53, a + 5 * (int64_t)lda);
    }
    store16(f, c00, c01, c02, c03, c, cols);
    store16(f, c10, c11, c12, c13, c + ldc, cols);
    store16(f, c20, c21, c22, c23, c + 2 * (int64_t)ldc, cols);
    store16(f, c30, c31, c32, c33, c + 3 * (int64_t)ldc, cols);
    store16(f, c40, c41, c42, c43, c + 4 * (int64_t)ldc, cols);
    store16(f, c50, c51, c52, c53, c + 5 * (int64_t)ldc, cols);
}

DOTPROD static void block1_dot(int32_t cols, int32_t kq, const int8_t *a, const int8_t *panel, const finish *f,
                               int8_t *c) {
    int32x4_t c00 = vdupq_n_s32(0), c01 = c00, c02 = c00, c03 = c00;
    int32_t kk;
    for (kk = 0; kk < kq; kk += 4) {
        const int8_t *w = panel + (int64_t)kk * TL_GEMM_NR;
        int8x16_t w0 = vld1q_s8(w), w1 = vld1q_s8(w + 16), w2 = vld1q_s8(w + 32), w3 = vld1q_s8(w + 48);
        SDOT_ROW(c00, c01, c02, c03, a);
    }
    store16(f, c00, c01, c02, c03, c, cols);
}

DOTPROD void tl_gemm_s8_neondot(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda,
                                const tl_gemm_s8_params *p, int8_t *c, int32_t ldc, int16_t *scratch) {
    const int32_t kpad = tl_gemm_s8_kpad(k), kq = tl_gemm_s8_kquad(k);
    int8_t *rows8 = (int8_t *)scratch; /* MR rows of kq bytes: inside the scratch's 12 x kpad int16 */
    int32_t i, pn, r;
    finish f;
    for (i = 0; i < m; i += MR) {
        int32_t rows = m - i < MR ? m - i : MR, stride = lda;
        const int8_t *tile = a + (int64_t)i * lda;
        if (kq != k) { /* copy the rows, zeros up to the quad */
            for (r = 0; r < rows; r++) {
                memcpy(rows8 + (int64_t)r * kq, tile + (int64_t)r * lda, (size_t)k);
                memset(rows8 + (int64_t)r * kq + k, 0, (size_t)(kq - k));
            }
            tile = rows8;
            stride = kq;
        }
        for (pn = 0; pn < n; pn += TL_GEMM_NR) {
            const int8_t *panel = (const int8_t *)(p->packed + (int64_t)pn * kpad);
            int32_t cols = n - pn < TL_GEMM_NR ? n - pn : TL_GEMM_NR;
            int8_t *out = c + (int64_t)i * ldc + pn;
            set_finish(&f, p, pn);
            if (rows == MR) {
                block6_dot(cols, kq, tile, stride, panel, &f, out, ldc);
            } else {
                for (r = 0; r < rows; r++)
                    block1_dot(cols, kq, tile + (int64_t)r * stride, panel, &f, out + (int64_t)r * ldc);
            }
        }
    }
}
#endif /* TL_GEMM_S8_DOT */

#else
typedef int tl_gemm_s8_neon_unused; /* ISO C: a translation unit holds at least one declaration */
#endif
