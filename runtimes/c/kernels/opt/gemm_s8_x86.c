/* The int8 GEMM's x86-64 micro-kernels (see gemm_s8.h), compiled for their instruction set by
 * function attributes: each tile of A (up to 12 rows, AVX2 6) is widened to int16 pairs in the
 * scratch, then a pair of A values is broadcast against a panel's 16 channels with `pmaddwd`
 * into int32 accumulators (AVX-512: one zmm per row, AVX2: two ymm), requantized lane by lane
 * (requant_x86.h). AVX-512 VNNI instead offsets the tile to unsigned bytes in the scratch and
 * broadcasts 4 of them against two panels' int8 quads with `vpdpbusd` (12 rows x 32 channels). Where a
 * panel's tl_gemm_s8_rq table is usable (right shifts, gemm_s8.h), every tier requantizes with one
 * rounding instead, the output offset included; the VNNI blocks then start their sums from the bias and
 * narrow four vectors at a time with saturating packs. */
#include "gemm_s8.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <string.h>

#include "requant_x86.h"

#define MR5 12
#define MR2 6

/* rows x kpad int16 values of A, zero past k */
static void widen(int32_t rows, int32_t k, int32_t kpad, const int8_t *a, int32_t lda, int16_t *out) {
    int32_t r, kk;
    for (r = 0; r < rows; r++) {
        for (kk = 0; kk < k; kk++) out[(int64_t)r * kpad + kk] = a[(int64_t)r * lda + kk];
        if (kpad > k) out[(int64_t)r * kpad + k] = 0;
    }
}

