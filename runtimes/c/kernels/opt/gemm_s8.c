/* Packing, selection and the portable micro-kernel of the int8 GEMM (see gemm_s8.h). */
#include "gemm_s8.h"

#include "../../src/cpu.h"
#include "../common/quant_math.h"

int32_t tl_gemm_s8_kpad(int32_t k) { return (k + 1) & ~1; }

int32_t tl_gemm_s8_channels(int32_t n) { return (n + TL_GEMM_NR - 1) / TL_GEMM_NR * TL_GEMM_NR; }

size_t tl_gemm_s8_packed_bytes(int32_t n, int32_t k) {
    return (size_t)tl_gemm_s8_channels(n) * (size_t)tl_gemm_s8_kpad(k) * sizeof(int16_t);
}

size_t tl_gemm_s8_scratch_bytes(int32_t k) {
    return (size_t)TL_GEMM_S8_MAX_MR * (size_t)tl_gemm_s8_kpad(k) * sizeof(int16_t);
}

size_t tl_gemm_s8_rq_bytes(int32_t n) { return (size_t)(tl_gemm_s8_channels(n) / TL_GEMM_NR) * sizeof(tl_gemm_s8_rq); }

void tl_gemm_s8_rq_build(tl_gemm_s8_rq *rq, int32_t n, const int32_t *mult, const int32_t *shift, int32_t out_offset,
                         int64_t acc_max) {
    int32_t p, j;
    for (p = 0; p < tl_gemm_s8_channels(n); p += TL_GEMM_NR, rq++) {
        int usable = out_offset >= -128 && out_offset <= 128 && acc_max < ((int64_t)1 << 30);
        for (j = 0; j < TL_GEMM_NR; j++) {
            int32_t c = p + j, r = c < n ? -shift[c] : 1;
            int64_t add;
            if (c < n && (r < 1 || r > 22 || mult[c] < 0)) usable = 0;
            if (r < 1 || r > 22) r = 1;
            add = 2 * (((int64_t)1 << 30) + ((int64_t)1 << (r + 30)) + (int64_t)out_offset * ((int64_t)1 << (31 + r)));
            if (j % 2 == 0)
                rq->add_even[j / 2] = add;
            else
                rq->add_odd[j / 2] = add;
            rq->shift[j] = r;
        }
        rq->usable = usable;
    }
}

/* W[n][k] read at w[n * sn + k * sk]: [n][k] as TFLite stores weights (sn = k, sk = 1), or [k][n] */
static void pack_pairs(int16_t *packed, const int8_t *w, int32_t n, int32_t k, int64_t sn, int64_t sk) {
    int32_t kpad = tl_gemm_s8_kpad(k), p, kk, j, h;
    for (p = 0; p < n; p += TL_GEMM_NR) {
        int16_t *panel = packed + (int64_t)p * kpad;
        for (kk = 0; kk < kpad; kk += 2)
            for (j = 0; j < TL_GEMM_NR; j++)
                for (h = 0; h < 2; h++)
                    panel[(int64_t)kk * TL_GEMM_NR + 2 * j + h] =
                        (int16_t)(p + j < n && kk + h < k ? w[(p + j) * sn + (kk + h) * sk] : 0);
    }
}

void tl_gemm_s8_pack(int16_t *packed, const int8_t *w, int32_t n, int32_t k) { pack_pairs(packed, w, n, k, k, 1); }

int32_t tl_gemm_s8_kquad(int32_t k) { return (k + 3) & ~3; }

static void pack_quads(int16_t *packed, const int8_t *w, int32_t n, int32_t k, int64_t sn, int64_t sk) {
    int32_t kpad = tl_gemm_s8_kpad(k), kq = tl_gemm_s8_kquad(k), p, kk, j, h;
    for (p = 0; p < n; p += TL_GEMM_NR) {
        /* panels sit where the int16 layout puts them (packed + p * kpad), each using 16 * kq bytes */
        int8_t *panel = (int8_t *)(packed + (int64_t)p * kpad);
        for (kk = 0; kk < kq; kk += 4)
            for (j = 0; j < TL_GEMM_NR; j++)
                for (h = 0; h < 4; h++)
                    panel[(int64_t)kk * TL_GEMM_NR + 4 * j + h] =
                        (int8_t)(p + j < n && kk + h < k ? w[(p + j) * sn + (kk + h) * sk] : 0);
    }
}

void tl_gemm_s8_pack_dot(int16_t *packed, const int8_t *w, int32_t n, int32_t k) { pack_quads(packed, w, n, k, k, 1); }

tl_gemm_s8_fn tl_gemm_s8_select(uint32_t cpu) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if ((cpu & (TL_CPU_AVX512 | TL_CPU_AVX512VNNI)) == (TL_CPU_AVX512 | TL_CPU_AVX512VNNI)) return tl_gemm_s8_avx512vnni;
    if (cpu & TL_CPU_AVX512) return tl_gemm_s8_avx512;
    if (cpu & TL_CPU_AVX2) return tl_gemm_s8_avx2;
#elif defined(__aarch64__) && defined(__ARM_NEON)
#if defined(TL_GEMM_S8_DOT)
    if ((cpu & (TL_CPU_NEON | TL_CPU_NEON_DOT)) == (TL_CPU_NEON | TL_CPU_NEON_DOT)) return tl_gemm_s8_neondot;
