/* int8 GEMM with TFLite's exact requantization, for the optimized int8 convolution and fully
 * connected kernels:
 *
 *     acc[m][n] = sum_k A[m][k] * W[n][k] + bias[n]              (int32, A and W int8)
 *     C[m][n]   = clamp(requantize(acc, mult[n], shift[n]) + out_offset, q_lo, q_hi)   (int8)
 *
 * requantize is LiteRT's MultiplyByQuantizedMultiplier (quant_math.h), applied lane by lane, so
 * the results equal the reference kernels' bit for bit. The caller folds the input zero point into
 * the bias (bias[n] + in_offset * sum_k W[n][k]) and fills padding with the input zero point.
 *
 * W is packed once into panels of TL_GEMM_NR output channels as int16 pairs: for each pair of k,
 * the panel's 16 channels' (W[n][k], W[n][k+1]) side by side, so one `pmaddwd` multiplies a
 * broadcast pair of A values against 16 channels and adds each pair's products into int32 lanes
 * (exact: |products| <= 2 * 128 * 128). The per-channel arrays are padded to whole panels. */
#ifndef TL_GEMM_S8_H
#define TL_GEMM_S8_H

#include <stddef.h>
#include <stdint.h>

#include "gemm_f32.h" /* TL_GEMM_NR */

#define TL_GEMM_S8_MAX_MR 12 /* the most rows a micro-kernel takes: the A scratch is this many rows */

/* One panel's constants for the requantization with a single rounding (x86-64 AVX-512 VNNI; see
 * tl_gemm_s8_rq_build): even and odd channels' 64-bit addends and shift counts. */
typedef struct {
    int64_t add_even[8], add_odd[8]; /* 2 * A of channels 0, 2, .. 14 and 1, 3, .. 15 */
    int32_t shift[16];               /* r */
    int32_t usable;
} tl_gemm_s8_rq;

typedef struct {
    const int16_t *packed;            /* tl_gemm_s8_pack */
    const int32_t *bias, *mult, *shift; /* per output channel, padded to whole panels */
    int32_t out_offset, q_lo, q_hi;
    const tl_gemm_s8_rq *rq; /* NULL, or tl_gemm_s8_rq_build's table (one per panel) */
} tl_gemm_s8_params;

/* LiteRT's requantization rounds twice: x = floor((acc * M + 2^30) / 2^31), then x / 2^r rounded half
 * away from zero, which is floor((x + 2^(r-1) - [x < 0]) / 2^r). Nested floors of divisions by positive
 * integers merge (floor((floor(y / a) + b) / c) = floor((y + a * b) / (a * c))), and for r >= 1 and M >= 0,
 * [x < 0] may be [acc < 0] (where they differ, -2^30 <= acc * M <= 0, both give 0), so for shift = -r in
 * [-22, -1], with u = floor((acc * M + A) / 2^31) = floor((2 * acc * M + 2 * A) / 2^32),
 *
 *     requantize(acc) + out_offset = floor((u - [acc < 0]) / 2^r),  A = 2^30 + 2^(r + 30) + out_offset * 2^(31 + r):
 *
 * one 64-bit product of 2 * acc, whose high half is u, then a 32-bit add and shift. For |acc| < 2^30
 * (2 * acc fits int32) and |out_offset| <= 128 (every int8 zero point), |2 * acc * M| < 2^62 and
 * |2 * A| < 2^62 keep the sum inside int64 and |u| < 2^31. tl_gemm_s8_rq_build fills a panel's table when
 * acc_max (the largest |sum + bias| the GEMM can give) is below 2^30 and each channel is such (M >= 0), and
 * marks it unusable (usable = 0) otherwise; channels past n are given r = 1 (their results are not stored).
 * runtimes/c/tests/test_requant_x86.c checks the identity against quant_math.h's
 * tl_multiply_by_quantized_multiplier. */
size_t tl_gemm_s8_rq_bytes(int32_t n);
/* Whether the GEMM tl_gemm_s8_select(cpu) returns reads the table (the x86-64 tiers); elsewhere it is
 * not worth its arena bytes. */
int tl_gemm_s8_reads_rq(uint32_t cpu);
void tl_gemm_s8_rq_build(tl_gemm_s8_rq *rq, int32_t n, const int32_t *mult, const int32_t *shift, int32_t out_offset,
                         int64_t acc_max);

typedef void (*tl_gemm_s8_fn)(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda,
                              const tl_gemm_s8_params *p, int8_t *c, int32_t ldc, int16_t *scratch);

/* k rounded up to pairs */
int32_t tl_gemm_s8_kpad(int32_t k);
size_t tl_gemm_s8_packed_bytes(int32_t n, int32_t k);
void tl_gemm_s8_pack(int16_t *packed, const int8_t *w, int32_t n, int32_t k);
/* Elements of each padded per-channel array; bytes of the A scratch a GEMM call needs. */
int32_t tl_gemm_s8_channels(int32_t n);
size_t tl_gemm_s8_scratch_bytes(int32_t k);
tl_gemm_s8_fn tl_gemm_s8_select(uint32_t cpu);
/* Packs W for the GEMM tl_gemm_s8_select(cpu) returns, into tl_gemm_s8_packed_bytes: int16 pairs
 * (tl_gemm_s8_pack), or for the dot-product tiers int8 quads (tl_gemm_s8_pack_dot). */