static int32_t pair(const int16_t *p) {
    int32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* ---- AVX-512 ---- */

/* Rows of 16 sums (one panel's channels from ch), one per output row: with es 1, bias, requantize
 * (with one rounding where the panel's tl_gemm_s8_rq table allows), clamp and the `cols` bytes
 * stored (rows ldc bytes apart); with es 4 (the raw GEMMs), sum + bias stored as int32 (rows 4 * ldc
 * bytes apart). Kept out of line, so that its constants do not take registers from the sums of the
 * loops before it. */
AVX512 __attribute__((noinline)) static void store_rows(const __m512i *sums, int32_t rows, const tl_gemm_s8_params *p,
                                                        int32_t ch, __mmask16 cols, uint8_t *c, int32_t ldc, int32_t es) {
    const __m512i bias = _mm512_loadu_si512(p->bias + ch);
    tl_requant_512 q;
    __m512i offset, lo, hi;
    __m128i bytes;
    int32_t r, left;
    if (es == 4) {
        for (r = 0; r < rows; r++) _mm512_mask_storeu_epi32(c + (int64_t)r * ldc * 4, cols, _mm512_add_epi32(sums[r], bias));
        return;
    }
    if (p->rq && p->rq[ch / TL_GEMM_NR].usable) { /* one rounding, the offset included (gemm_s8.h) */
        const __m512i mult = _mm512_loadu_si512(p->mult + ch), mult_odd = _mm512_srli_epi64(mult, 32);
        lo = _mm512_set1_epi32(p->q_lo);
        hi = _mm512_set1_epi32(p->q_hi);
        for (r = 0; r < rows; r++) {
            __m512i v = tl_requant_512_rq(_mm512_add_epi32(sums[r], bias), mult, mult_odd, p->rq + ch / TL_GEMM_NR);
            bytes = _mm512_cvtepi32_epi8(_mm512_min_epi32(_mm512_max_epi32(v, lo), hi));
            if (cols == 0xFFFF)
                _mm_storeu_si128((__m128i *)(c + (int64_t)r * ldc), bytes);
            else
                _mm_mask_storeu_epi8(c + (int64_t)r * ldc, cols, bytes);
        }
        return;
    }
    q = tl_requant_512_setup(_mm512_loadu_si512(p->mult + ch), _mm512_loadu_si512(p->shift + ch));
    left = _mm512_test_epi32_mask(q.left, q.left) != 0;
    /* clamp(r + offset, q_lo, q_hi) as clamp(r, q_lo - offset, q_hi - offset) + offset: no overflow */
    offset = _mm512_set1_epi32(p->out_offset);
    lo = _mm512_set1_epi32(p->q_lo - p->out_offset);
    hi = _mm512_set1_epi32(p->q_hi - p->out_offset);
    for (r = 0; r < rows; r++) {
        __m512i v = tl_requant_512_apply(_mm512_add_epi32(sums[r], bias), &q, left);
        v = _mm512_add_epi32(_mm512_min_epi32(_mm512_max_epi32(v, lo), hi), offset);
        bytes = _mm512_cvtepi32_epi8(v);
        if (cols == 0xFFFF) /* a plain store: narrowing straight to memory (vpmovdb m128) is slow on AMD Zen 4 */
            _mm_storeu_si128((__m128i *)(c + (int64_t)r * ldc), bytes);
        else
            _mm_mask_storeu_epi8(c + (int64_t)r * ldc, cols, bytes);
    }
}


AVX512 static void gemm_avx512(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda, const tl_gemm_s8_params *p,
                               uint8_t *c, int32_t ldc, int16_t *scratch, int32_t es) {
    const int32_t kpad = tl_gemm_s8_kpad(k);
    int32_t i, pn, r, kk;
    for (i = 0; i < m; i += MR5) {
        int32_t rows = m - i < MR5 ? m - i : MR5;
        widen(rows, k, kpad, a + (int64_t)i * lda, lda, scratch);
        for (pn = 0; pn < n; pn += TL_GEMM_NR) {
            const int16_t *panel = p->packed + (int64_t)pn * kpad;
            __mmask16 cols = (__mmask16)(n - pn >= 16 ? 0xFFFFu : (1u << (n - pn)) - 1u);
            __m512i acc[MR5];
            for (r = 0; r < MR5; r++) acc[r] = _mm512_setzero_si512();
            if (rows == MR5) {
                for (kk = 0; kk < kpad; kk += 2) {
                    __m512i w = _mm512_loadu_si512(panel + (int64_t)kk * TL_GEMM_NR);
                    for (r = 0; r < MR5; r++)
                        acc[r] = _mm512_add_epi32(acc[r], _mm512_madd_epi16(_mm512_set1_epi32(pair(scratch + (int64_t)r * kpad + kk)), w));
                }
            } else {
                for (kk = 0; kk < kpad; kk += 2) {
                    __m512i w = _mm512_loadu_si512(panel + (int64_t)kk * TL_GEMM_NR);
                    for (r = 0; r < rows; r++)
                        acc[r] = _mm512_add_epi32(acc[r], _mm512_madd_epi16(_mm512_set1_epi32(pair(scratch + (int64_t)r * kpad + kk)), w));
                }
            }
            store_rows(acc, rows, p, pn, cols, c + ((int64_t)i * ldc + pn) * es, ldc, es);
        }
    }
}

AVX512 void tl_gemm_s8_avx512(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda, const tl_gemm_s8_params *p,
                              int8_t *c, int32_t ldc, int16_t *scratch) {
    gemm_avx512(m, n, k, a, lda, p, (uint8_t *)c, ldc, scratch, 1);
}

void tl_gemm_s8_avx512_raw(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda, const tl_gemm_s8_params *p,
                           int32_t *c, int32_t ldc, int16_t *scratch) {
    gemm_avx512(m, n, k, a, lda, p, (uint8_t *)c, ldc, scratch, 4);
}

/* ---- AVX-512 VNNI ---- */

#define MRV 12

/* rows x kq bytes: A + 128 as unsigned bytes (x ^ 0x80), 128 past k (the weights there are 0) */
AVX512VNNI static void to_u8(int32_t rows, int32_t k, int32_t kq, const int8_t *a, int32_t lda, uint8_t *out) {
    const __m512i flip = _mm512_set1_epi8((char)0x80);
    int32_t r, kk;
    if (lda == kq) { /* rows next to each other and k whole quads (1x1 convolutions): one run of bytes */
        int64_t n = (int64_t)rows * kq, i;
        for (i = 0; i + 64 <= n; i += 64)
            _mm512_storeu_si512(out + i, _mm512_xor_si512(_mm512_loadu_si512(a + i), flip));
        if (i < n) {
            __mmask64 m = ((__mmask64)1 << (n - i)) - 1;
            _mm512_mask_storeu_epi8(out + i, m, _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, a + i), flip));
        }
        return;
    }
    if (kq <= 64) { /* one vector a row, masks worked out once */
        __mmask64 lm = k >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << k) - 1;
        __mmask64 sm = kq >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << kq) - 1;
        for (r = 0; r < rows; r++)
            _mm512_mask_storeu_epi8(out + (int64_t)r * kq, sm,
                                    _mm512_xor_si512(_mm512_maskz_loadu_epi8(lm, a + (int64_t)r * lda), flip));
        return;
    }
    for (r = 0; r < rows; r++)
        for (kk = 0; kk < kq; kk += 64) {
            int32_t in = k - kk < 64 ? k - kk : 64, all = kq - kk < 64 ? kq - kk : 64;
            __mmask64 lm = in >= 64 ? ~(__mmask64)0 : in > 0 ? ((__mmask64)1 << in) - 1 : 0;
            __mmask64 sm = all >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << all) - 1;
            __m512i v = _mm512_maskz_loadu_epi8(lm, a + (int64_t)r * lda + kk);
            _mm512_mask_storeu_epi8(out + (int64_t)r * kq + kk, sm, _mm512_xor_si512(v, flip));
        }
}

