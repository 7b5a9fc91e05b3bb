/* The int8 GEMM's single-rounding requantization (gemm_s8.h's identity, tl_gemm_s8_rq_build and
 * requant_x86.h's vector code) against the scalar tl_multiply_by_quantized_multiplier plus the
 * output offset: random accumulators below 2^30 in magnitude (small ones, whose products land on the
 * roundings' ties often, and the bound's extremes), multipliers in [2^30, 2^31) with 2^30 itself
 * (whose products tie often), shifts over [-31, 7] and offsets over [-128, 128]. A panel with any
 * shift outside [-22, -1], an offset of 129 or -129, or an accumulator bound of 2^30 must be marked
 * unusable; every usable lane must give the reference's value. Both tiers: tl_requant_512_rq with
 * AVX-512 and tl_requant_256_rq with AVX2, each where the CPU has it. */
#include <stdio.h>

#include "../kernels/common/quant_math.h"
#include "../kernels/opt/gemm_s8.h"
#include "cpu.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include "../kernels/opt/requant_x86.h"

static uint32_t next(uint32_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* |acc| below 2^30, the table's bound: its extremes, ties' neighbourhood (small values) and random ones */
static int32_t pick_acc(uint32_t *seed, int32_t j) {
    const int32_t most = (1 << 30) - 1;
    uint32_t kind = next(seed) % 8;
    if (kind == 0) return (int32_t)(next(seed) % (2u * (uint32_t)most + 1u)) - most;
    if (kind == 1) return j & 1 ? most : -most;
    if (kind == 2) return (int32_t)(next(seed) % 3) - 1 + (j & 1 ? -most + 1 : most - 1);
    if (kind <= 5) return (int32_t)(next(seed) % 2001) - 1000;
    return (int32_t)(next(seed) % 2000001) - 1000000;
}

AVX512 static void apply512(const int32_t *acc, const int32_t *mult, const tl_gemm_s8_rq *rq, int32_t *got) {
    const __m512i m = _mm512_loadu_si512(mult);
    _mm512_storeu_si512(got, tl_requant_512_rq(_mm512_loadu_si512(acc), m, _mm512_srli_epi64(m, 32), rq));
}

AVX2 static void apply256(const int32_t *acc, const int32_t *mult, const tl_gemm_s8_rq *rq, int32_t *got) {
    int half;
    for (half = 0; half < 2; half++) {
        const __m256i m = _mm256_loadu_si256((const __m256i *)(mult + 8 * half));
        _mm256_storeu_si256((__m256i *)(got + 8 * half),
                            tl_requant_256_rq(_mm256_loadu_si256((const __m256i *)(acc + 8 * half)), m,
                                              _mm256_srli_epi64(m, 32), rq, half));
    }
}

static long run(const char *tier, void (*apply)(const int32_t *, const int32_t *, const tl_gemm_s8_rq *, int32_t *),
                long rounds, long *usable_lanes, long *unusable_panels) {
    uint32_t seed = 2024;
    long bad = 0, i;
    int32_t mult[16], shift[16], acc[16], got[16], j, offset;
    for (i = 0; i < rounds; i++) {
        tl_gemm_s8_rq rq;
        int all_in, ok_offset;
        offset = i % 16 == 0 ? (i & 16 ? 128 : -128) : (int32_t)(next(&seed) % 257) - 128;
        if (i % 64 == 32) offset = i & 64 ? 129 : -129; /* beyond any int8 zero point: refused */
        all_in = ok_offset = offset >= -128 && offset <= 128;
        for (j = 0; j < 16; j++) {
            uint32_t kind = next(&seed) % 16;
            mult[j] = kind == 0 ? 1 << 30 : kind == 1 ? INT32_MAX : (int32_t)(0x40000000u + next(&seed) % 0x40000000u);
            /* mostly a usable panel; sometimes one lane out of range (0, a left shift, or beyond -22) */
            shift[j] = i % 8 == 7 && j == (int32_t)(i % 16) ? (int32_t)(next(&seed) % 39) - 31 : -1 - (int32_t)(next(&seed) % 22);
            if (shift[j] < -22 || shift[j] > -1) all_in = 0;
            acc[j] = pick_acc(&seed, j);
        }
        tl_gemm_s8_rq_build(&rq, 16, mult, shift, offset, i % 97 == 0 ? (int64_t)1 << 30 : (1 << 30) - 1);
        if (i % 97 == 0) all_in = 0; /* accumulators that may reach 2^30: refused */
        if ((rq.usable != 0) != all_in) {
            printf("requant_x86 %s: panel marked %s, offset %d, shifts %s\n", tier, rq.usable ? "usable" : "unusable",
                   offset, all_in || !ok_offset ? "all in [-22, -1]" : "not all in [-22, -1]");
            bad++;
            continue;
        }
        if (!all_in) {
            (*unusable_panels)++;
            continue;
        }
        apply(acc, mult, &rq, got);
        for (j = 0; j < 16; j++, (*usable_lanes)++) {
            int32_t want = tl_multiply_by_quantized_multiplier(acc[j], mult[j], shift[j]) + offset;
            if (got[j] != want && bad++ < 10)
                printf("requant_x86 %s: acc %d mult %d shift %d offset %d: %d, want %d\n", tier, acc[j], mult[j],
                       shift[j], offset, got[j], want);
        }
    }
    return bad;
}

int main(void) {
    uint32_t cpu = tl_cpu_detect();
    long failures = 0;
    int t;
    for (t = 0; t < 2; t++) {
        const char *tier = t == 0 ? "avx512" : "avx2";
        long usable = 0, unusable = 0, bad;
        if (!(cpu & (t == 0 ? TL_CPU_AVX512 : TL_CPU_AVX2))) {
            printf("requant_x86: %s not run (the CPU lacks it)\n", tier);
            continue;
        }
        bad = run(tier, t == 0 ? apply512 : apply256, 400000, &usable, &unusable);
        printf("requant_x86 %s: %ld wrong of %ld lanes (%ld panels out of range, refused)\n", tier, bad, usable, unusable);
        failures += bad != 0 || usable < 5000000 || unusable < 10000;
    }
    return failures != 0;
}

#else
int main(void) {
    puts("requant_x86: not an x86-64 build");
    return 0;
}
#endif