#endif
    if (cpu & TL_CPU_NEON) return tl_gemm_s8_neon;
#elif defined(__wasm_simd128__)
    if (cpu & TL_CPU_WASM_SIMD) return tl_gemm_s8_wasm;
#else
    (void)cpu;
#endif
    return tl_gemm_s8_portable;
}

void tl_gemm_s8_pack_for(uint32_t cpu, int16_t *packed, const int8_t *w, int32_t n, int32_t k) {
    tl_gemm_s8_pack_for_strided(cpu, packed, w, n, k, k, 1);
}

void tl_gemm_s8_pack_for_strided(uint32_t cpu, int16_t *packed, const int8_t *w, int32_t n, int32_t k, int64_t sn,
                                 int64_t sk) {
    tl_gemm_s8_fn gemm = tl_gemm_s8_select(cpu);
#if defined(TL_GEMM_S8_DOT)
    if (gemm == tl_gemm_s8_neondot) {
        pack_quads(packed, w, n, k, sn, sk);
        return;
    }
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (gemm == tl_gemm_s8_avx512vnni) {
        pack_quads(packed, w, n, k, sn, sk);
        return;
    }
#endif
    (void)gemm;
    pack_pairs(packed, w, n, k, sn, sk);
}

tl_gemm_s8_raw_fn tl_gemm_s8_select_raw(uint32_t cpu) {
    tl_gemm_s8_fn gemm = tl_gemm_s8_select(cpu);
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (gemm == tl_gemm_s8_avx512vnni) return tl_gemm_s8_avx512vnni_raw;
    if (gemm == tl_gemm_s8_avx512) return tl_gemm_s8_avx512_raw;
    if (gemm == tl_gemm_s8_avx2) return tl_gemm_s8_avx2_raw;
#endif
#if defined(TL_GEMM_S8_DOT)
    if (gemm == tl_gemm_s8_neondot) return NULL;
#endif
#if defined(__wasm_simd128__)
    if (gemm == tl_gemm_s8_wasm) return tl_gemm_s8_wasm_raw;
#endif
    (void)gemm;
    return tl_gemm_s8_raw_portable;
}

int tl_gemm_s8_reads_rq(uint32_t cpu) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    tl_gemm_s8_fn gemm = tl_gemm_s8_select(cpu);
    return gemm == tl_gemm_s8_avx512vnni || gemm == tl_gemm_s8_avx512 || gemm == tl_gemm_s8_avx2;
#else
    (void)cpu;
    return 0;
#endif
}

int32_t tl_gemm_s8_a_offset(uint32_t cpu) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (tl_gemm_s8_select(cpu) == tl_gemm_s8_avx512vnni) return 128;
#else
    (void)cpu;
#endif
    return 0;
}

/* int8 output (c int8, es 1) or raw int32 (c32, es 4) */
static void gemm_portable(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda, const tl_gemm_s8_params *p,
                          int8_t *c, int32_t *c32, int32_t ldc) {
    int32_t kpad = tl_gemm_s8_kpad(k), i, pn, j, kk;
    for (pn = 0; pn < n; pn += TL_GEMM_NR) {
        const int16_t *panel = p->packed + (int64_t)pn * kpad;
        int32_t cols = n - pn < TL_GEMM_NR ? n - pn : TL_GEMM_NR;
        for (i = 0; i < m; i++) {
            const int8_t *row = a + (int64_t)i * lda;
            int32_t acc[TL_GEMM_NR];
            for (j = 0; j < TL_GEMM_NR; j++) acc[j] = 0;
            for (kk = 0; kk < k; kk++) {
                const int16_t *w = panel + (int64_t)(kk & ~1) * TL_GEMM_NR + (kk & 1);
                for (j = 0; j < TL_GEMM_NR; j++) acc[j] += row[kk] * w[2 * j];
            }
            for (j = 0; j < cols; j++) {
                int32_t r;
                if (c32) {
                    c32[(int64_t)i * ldc + pn + j] = tl_add_wrap(acc[j], p->bias[pn + j]);
                    continue;
                }
                r = tl_multiply_by_quantized_multiplier(acc[j] + p->bias[pn + j], p->mult[pn + j], p->shift[pn + j]);
                /* the result is an int8: bounding r first keeps the offset's addition from overflowing */
                r = tl_clamp_i32(r, -(1 << 16), 1 << 16);
                c[(int64_t)i * ldc + pn + j] = (int8_t)tl_clamp_i32(r + p->out_offset, p->q_lo, p->q_hi);
            }
        }
    }
}

void tl_gemm_s8_portable(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda, const tl_gemm_s8_params *p,
                         int8_t *c, int32_t ldc, int16_t *scratch) {
    (void)scratch;
    gemm_portable(m, n, k, a, lda, p, c, NULL, ldc);
}

void tl_gemm_s8_raw_portable(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda, const tl_gemm_s8_params *p,
                             int32_t *c, int32_t ldc, int16_t *scratch) {
    (void)scratch;
    gemm_portable(m, n, k, a, lda, p, NULL, c, ldc);
}