static int32_t quad(const uint8_t *q) {
    int32_t v;
    memcpy(&v, q, sizeof v);
    return v;
}

/* One output row of a tile: its x quad broadcast against the panels' quads b0 (and b1). */
#define DP1(s0, row) s0 = _mm512_dpbusd_epi32(s0, _mm512_set1_epi32(quad((row) + kk)), b0)
#define DP2(s0, s1, row)                                       \
    do {                                                       \
        __m512i x_ = _mm512_set1_epi32(quad((row) + kk));      \
        s0 = _mm512_dpbusd_epi32(s0, x_, b0);                  \
        s1 = _mm512_dpbusd_epi32(s1, x_, b1);                  \
    } while (0)
#define LOAD_B0 __m512i b0 = _mm512_loadu_si512(w0 + (int64_t)kk * TL_GEMM_NR)
#define LOAD_B1 __m512i b1 = _mm512_loadu_si512(w1 + (int64_t)kk * TL_GEMM_NR)

/* Four vectors of 16 int32 results narrowed with saturation to 64 bytes, v0's 16 first, clamped to
 * [lo, hi] (bytes): vpackssdw / vpacksswb leave per 128-bit lane 4 bytes of each vector in turn, which
 * a 4 x 4 transpose of dwords (vpermd) puts back in order. Saturating first, then clamping inside the
 * int8 range, gives the clamp of the int32 values. */
AVX512VNNI static inline __m512i narrow4(__m512i v0, __m512i v1, __m512i v2, __m512i v3, __m512i lo, __m512i hi) {
    const __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    __m512i z = _mm512_packs_epi16(_mm512_packs_epi32(v0, v1), _mm512_packs_epi32(v2, v3));
    return _mm512_min_epi8(_mm512_max_epi8(_mm512_permutexvar_epi32(order, z), lo), hi);
}

/* A panel's requantization constants (the table tl_gemm_s8_rq_build made) */
typedef struct {
    __m512i mult, mult_odd;
    const tl_gemm_s8_rq *rq;
} rq_panel;

