/* The float GEMM's AVX2+FMA micro-kernels (see gemm_f32.h; AVX-512 in gemm_f32_avx512.c), compiled for
 * the instruction set by function attributes, so the rest of the runtime stays baseline x86-64 and one
 * binary runs everywhere.
 *
 * A tile is up to 6 rows x one panel (16 columns, two ymm; a last panel of 8 columns or fewer, one):
 * 12 accumulators, the panel's two loads and 6 broadcasts per k, in the 16 ymm registers. Every row
 * count has its own instantiation with the loops unrolled, so the accumulators never leave registers
 * (a loop over a variable row count kept them in memory, stored at every k). The sums start at the
 * bias and add one FMA per k in order, as the AVX-512 tiles do; rows are taken in L2-sized chunks with
 * each panel over the whole chunk when the packed weights are large (gemm_f32_avx512.c says why). */
#include "gemm_f32.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma")))
#define MR 6
#define UNROLL _Pragma("GCC unroll 6")
#define SMALL_B (64 * 1024)
#define CHUNK_BYTES (160 * 1024)

typedef struct {
    int32_t segs, seg_k, lda, ldc;
    int64_t seg_stride;
} shape;

/* rows x 16 (two: 2) or x 8 (two: 0) columns; m0, m1: the columns stored of each half */
#define TILE_BODY(rows, two)                                                                          \
    do {                                                                                              \
        __m256 acc0[MR], acc1[MR];                                                                    \
        const float *w = panel;                                                                       \
        int32_t r, s, kk;                                                                             \
        UNROLL for (r = 0; r < (rows); r++) {                                                         \
            acc0[r] = b0;                                                                             \
            if (two) acc1[r] = b1;                                                                    \
        }                                                                                             \
        for (s = 0; s < sh->segs; s++) {                                                              \
            const float *as = a + s * sh->seg_stride;                                                 \
            for (kk = 0; kk < sh->seg_k; kk++, as++, w += TL_GEMM_NR) {                               \
                const __m256 v0 = _mm256_loadu_ps(w);                                                 \
                if (two) {                                                                            \
                    const __m256 v1 = _mm256_loadu_ps(w + 8);                                         \
                    UNROLL for (r = 0; r < (rows); r++) {                                             \
                        const __m256 x = _mm256_broadcast_ss(as + (int64_t)r * sh->lda);              \
                        acc0[r] = _mm256_fmadd_ps(x, v0, acc0[r]);                                    \
                        acc1[r] = _mm256_fmadd_ps(x, v1, acc1[r]);                                    \
                    }                                                                                 \
                } else {                                                                              \
                    UNROLL for (r = 0; r < (rows); r++)                                               \
                        acc0[r] = _mm256_fmadd_ps(_mm256_broadcast_ss(as + (int64_t)r * sh->lda), v0, \
                                                  acc0[r]);                                           \
                }                                                                                     \
            }                                                                                         \
        }                                                                                             \
        UNROLL for (r = 0; r < (rows); r++) {                                                         \
            float *dst = c + (int64_t)r * sh->ldc;                                                    \
            const __m256 y0 = _mm256_min_ps(_mm256_max_ps(acc0[r], lo), hi);                          \
            if (full) {                                                                               \
                _mm256_storeu_ps(dst, y0);                                                            \
                if (two) _mm256_storeu_ps(dst + 8, _mm256_min_ps(_mm256_max_ps(acc1[r], lo), hi));    \
            } else {                                                                                  \
                _mm256_maskstore_ps(dst, m0, y0);                                                     \
                if (two) _mm256_maskstore_ps(dst + 8, m1, _mm256_min_ps(_mm256_max_ps(acc1[r], lo), hi)); \
            }                                                                                         \
        }                                                                                             \
    } while (0)

typedef void (*tile_fn)(const shape *sh, const float *a, const float *panel, __m256 b0, __m256 b1, __m256 lo,
                        __m256 hi, int full, __m256i m0, __m256i m1, float *c);

#define TILE(rows, two, name)                                                                                  \
    AVX2 static void name(const shape *sh, const float *a, const float *panel, __m256 b0, __m256 b1, __m256 lo, \
                          __m256 hi, int full, __m256i m0, __m256i m1, float *c) {                             \
        (void)b1;                                                                                              \
        (void)m1;                                                                                              \
        TILE_BODY(rows, two);                                                                                  \
    }
#define TILES(rows)              \
    TILE(rows, 1, two_##rows)    \
    TILE(rows, 0, half_##rows)
TILES(1)
TILES(2)
TILES(3)
TILES(4)
TILES(5)
TILES(6)

/* [kind][rows - 1]; kind 0: a 16-column panel, 1: 8 columns or fewer */
static const tile_fn tiles[2][MR] = {{two_1, two_2, two_3, two_4, two_5, two_6},
                                     {half_1, half_2, half_3, half_4, half_5, half_6}};

AVX2 void tl_gemm_f32_seg_avx2(int32_t m, int32_t n, int32_t segs, int32_t seg_k, int64_t seg_stride, const float *a,
                               int32_t lda, const float *packed, const float *bias, float lo, float hi, float *c,
                               int32_t ldc) {
    const int64_t k = (int64_t)segs * seg_k;
    const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
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
        for (p = 0; p < n; p += TL_GEMM_NR) {
            const int32_t cols = n - p < TL_GEMM_NR ? n - p : TL_GEMM_NR;
            const int kind = cols <= 8 ? 1 : 0, full = cols == TL_GEMM_NR || cols == 8;
            const __m256i m0 = _mm256_cmpgt_epi32(_mm256_set1_epi32(cols), lane);
            const __m256i m1 = _mm256_cmpgt_epi32(_mm256_set1_epi32(cols - 8), lane);
            const __m256 b0 = bias ? _mm256_maskload_ps(bias + p, m0) : _mm256_setzero_ps();
            const __m256 b1 = bias && cols > 8 ? _mm256_maskload_ps(bias + p + 8, m1) : _mm256_setzero_ps();
            const float *panel = packed + (int64_t)p * k;
            for (i = i0; i < i1; i += MR) {
                const int32_t rows = i1 - i < MR ? i1 - i : MR;
                tiles[kind][rows - 1](&sh, a + (int64_t)i * lda, panel, b0, b1, vlo, vhi, full, m0, m1,
                                      c + (int64_t)i * ldc + p);
            }
        }
    }
}

AVX2 void tl_gemm_f32_avx2(int32_t m, int32_t n, int32_t k, const float *a, int32_t lda, const float *packed,
                           const float *bias, float lo, float hi, float *c, int32_t ldc) {
    tl_gemm_f32_seg_avx2(m, n, 1, k, 0, a, lda, packed, bias, lo, hi, c, ldc);
}

#else
typedef int tl_gemm_f32_x86_unused; /* ISO C: a translation unit holds at least one declaration */
#endif
