/* The optimized float GEMM (kernels/opt/gemm_f32.h) in every tier this CPU runs (portable C,
 * AVX2, AVX-512, NEON) against a double-precision loop, over shapes that cover partial blocks of
 * rows and of columns, with and without bias, and clamping. Each result must be within 1e-5 of the
 * sum's magnitude (the tiers only round differently). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "../kernels/opt/gemm_f32.h"
#include "cpu.h"

static float frand(unsigned *s) {
    *s = *s * 1103515245u + 12345u;
    return (float)((*s >> 8) & 0xffff) / 32768.0f - 1.0f;
}

static int check(const char *tier, tl_gemm_f32_fn gemm, int32_t m, int32_t n, int32_t k, int bias_on, float lo,
                 float hi, unsigned seed) {
    float *a = malloc(sizeof(float) * (size_t)(m * k + 1)), *w = malloc(sizeof(float) * (size_t)(n * k + 1));
    float *bias = malloc(sizeof(float) * (size_t)(n + 1)), *c = malloc(sizeof(float) * (size_t)(m * (n + 3) + 1));
    float *packed = malloc(tl_gemm_f32_packed_bytes(n, k) + sizeof(float));
    int32_t i, j, kk, ldc = n + 3, bad = 0;
    for (i = 0; i < m * k; i++) a[i] = frand(&seed);
    for (i = 0; i < n * k; i++) w[i] = frand(&seed);
    for (i = 0; i < n; i++) bias[i] = frand(&seed);
    tl_gemm_f32_pack(packed, w, n, k);
    gemm(m, n, k, a, k, packed, bias_on ? bias : NULL, lo, hi, c, ldc);
    for (i = 0; i < m && !bad; i++)
        for (j = 0; j < n && !bad; j++) {
            double sum = bias_on ? bias[j] : 0.0, mag = fabs(sum), want;
            for (kk = 0; kk < k; kk++) {
                sum += (double)a[i * k + kk] * w[j * k + kk];
                mag += fabs((double)a[i * k + kk] * w[j * k + kk]);
            }
            want = sum < lo ? lo : (sum > hi ? hi : sum);
            if (fabs(c[i * ldc + j] - want) > 1e-5 * mag + 1e-6) {
                printf("%s m=%d n=%d k=%d: c[%d][%d] = %.9g, want %.9g\n", tier, m, n, k, i, j, c[i * ldc + j], want);
                bad = 1;
            }
        }
    free(a);
    free(w);
    free(bias);
    free(c);
    free(packed);
    return bad;
}

int main(void) {
    static const int32_t ms[] = {1, 3, 4, 5, 6, 7, 12, 13, 25, 40}, ns[] = {1, 2, 15, 16, 17, 31, 33, 48};
    static const int32_t ks[] = {1, 2, 7, 16, 27, 64, 257};
    uint32_t cpu = tl_cpu_detect();
    struct { const char *name; uint32_t needs; } tiers[] = {{"portable", 0}, {"avx2", TL_CPU_AVX2}, {"avx512", TL_CPU_AVX512},
                                                       {"neon", TL_CPU_NEON}, {"neon_dot", TL_CPU_NEON | TL_CPU_NEON_DOT},
                                                       {"wasm_simd", TL_CPU_WASM_SIMD}};
    unsigned seed = 1;
    int t, failures = 0, runs = 0;
    size_t a, b, c;
    for (t = 0; t < (int)(sizeof tiers / sizeof *tiers); t++) {
        tl_gemm_f32_fn gemm;
        if ((cpu & tiers[t].needs) != tiers[t].needs) {
            printf("gemm_f32: %s not run (the CPU lacks it)\n", tiers[t].name);
            continue;
        }
        gemm = tl_gemm_f32_select(tiers[t].needs);
        for (a = 0; a < sizeof ms / sizeof *ms; a++)
            for (b = 0; b < sizeof ns / sizeof *ns; b++)
                for (c = 0; c < sizeof ks / sizeof *ks; c++, seed++) {
                    failures += check(tiers[t].name, gemm, ms[a], ns[b], ks[c], (int)(seed & 1), -INFINITY, INFINITY, seed);
                    failures += check(tiers[t].name, gemm, ms[a], ns[b], ks[c], 1, -0.5f, 0.75f, seed * 7u);
                    runs += 2;
                }
    }
    printf("gemm_f32: %d of %d cases wrong\n", failures, runs);
    return failures != 0;
}