AVX512VNNI static inline rq_panel rq_load(const tl_gemm_s8_params *p, int32_t pn) {
    rq_panel q;
    q.mult = _mm512_loadu_si512(p->mult + pn);
    q.mult_odd = _mm512_srli_epi64(q.mult, 32);
    q.rq = p->rq + pn / TL_GEMM_NR;
    return q;
}

#define RQ(acc, q) tl_requant_512_rq(acc, (q).mult, (q).mult_odd, (q).rq)

/* Two rows x 32 channels, requantized (the sums start from the bias): 64 bytes, rows ldc apart; `cols`:
 * the second panel's channels to store */
AVX512VNNI static inline void store2x2(__m512i s00, __m512i s01, __m512i s10, __m512i s11, const rq_panel *q0,
                                       const rq_panel *q1, __m512i lo, __m512i hi, __mmask16 cols, uint8_t *c,
                                       int32_t ldc) {
    __m512i z = narrow4(RQ(s00, *q0), RQ(s01, *q1), RQ(s10, *q0), RQ(s11, *q1), lo, hi);
    if (cols == 0xFFFF) {
        _mm256_storeu_si256((__m256i *)c, _mm512_castsi512_si256(z));
        _mm256_storeu_si256((__m256i *)(c + ldc), _mm512_extracti64x4_epi64(z, 1));
    } else {
        __mmask32 m = 0xFFFFu | (__mmask32)cols << 16;
        _mm256_mask_storeu_epi8(c, m, _mm512_castsi512_si256(z));
        _mm256_mask_storeu_epi8(c + ldc, m, _mm512_extracti64x4_epi64(z, 1));
    }
}

/* Four rows x one panel, requantized likewise */
AVX512VNNI static inline void store4x1(__m512i s0, __m512i s1, __m512i s2, __m512i s3, const rq_panel *q, __m512i lo,
                                       __m512i hi, __mmask16 cols, uint8_t *c, int32_t ldc) {
    __m512i z = narrow4(RQ(s0, *q), RQ(s1, *q), RQ(s2, *q), RQ(s3, *q), lo, hi);
    __m128i r0 = _mm512_castsi512_si128(z), r1 = _mm512_extracti32x4_epi32(z, 1), r2 = _mm512_extracti32x4_epi32(z, 2);
    __m128i r3 = _mm512_extracti32x4_epi32(z, 3);
    if (cols == 0xFFFF) {
        _mm_storeu_si128((__m128i *)c, r0);
        _mm_storeu_si128((__m128i *)(c + ldc), r1);
        _mm_storeu_si128((__m128i *)(c + 2 * (int64_t)ldc), r2);
        _mm_storeu_si128((__m128i *)(c + 3 * (int64_t)ldc), r3);
    } else {
        _mm_mask_storeu_epi8(c, cols, r0);
        _mm_mask_storeu_epi8(c + ldc, cols, r1);
        _mm_mask_storeu_epi8(c + 2 * (int64_t)ldc, cols, r2);
        _mm_mask_storeu_epi8(c + 3 * (int64_t)ldc, cols, r3);
    }
}

/* 12 rows x 32 channels (two panels): 24 sums in registers. `rq`: the panels' requantization tables are
 * usable (the sums then start from the bias and are requantized here), else store_rows finishes. */
