/* The optimized int8 GEMM (kernels/opt/gemm_s8.h) in every tier this CPU runs against a scalar
 * loop with the reference kernels' own arithmetic (quant_math.h): int8 products summed in int32,
 * bias added, requantized per channel, offset and clamped. Shapes cover partial row and column
 * blocks and odd k; multipliers and shifts span TFLite's range, including left shifts, and the
 * extreme int8 values; each case runs without the single-rounding requantization table
 * (tl_gemm_s8_rq_build), with it for right shifts only (every panel takes it), and with it for the
 * mixed shifts (panels with a left shift take the other path). Every output byte must be equal, and each tier's raw kernel
 * (tl_gemm_s8_select_raw) must give the int32 sums plus the bias. */
#include <stdio.h>
#include <stdlib.h>

#include "../kernels/common/quant_math.h"
#include "../kernels/opt/gemm_s8.h"
#include "cpu.h"

static uint32_t next(uint32_t *s) {
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

static int check(const char *tier, uint32_t needs, int32_t m, int32_t n, int32_t k, uint32_t seed, int with_rq) {
    tl_gemm_s8_fn gemm = tl_gemm_s8_select(needs);
    int32_t ch = tl_gemm_s8_channels(n), i, j, kk, ldc = n + 5, bad = 0;
    int8_t *a = malloc((size_t)(m * k + 1)), *w = malloc((size_t)(n * k + 1)), *c = malloc((size_t)(m * ldc + 1));
    int32_t *bias = calloc((size_t)ch, 4), *mult = calloc((size_t)ch, 4), *shift = calloc((size_t)ch, 4);
    int32_t *b_eff = calloc((size_t)ch, 4), offset = tl_gemm_s8_a_offset(needs), *c32 = malloc(4 * (size_t)(m * ldc + 1));
    tl_gemm_s8_raw_fn raw = tl_gemm_s8_select_raw(needs);
    int16_t *packed = malloc(tl_gemm_s8_packed_bytes(n, k)), *scratch = malloc(tl_gemm_s8_scratch_bytes(k));
    tl_gemm_s8_rq *rq = malloc(tl_gemm_s8_rq_bytes(n));
    tl_gemm_s8_params p;
    for (i = 0; i < m * k; i++) a[i] = (int8_t)(next(&seed) % 4 == 0 ? (next(&seed) & 1 ? 127 : -128) : (int32_t)(next(&seed) % 256) - 128);
    for (i = 0; i < n * k; i++) w[i] = (int8_t)((int32_t)(next(&seed) % 255) - 127);
    for (j = 0; j < n; j++) {
        double real = (double)(next(&seed) % 100000 + 1) / 1e5 * (next(&seed) % 3 == 0 ? 0.0005 : (next(&seed) % 5 == 0 ? (with_rq == 1 ? 0.2 : 40.0) : 0.01));
        tl_quantize_multiplier(real, &mult[j], &shift[j]);
        bias[j] = (int32_t)(next(&seed) % 200001) - 100000;
        b_eff[j] = bias[j]; /* the GEMM's bias takes back the offset it adds to A (tl_gemm_s8_a_offset) */
        for (kk = 0; kk < k; kk++) b_eff[j] -= offset * w[j * k + kk];
    }
    p.packed = packed;
    p.bias = b_eff;
    p.mult = mult;
    p.shift = shift;
    p.out_offset = (int32_t)(next(&seed) % 256) - 128;
    p.q_lo = -128 + (int32_t)(next(&seed) % 3) * 20;
    p.q_hi = 127 - (int32_t)(next(&seed) % 3) * 20;
    tl_gemm_s8_rq_build(rq, n, mult, shift, p.out_offset, (int64_t)k * 255 * 128 + 100000);
    p.rq = with_rq ? rq : NULL;
    tl_gemm_s8_pack_for(needs, packed, w, n, k);
    gemm(m, n, k, a, k, &p, c, ldc, scratch);
    if (raw) { /* the raw int32 output: the sums plus the bias, exactly */
        raw(m, n, k, a, k, &p, c32, ldc, scratch);
        for (i = 0; i < m && !bad; i++)
            for (j = 0; j < n && !bad; j++) {
                int32_t acc = 0;
                for (kk = 0; kk < k; kk++) acc += a[i * k + kk] * w[j * k + kk];
                if (c32[i * ldc + j] != acc + bias[j]) {
                    printf("%s raw m=%d n=%d k=%d: c[%d][%d] = %d, want %d\n", tier, m, n, k, i, j, c32[i * ldc + j],
                           acc + bias[j]);
                    bad = 1;
                }
            }
    }
    for (i = 0; i < m && !bad; i++)
        for (j = 0; j < n && !bad; j++) {
            int32_t acc = 0, r;
            for (kk = 0; kk < k; kk++) acc += a[i * k + kk] * w[j * k + kk];
            r = tl_multiply_by_quantized_multiplier(tl_add_sat(acc, bias[j]), mult[j], shift[j]);
            r = tl_clamp_i32(tl_add_sat(r, p.out_offset), p.q_lo, p.q_hi);
            if (c[i * ldc + j] != (int8_t)r) {
                printf("%s m=%d n=%d k=%d: c[%d][%d] = %d, want %d (acc %d, mult %d, shift %d)\n", tier, m, n, k, i, j,
                       c[i * ldc + j], r, acc + bias[j], mult[j], shift[j]);
                bad = 1;
            }
        }
    free(a);
    free(w);
    free(c);
    free(bias);
    free(b_eff);
    free(c32);
    free(mult);
    free(shift);
    free(packed);
    free(scratch);
    free(rq);
    return bad;
}

int main(void) {
    static const int32_t ms[] = {1, 5, 6, 7, 12, 13, 30}, ns[] = {1, 7, 16, 17, 32, 40}, ks[] = {1, 2, 3, 9, 27, 64, 301};
    uint32_t cpu = tl_cpu_detect(), seed = 7;
    struct { const char *name; uint32_t needs; } tiers[] = {{"portable", 0}, {"avx2", TL_CPU_AVX2}, {"avx512", TL_CPU_AVX512},
                                                       {"avx512vnni", TL_CPU_AVX512 | TL_CPU_AVX512VNNI},
                                                       {"neon", TL_CPU_NEON}, {"neon_dot", TL_CPU_NEON | TL_CPU_NEON_DOT},
                                                       {"wasm_simd", TL_CPU_WASM_SIMD}};
    int t, failures = 0, runs = 0;
    size_t a, b, c;
    for (t = 0; t < (int)(sizeof tiers / sizeof *tiers); t++) {
        if ((cpu & tiers[t].needs) != tiers[t].needs) {
            printf("gemm_s8: %s not run (the CPU lacks it)\n", tiers[t].name);
            continue;
        }
        for (a = 0; a < sizeof ms / sizeof *ms; a++)
            for (b = 0; b < sizeof ns / sizeof *ns; b++)
                for (c = 0; c < sizeof ks / sizeof *ks; c++, seed += 13) {
                    failures += check(tiers[t].name, tiers[t].needs, ms[a], ns[b], ks[c], seed, 0);
                    failures += check(tiers[t].name, tiers[t].needs, ms[a], ns[b], ks[c], seed, 1);
                    failures += check(tiers[t].name, tiers[t].needs, ms[a], ns[b], ks[c], seed, 2);
                    runs += 3;
                }
    }
    printf("gemm_s8: %d of %d cases wrong\n", failures, runs);
    return failures != 0;
}
