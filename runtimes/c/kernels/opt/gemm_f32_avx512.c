/* The float GEMM's AVX-512 micro-kernels (see gemm_f32.h), compiled for the instruction set by function
 * attributes so the rest of the runtime stays baseline x86-64.
 *
 * A tile is up to 12 rows x two panels (32 columns): 24 zmm accumulators, two weight loads and 12
 * broadcasts per k, so each broadcast A value feeds two FMAs. When the second panel holds 8 columns or
 * fewer (n = 24: 16 + 8) its half is summed in ymm registers, which Zen 4 runs at twice the zmm rate.
 * The accumulators start at the bias; each k then adds one FMA, in k order, so every tile shape (the
 * bottom rows' smaller ones included) gives each output the same bits and thread splits do not matter.
 *
 * Loop order: rows are taken in chunks whose A rows fit the L2 cache; within a chunk each panel pair
 * runs over all of the chunk's rows while its weights stay in L1/L2, so packed weights larger than L2
 * (7x7x960 -> 320: 1.2 MB) are read from memory once per chunk instead of once per 12 rows. */
#include "gemm_f32.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,fma")))
#define MR 12
#define UNROLL _Pragma("GCC unroll 12")
#ifndef SMALL_B
#define SMALL_B (64 * 1024)
#endif
#define CHUNK_BYTES (160 * 1024) /* A rows per chunk: well inside a 512 KiB-1 MiB L2 beside the weights */

typedef struct {
    int32_t segs, seg_k, lda, ldc;
    int64_t seg_stride;
} shape;

/* rows x (16 or 32) of C: np panels (1, 2), the second only 8 wide (ymm) when half. `mask`: the
 * columns of the last panel that are stored. Forced inline into the instantiations below so rows, np and
 * half are constants: the accumulators stay in registers and the loops unroll. */
#define TILE_BODY(rows, np, half)                                                                                   \
    do {                                                                                                            \
        __m512 acc0[MR], acc1[MR];                                                                                  \
        __m256 acch[MR];                                                                                            \
        const float *w = panel;                                                                                     \
        int32_t r, s, kk;                                                                                           \
        UNROLL for (r = 0; r < (rows); r++) {                                                                              \
            acc0[r] = b0;                                                                                           \
            if ((np) == 2 && !(half)) acc1[r] = b1;                                                                 \
            if ((np) == 2 && (half)) acch[r] = _mm512_castps512_ps256(b1);                                        \
        }                                                                                                           \
        for (s = 0; s < sh->segs; s++) {                                                                            \
            const float *as = a + s * sh->seg_stride;                                                               \
            for (kk = 0; kk < sh->seg_k; kk++, as++, w += TL_GEMM_NR) {                                             \
                const __m512 v0 = _mm512_loadu_ps(w);                                                               \
                if ((np) == 1) {                                                                                    \
                    UNROLL for (r = 0; r < (rows); r++)                                                                    \
                        acc0[r] = _mm512_fmadd_ps(_mm512_set1_ps(as[(int64_t)r * sh->lda]), v0, acc0[r]);           \
                } else if (!(half)) {                                                                               \
                    const __m512 v1 = _mm512_loadu_ps(w + next);                                                    \
                    UNROLL for (r = 0; r < (rows); r++) {                                                                  \
                        const __m512 x = _mm512_set1_ps(as[(int64_t)r * sh->lda]);                                  \
                        acc0[r] = _mm512_fmadd_ps(x, v0, acc0[r]);                                                  \
                        acc1[r] = _mm512_fmadd_ps(x, v1, acc1[r]);                                                  \
                    }                                                                                               \
                } else {                                                                                            \
                    const __m256 v1 = _mm256_loadu_ps(w + next);                                                    \
                    UNROLL for (r = 0; r < (rows); r++) {                                                                  \
                        const __m512 x = _mm512_set1_ps(as[(int64_t)r * sh->lda]);                                  \
                        acc0[r] = _mm512_fmadd_ps(x, v0, acc0[r]);                                                  \
                        acch[r] = _mm256_fmadd_ps(_mm512_castps512_ps256(x), v1, acch[r]);                          \
                    }                                                                                               \
                }                                                                                                   \
            }                                                                                                       \
        }                                                                                                           \
        UNROLL for (r = 0; r < (rows); r++) {                                                                              \
            float *dst = c + (int64_t)r * sh->ldc;                                                                  \
            const __m512 y0 = _mm512_min_ps(_mm512_max_ps(acc0[r], lo), hi);                                       \
            if ((np) == 1) {                                                                                        \
                _mm512_mask_storeu_ps(dst, mask, y0);                                                               \
            } else if (!(half)) {                                                                                   \
                _mm512_storeu_ps(dst, y0);                                                                          \
                _mm512_mask_storeu_ps(dst + 16, mask, _mm512_min_ps(_mm512_max_ps(acc1[r], lo), hi));              \
            } else {                                                                                                \
                _mm512_storeu_ps(dst, y0);                                                                          \
                _mm256_mask_storeu_ps(dst + 16, (__mmask8)mask,                                                     \
                                      _mm256_min_ps(_mm256_max_ps(acch[r], _mm512_castps512_ps256(lo)),             \
                                                    _mm512_castps512_ps256(hi)));                                   \
            }                                                                                                       \
        }                                                                                                           \
    } while (0)