AVX512VNNI static void block12x2(int32_t kq, const uint8_t *x, const int8_t *w0, const int8_t *w1,
                                 const tl_gemm_s8_params *p, int32_t pn, __mmask16 cols1, uint8_t *c, int32_t ldc,
                                 int32_t es, int rq) {
    __m512i a0 = rq ? _mm512_loadu_si512(p->bias + pn) : _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0, a4 = a0;
    __m512i a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
    __m512i e0 = rq ? _mm512_loadu_si512(p->bias + pn + TL_GEMM_NR) : a0, e1 = e0, e2 = e0, e3 = e0, e4 = e0, e5 = e0;
    __m512i e6 = e0, e7 = e0, e8 = e0, e9 = e0, e10 = e0, e11 = e0;
    int32_t kk;
    for (kk = 0; kk < kq; kk += 4) {
        LOAD_B0;
        LOAD_B1;
        DP2(a0, e0, x);
        DP2(a1, e1, x + kq);
        DP2(a2, e2, x + 2 * (int64_t)kq);
        DP2(a3, e3, x + 3 * (int64_t)kq);
        DP2(a4, e4, x + 4 * (int64_t)kq);
        DP2(a5, e5, x + 5 * (int64_t)kq);
        DP2(a6, e6, x + 6 * (int64_t)kq);
        DP2(a7, e7, x + 7 * (int64_t)kq);
        DP2(a8, e8, x + 8 * (int64_t)kq);
        DP2(a9, e9, x + 9 * (int64_t)kq);
        DP2(a10, e10, x + 10 * (int64_t)kq);
        DP2(a11, e11, x + 11 * (int64_t)kq);
    }
    if (rq) {
        const rq_panel q0 = rq_load(p, pn), q1 = rq_load(p, pn + TL_GEMM_NR);
        const __m512i lo = _mm512_set1_epi8((char)p->q_lo), hi = _mm512_set1_epi8((char)p->q_hi);
        store2x2(a0, e0, a1, e1, &q0, &q1, lo, hi, cols1, c, ldc);
        store2x2(a2, e2, a3, e3, &q0, &q1, lo, hi, cols1, c + 2 * (int64_t)ldc, ldc);
        store2x2(a4, e4, a5, e5, &q0, &q1, lo, hi, cols1, c + 4 * (int64_t)ldc, ldc);
        store2x2(a6, e6, a7, e7, &q0, &q1, lo, hi, cols1, c + 6 * (int64_t)ldc, ldc);
        store2x2(a8, e8, a9, e9, &q0, &q1, lo, hi, cols1, c + 8 * (int64_t)ldc, ldc);
        store2x2(a10, e10, a11, e11, &q0, &q1, lo, hi, cols1, c + 10 * (int64_t)ldc, ldc);
        return;
    }
    {
        __m512i sums[2 * MRV];
        sums[0] = a0, sums[1] = a1, sums[2] = a2, sums[3] = a3, sums[4] = a4, sums[5] = a5, sums[6] = a6;
        sums[7] = a7, sums[8] = a8, sums[9] = a9, sums[10] = a10, sums[11] = a11, sums[12] = e0, sums[13] = e1;
        sums[14] = e2, sums[15] = e3, sums[16] = e4, sums[17] = e5, sums[18] = e6, sums[19] = e7, sums[20] = e8;
        sums[21] = e9, sums[22] = e10, sums[23] = e11;
        store_rows(sums, MRV, p, pn, 0xFFFF, c, ldc, es);
        store_rows(sums + MRV, MRV, p, pn + TL_GEMM_NR, cols1, c + TL_GEMM_NR * es, ldc, es);
    }
}