void tl_gemm_s8_pack_for(uint32_t cpu, int16_t *packed, const int8_t *w, int32_t n, int32_t k);
/* The same from W[n][k] at w[n * sn + k * sk] (sn = k, sk = 1 above; sn = 1, sk = n for W stored [k][n], as a
 * depthwise filter over one input channel is). */
void tl_gemm_s8_pack_for_strided(uint32_t cpu, int16_t *packed, const int8_t *w, int32_t n, int32_t k, int64_t sn,
                                 int64_t sk);
/* What the GEMM tl_gemm_s8_select(cpu) adds to every A value before multiplying: 128 for the
 * AVX-512 VNNI tier (vpdpbusd multiplies unsigned bytes, so A is taken as x + 128), else 0. The
 * caller subtracts offset * sum_k W[n][k] from bias[n], which gives back the same int32 sums. */
int32_t tl_gemm_s8_a_offset(uint32_t cpu);

/* Raw int32 output, for kernels whose own arithmetic follows the sums (FULLY_CONNECTED int8 requantizes
 * in double, the hybrid kernels scale in float): c[m][n] = sum_k A[m][k] * W[n][k] + bias[n] (wrapping
 * int32 adds: the caller keeps the true sums inside int32), ldc in int32 elements; only p->packed and
 * p->bias are read. tl_gemm_s8_select_raw(cpu) reads the packing tl_gemm_s8_pack_for(cpu) writes and
 * adds tl_gemm_s8_a_offset(cpu) to A, as tl_gemm_s8_select(cpu) does; NULL where no raw kernel reads
 * that packing (the NEON dot-product tier's quads). */
typedef void (*tl_gemm_s8_raw_fn)(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda,
                                  const tl_gemm_s8_params *p, int32_t *c, int32_t ldc, int16_t *scratch);
tl_gemm_s8_raw_fn tl_gemm_s8_select_raw(uint32_t cpu);
void tl_gemm_s8_raw_portable(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda, const tl_gemm_s8_params *p,
                             int32_t *c, int32_t ldc, int16_t *scratch);
void tl_gemm_s8_avx2_raw(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda, const tl_gemm_s8_params *p,
                         int32_t *c, int32_t ldc, int16_t *scratch);
void tl_gemm_s8_avx512_raw(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda, const tl_gemm_s8_params *p,
                           int32_t *c, int32_t ldc, int16_t *scratch);
void tl_gemm_s8_avx512vnni_raw(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda,
                               const tl_gemm_s8_params *p, int32_t *c, int32_t ldc, int16_t *scratch);

void tl_gemm_s8_portable(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda, const tl_gemm_s8_params *p,
                         int8_t *c, int32_t ldc, int16_t *scratch);
void tl_gemm_s8_avx2(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda, const tl_gemm_s8_params *p,
                     int8_t *c, int32_t ldc, int16_t *scratch);
void tl_gemm_s8_avx512(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda, const tl_gemm_s8_params *p,
                       int8_t *c, int32_t ldc, int16_t *scratch);
/* AVX-512 VNNI: W as int8 quads (tl_gemm_s8_pack_dot), A offset to unsigned bytes (x + 128) in the
 * scratch, `vpdpbusd` adding 4 products into each of a panel's 16 int32 lanes (exact: 4 * 255 * 128
 * per step), so each sum is the int8 sum plus 128 * sum_k W[n][k], which the bias takes back
 * (tl_gemm_s8_a_offset). */
void tl_gemm_s8_avx512vnni(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda, const tl_gemm_s8_params *p,
                           int8_t *c, int32_t ldc, int16_t *scratch);

/* k rounded up to quads; W as int8 quads for the dot-product tiers: for each 4 k, a panel's 16
 * channels' 4 weights side by side (64 bytes; zero past n and k), each panel where the int16 layout
 * puts it (packed + p * kpad int16 values, 16 * kquad bytes of its 32 * kpad). */
int32_t tl_gemm_s8_kquad(int32_t k);
void tl_gemm_s8_pack_dot(int16_t *packed, const int8_t *w, int32_t n, int32_t k);

/* AArch64 (gemm_s8_neon.c): NEON with widening multiply-accumulates on the int16 pairs, and with the
 * dot-product extension SDOT on int8 quads (tl_gemm_s8_pack_dot). The SDOT kernel is compiled where the compiler can target it (GCC's function attribute, or -march with dotprod). */
#if defined(__aarch64__) && defined(__ARM_NEON) && (defined(__ARM_FEATURE_DOTPROD) || (defined(__GNUC__) && !defined(__clang__)))
#define TL_GEMM_S8_DOT 1
#endif
void tl_gemm_s8_neon(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda, const tl_gemm_s8_params *p,
                     int8_t *c, int32_t ldc, int16_t *scratch);
void tl_gemm_s8_neondot(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda, const tl_gemm_s8_params *p,
                        int8_t *c, int32_t ldc, int16_t *scratch);

/* WebAssembly SIMD128 (gemm_s8_wasm.c, builds with -msimd128): i32x4.dot_i16x8_s on the int16 pairs. */
void tl_gemm_s8_wasm(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda, const tl_gemm_s8_params *p,
                     int8_t *c, int32_t ldc, int16_t *scratch);
void tl_gemm_s8_wasm_raw(int32_t m, int32_t n, int32_t k, const int8_t *a, int32_t lda, const tl_gemm_s8_params *p,
                         int32_t *c, int32_t ldc, int16_t *scratch);

#endif