typedef void (*tile_fn)(const shape *sh, const float *a, const float *panel, int64_t next, __m512 b0, __m512 b1,
                        __m512 lo, __m512 hi, __mmask16 mask, float *c);

#define TILE(rows, np, half, name)                                                                                 \
    AVX512 static void name(const shape *sh, const float *a, const float *panel, int64_t next, __m512 b0, __m512 b1, \
                            __m512 lo, __m512 hi, __mmask16 mask, float *c) {                                      \
        (void)next;                                                                                                 \
        (void)b1;                                                                                                   \
        TILE_BODY(rows, np, half);                                                                                  \
    }
#define TILES(rows)                    \
    TILE(rows, 1, 0, one_##rows)       \
    TILE(rows, 2, 0, two_##rows)       \
    TILE(rows, 2, 1, half_##rows)
TILES(1)
TILES(2)
TILES(3)
TILES(4)
TILES(5)
TILES(6)
TILES(7)
TILES(8)
TILES(9)
TILES(10)
TILES(11)
TILES(12)

/* [kind][rows - 1]; kind 0: one panel, 1: two, 2: one and a half */
static const tile_fn tiles[3][MR] = {
    {one_1, one_2, one_3, one_4, one_5, one_6, one_7, one_8, one_9, one_10, one_11, one_12},
    {two_1, two_2, two_3, two_4, two_5, two_6, two_7, two_8, two_9, two_10, two_11, two_12},
    {half_1, half_2, half_3, half_4, half_5, half_6, half_7, half_8, half_9, half_10, half_11, half_12}};

AVX512 void tl_gemm_f32_seg_avx512(int32_t m, int32_t n, int32_t segs, int32_t seg_k, int64_t seg_stride,
                                   const float *a, int32_t lda, const float *packed, const float *bias, float lo,
                                   float hi, float *c, int32_t ldc) {
    const int64_t k = (int64_t)segs * seg_k;
    const __m512 vlo = _mm512_set1_ps(lo), vhi = _mm512_set1_ps(hi);
    shape sh;
    int64_t chunk = CHUNK_BYTES / (k * (int64_t)sizeof(float)) / MR * MR;
    int32_t i0, i, p;
    sh.segs = segs;
    sh.seg_k = seg_k;
    sh.seg_stride = seg_stride;
    sh.lda = lda;
    sh.ldc = ldc;
    if (chunk < MR || (int64_t)n * k * (int64_t)sizeof(float) <= SMALL_B) chunk = MR;
    for (i0 = 0; i0 < m; i0 += (int32_t)chunk) {
        const int32_t i1 = m - i0 < chunk ? m : i0 + (int32_t)chunk;
        for (p = 0; p < n; p += 2 * TL_GEMM_NR) {
            const int32_t cols = n - p < 2 * TL_GEMM_NR ? n - p : 2 * TL_GEMM_NR;
            const int kind = cols <= TL_GEMM_NR ? 0 : cols <= TL_GEMM_NR + 8 ? 2 : 1;
            const int32_t last = cols > TL_GEMM_NR ? cols - TL_GEMM_NR : cols; /* columns of the last panel */
            const __mmask16 mask = (__mmask16)((1u << last) - 1u), m0 = cols >= TL_GEMM_NR ? 0xFFFF : mask;
            const __m512 b0 = bias ? _mm512_maskz_loadu_ps(m0, bias + p) : _mm512_setzero_ps();
            const __m512 b1 = bias && cols > TL_GEMM_NR ? _mm512_maskz_loadu_ps(mask, bias + p + TL_GEMM_NR)
                                                        : _mm512_setzero_ps();
            const float *panel = packed + (int64_t)p * k;
            for (i = i0; i < i1; i += MR) {
                const int32_t rows = i1 - i < MR ? i1 - i : MR;
                tiles[kind][rows - 1](&sh, a + (int64_t)i * lda, panel, TL_GEMM_NR * k, b0, b1, vlo, vhi, mask,
                                      c + (int64_t)i * ldc + p);
            }
        }
    }
}

AVX512 void tl_gemm_f32_avx512(int32_t m, int32_t n, int32_t k, const float *a, int32_t lda, const float *packed,
                               const float *bias, float lo, float hi, float *c, int32_t ldc) {
    tl_gemm_f32_seg_avx512(m, n, 1, k, 0, a, lda, packed, bias, lo, hi, c, ldc);
}

#else
typedef int tl_gemm_f32_avx512_unused; /* ISO C: a translation unit holds at least one declaration */
#endif