/* 12 rows x one panel, `rq` as in block12x2 */
AVX512VNNI static void block12x1(int32_t kq, const uint8_t *x, const int8_t *w0, const tl_gemm_s8_params *p, int32_t pn,
                                 __mmask16 cols0, uint8_t *c, int32_t ldc, int32_t es, int rq) {
    __m512i a0 = rq ? _mm512_loadu_si512(p->bias + pn) : _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0, a4 = a0;
    __m512i a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
    int32_t kk;
    for (kk = 0; kk < kq; kk += 4) {
        LOAD_B0;
        DP1(a0, x);
        DP1(a1, x + kq);
        DP1(a2, x + 2 * (int64_t)kq);
        DP1(a3, x + 3 * (int64_t)kq);
        DP1(a4, x + 4 * (int64_t)kq);
        DP1(a5, x + 5 * (int64_t)kq);
        DP1(a6, x + 6 * (int64_t)kq);
        DP1(a7, x + 7 * (int64_t)kq);
        DP1(a8, x + 8 * (int64_t)kq);
        DP1(a9, x + 9 * (int64_t)kq);
        DP1(a10, x + 10 * (int64_t)kq);
        DP1(a11, x + 11 * (int64_t)kq);
    }
    if (rq) {
        const rq_panel q0 = rq_load(p, pn);
        const __m512i lo = _mm512_set1_epi8((char)p->q_lo), hi = _mm512_set1_epi8((char)p->q_hi);
        store4x1(a0, a1, a2, a3, &q0, lo, hi, cols0, c, ldc);
        store4x1(a4, a5, a6, a7, &q0, lo, hi, cols0, c + 4 * (int64_t)ldc, ldc);
        store4x1(a8, a9, a10, a11, &q0, lo, hi, cols0, c + 8 * (int64_t)ldc, ldc);
        return;
    }
    {
        __m512i sums[MRV];
        sums[0] = a0, sums[1] = a1, sums[2] = a2, sums[3] = a3, sums[4] = a4, sums[5] = a5, sums[6] = a6;
        sums[7] = a7, sums[8] = a8, sums[9] = a9, sums[10] = a10, sums[11] = a11;
        store_rows(sums, MRV, p, pn, cols0, c, ldc, es);
    }
}

/* One row (a tile's last rows) x one panel, or two when w1 is not NULL */
AVX512VNNI static void block1(int32_t kq, const uint8_t *x, const int8_t *w0, const int8_t *w1,
                              const tl_gemm_s8_params *p, int32_t pn, __mmask16 cols0, __mmask16 cols1, uint8_t *c,
                              int32_t es) {
    __m512i a0 = _mm512_setzero_si512(), e0 = a0;
    int32_t kk;
    if (w1) {
        for (kk = 0; kk < kq; kk += 4) {
            LOAD_B0;
            LOAD_B1;
            DP2(a0, e0, x);
        }
        store_rows(&e0, 1, p, pn + TL_GEMM_NR, cols1, c + TL_GEMM_NR * es, 0, es);
    } else {
        for (kk = 0; kk < kq; kk += 4) {
            LOAD_B0;
            DP1(a0, x);
        }
    }
    store_rows(&a0, 1, p, pn, cols0, c, 0, es);
}

AVX512VNNI static void gemm_vnni(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda, const tl_gemm_s8_params *p,
                                  uint8_t *c, int32_t ldc, int16_t *scratch, int32_t es) {
    const int32_t kpad = tl_gemm_s8_kpad(k), kq = tl_gemm_s8_kquad(k);
    uint8_t *x8 = (uint8_t *)scratch; /* MRV rows of kq bytes: inside the scratch's 12 x kpad int16 */
    int32_t i, pn, r;
    for (i = 0; i < m; i += MRV) {
        int32_t rows = m - i < MRV ? m - i : MRV;
        to_u8(rows, k, kq, a + (int64_t)i * lda, lda, x8);
        for (pn = 0; pn < n; pn += 2 * TL_GEMM_NR) {
            const int8_t *w0 = (const int8_t *)(p->packed + (int64_t)pn * kpad);
            const int8_t *w1 = n - pn > TL_GEMM_NR ? (const int8_t *)(p->packed + (int64_t)(pn + TL_GEMM_NR) * kpad) : NULL;
            int32_t left = n - pn;
            __mmask16 cols0 = (__mmask16)(left >= 16 ? 0xFFFFu : (1u << left) - 1u);
            __mmask16 cols1 = (__mmask16)(left >= 32 ? 0xFFFFu : left > 16 ? (1u << (left - 16)) - 1u : 0u);
            uint8_t *out = c + ((int64_t)i * ldc + pn) * es;
            /* the single-rounding requantization where both panels' tables allow it (int8 output only) */
            int rq = es == 1 && p->rq && p->rq[pn / TL_GEMM_NR].usable && (!w1 || p->rq[pn / TL_GEMM_NR + 1].usable);
            if (rows == MRV && w1)
                block12x2(kq, x8, w0, w1, p, pn, cols1, out, ldc, es, rq);
            else if (rows == MRV)
                block12x1(kq, x8, w0, p, pn, cols0, out, ldc, es, rq);
            else
                for (r = 0; r < rows; r++)
                    block1(kq, x8 + (int64_t)r * kq, w0, w1, p, pn, cols0, cols1, out + (int64_t)r * ldc * es, es);
        }
    }
}

void tl_gemm_s8_avx512vnni(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda, const tl_gemm_s8_params *p,
                           int8_t *c, int32_t ldc, int16_t *scratch) {
    gemm_vnni(m, n, k, a, lda, p, (uint8_t *)c, ldc, scratch, 1);
}

void tl_gemm_s8_avx512vnni_raw(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda, const tl_gemm_s8_params *p,
                               int32_t *c, int32_t ldc, int16_t *scratch) {
    gemm_vnni(m, n, k, a, lda, p, (uint8_t *)c, ldc, scratch, 4);
}

/* ---- AVX2 ---- */

AVX2 static __m256i finish_256(__m256i acc, const tl_gemm_s8_params *p, int32_t ch) {
    const __m256i bound = _mm256_set1_epi32(1 << 16);
    __m256i v = tl_requantize_256(_mm256_add_epi32(acc, _mm256_loadu_si256((const __m256i *)(p->bias + ch))),
                               _mm256_loadu_si256((const __m256i *)(p->mult + ch)),
                               _mm256_loadu_si256((const __m256i *)(p->shift + ch)));
    v = _mm256_min_epi32(_mm256_max_epi32(v, _mm256_sub_epi32(_mm256_setzero_si256(), bound)), bound);
    v = _mm256_add_epi32(v, _mm256_set1_epi32(p->out_offset));
    return _mm256_min_epi32(_mm256_max_epi32(v, _mm256_set1_epi32(p->q_lo)), _mm256_set1_epi32(p->q_hi));
}

/* A panel's rows of 2 x 8 sums requantized with its tl_gemm_s8_rq table: saturated to bytes by packs,
 * whose lane order a dword permute undoes, then clamped (saturating first, then clamping inside the
 * int8 range, is the clamp of the int32 values) */
AVX2 static void finish_rq_256(__m256i (*acc)[2], int32_t rows, const tl_gemm_s8_params *p, int32_t pn, int32_t cols,
                               int8_t *c, int32_t ldc) {
    const tl_gemm_s8_rq *rq = p->rq + pn / TL_GEMM_NR;
    const __m256i m0 = _mm256_loadu_si256((const __m256i *)(p->mult + pn)), m1 = _mm256_loadu_si256((const __m256i *)(p->mult + pn + 8));
    const __m256i m0o = _mm256_srli_epi64(m0, 32), m1o = _mm256_srli_epi64(m1, 32);
    const __m256i b0 = _mm256_loadu_si256((const __m256i *)(p->bias + pn)), b1 = _mm256_loadu_si256((const __m256i *)(p->bias + pn + 8));
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    const __m128i lo = _mm_set1_epi8((char)p->q_lo), hi = _mm_set1_epi8((char)p->q_hi);
    int32_t r;
    for (r = 0; r < rows; r++) {
        __m256i v0 = tl_requant_256_rq(_mm256_add_epi32(acc[r][0], b0), m0, m0o, rq, 0);
        __m256i v1 = tl_requant_256_rq(_mm256_add_epi32(acc[r][1], b1), m1, m1o, rq, 1);
        __m256i w = _mm256_packs_epi32(v0, v1); /* lanes: v0 0-3, v1 0-3 | v0 4-7, v1 4-7 */
        __m128i bytes = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(_mm256_packs_epi16(w, w), order));
        bytes = _mm_min_epi8(_mm_max_epi8(bytes, lo), hi);
        if (cols == TL_GEMM_NR) {
            _mm_storeu_si128((__m128i *)(c + (int64_t)r * ldc), bytes);
        } else {
            int8_t out[TL_GEMM_NR];
            _mm_storeu_si128((__m128i *)out, bytes);
            memcpy(c + (int64_t)r * ldc, out, (size_t)cols);
        }
    }
}

AVX2 static void gemm_avx2(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda, const tl_gemm_s8_params *p,
                           int8_t *c, int32_t *c32, int32_t ldc, int16_t *scratch) {
    const int32_t kpad = tl_gemm_s8_kpad(k);
    int32_t i, pn, r, kk, j;
    for (i = 0; i < m; i += MR2) {
        int32_t rows = m - i < MR2 ? m - i : MR2;
        widen(rows, k, kpad, a + (int64_t)i * lda, lda, scratch);
        for (pn = 0; pn < n; pn += TL_GEMM_NR) {
            const int16_t *panel = p->packed + (int64_t)pn * kpad;
            int32_t cols = n - pn < TL_GEMM_NR ? n - pn : TL_GEMM_NR;
            __m256i acc[MR2][2];
            for (r = 0; r < MR2; r++) acc[r][0] = acc[r][1] = _mm256_setzero_si256();
            for (kk = 0; kk < kpad; kk += 2) {
                __m256i w0 = _mm256_loadu_si256((const __m256i *)(panel + (int64_t)kk * TL_GEMM_NR));
                __m256i w1 = _mm256_loadu_si256((const __m256i *)(panel + (int64_t)kk * TL_GEMM_NR + 16));
                for (r = 0; r < rows; r++) {
                    __m256i x = _mm256_set1_epi32(pair(scratch + (int64_t)r * kpad + kk));
                    acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_madd_epi16(x, w0));
                    acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_madd_epi16(x, w1));
                }
            }
            if (!c32 && p->rq && p->rq[pn / TL_GEMM_NR].usable) { /* one rounding, the offset included */
                finish_rq_256(acc, rows, p, pn, cols, c + (int64_t)i * ldc + pn, ldc);
                continue;
            }
            for (r = 0; r < rows; r++) {
                int32_t out[TL_GEMM_NR];
                if (c32) { /* raw: sum + bias */
                    _mm256_storeu_si256((__m256i *)out, _mm256_add_epi32(acc[r][0], _mm256_loadu_si256((const __m256i *)(p->bias + pn))));
                    _mm256_storeu_si256((__m256i *)(out + 8),
                                        _mm256_add_epi32(acc[r][1], _mm256_loadu_si256((const __m256i *)(p->bias + pn + 8))));
                    for (j = 0; j < cols; j++) c32[(int64_t)(i + r) * ldc + pn + j] = out[j];
                    continue;
                }
                _mm256_storeu_si256((__m256i *)out, finish_256(acc[r][0], p, pn));
                _mm256_storeu_si256((__m256i *)(out + 8), finish_256(acc[r][1], p, pn + 8));
                for (j = 0; j < cols; j++) c[(int64_t)(i + r) * ldc + pn + j] = (int8_t)out[j];
            }
        }
    }
}

void tl_gemm_s8_avx2(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda, const tl_gemm_s8_params *p, int8_t *c,
                     int32_t ldc, int16_t *scratch) {
    gemm_avx2(m, n, k, a, lda, p, c, NULL, ldc, scratch);
}

void tl_gemm_s8_avx2_raw(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda, const tl_gemm_s8_params *p,
                         int32_t *c, int32_t ldc, int16_t *scratch) {
    gemm_avx2(m, n, k, a, lda, p, NULL, c, ldc, scratch);
}

#else
typedef int tl_gemm_s8_x86_unused; /* ISO C: a translation unit holds at least one declaration */
#endif
