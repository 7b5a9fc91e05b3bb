/* ADD, SUB and MUL float32 over the broadcasts of elementwise.h (same shapes, a row repeated, a
 * value), 16 (AVX-512) or 8 (AVX2) elements at a time, or the portable loop (the optimized tier;
 * kernels/common/add_sub.c and kernels/mul.c are the definition). Each output is the reference's
 * one operation on the same two floats, then its clamp to the fused activation's range, written so
 * that NaN and -0.0 come out as the reference's: the same results bit for bit. */
#include "../../src/cpu.h"
#include "elementwise.h"

typedef struct {
    tl_ew_shape s;
    int32_t op; /* TL_OPT_ADD, TL_OPT_SUB, TL_OPT_MUL */
    float lo, hi;
    tl_ew_fn f;
} binary_f32_opt;

/* The reference's clamp: NaN passes through, as does -0.0 against a bound of 0. */
static float clamp_f(float v, float lo, float hi) { return v < lo ? lo : (v > hi ? hi : v); }

#define PORTABLE_LOOPS(EXPR)                                                                        \
    do {                                                                                            \
        if (a_step && b_step) {                                                                     \
            for (k = 0; k < n; k++) {                                                               \
                float x = a[k], z = b[k];                                                           \
                y[k] = clamp_f(EXPR, lo, hi);                                                       \
            }                                                                                       \
        } else if (a_step) {                                                                        \
            const float z = b[0];                                                                   \
            for (k = 0; k < n; k++) {                                                               \
                float x = a[k];                                                                     \
                y[k] = clamp_f(EXPR, lo, hi);                                                       \
            }                                                                                       \
        } else {                                                                                    \
            const float x = a[0];                                                                   \
            for (k = 0; k < n; k++) {                                                               \
                float z = b[k * b_step];                                                            \
                y[k] = clamp_f(EXPR, lo, hi);                                                       \
            }                                                                                       \
        }                                                                                           \
    } while (0)

static void run_portable(const void *params, const void *av, int a_step, const void *bv, int b_step, void *yv, int64_t n) {
    const binary_f32_opt *o = params;
    const float *a = av, *b = bv, lo = o->lo, hi = o->hi;
    float *y = yv;
    int64_t k;
    if (o->op == TL_OPT_ADD)
        PORTABLE_LOOPS(x + z);
    else if (o->op == TL_OPT_SUB)
        PORTABLE_LOOPS(x - z);
    else
        PORTABLE_LOOPS(x * z);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl")))
#define AVX2 __attribute__((target("avx2")))

/* max(lo, v) then min(hi, .) return v when it is NaN (the second operand wins unordered and equal
 * compares), as the reference's comparisons do. */
#define AVX512_LOOP(OP)                                                                   \
    for (i = 0; i < n; i += 16) {                                                         \
        __mmask16 m = (__mmask16)(n - i >= 16 ? 0xFFFFu : (1u << (n - i)) - 1u);          \
        __m512 x = a_step ? _mm512_maskz_loadu_ps(m, a + i) : ac;                         \
        __m512 z = b_step ? _mm512_maskz_loadu_ps(m, b + i) : bc;                         \
        _mm512_mask_storeu_ps(y + i, m, _mm512_min_ps(hi, _mm512_max_ps(lo, OP(x, z)))); \
    }

AVX512 static void run_avx512(const void *params, const void *av, int a_step, const void *bv, int b_step, void *yv, int64_t n) {
    const binary_f32_opt *o = params;
    const float *a = av, *b = bv;
    float *y = yv;
    const __m512 lo = _mm512_set1_ps(o->lo), hi = _mm512_set1_ps(o->hi), ac = _mm512_set1_ps(a[0]), bc = _mm512_set1_ps(b[0]);
    int64_t i;
    if (o->op == TL_OPT_ADD)
        AVX512_LOOP(_mm512_add_ps)
    else if (o->op == TL_OPT_SUB)
        AVX512_LOOP(_mm512_sub_ps)
    else
        AVX512_LOOP(_mm512_mul_ps)
}

#define AVX2_LOOP(OP)                                                                                  \
    for (i = 0; i < n; i += 8) {                                                                       \
        __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32((int32_t)(n - i < 8 ? n - i : 8)), lane);     \
        __m256 x = a_step ? _mm256_maskload_ps(a + i, m) : ac;                                         \
        __m256 z = b_step ? _mm256_maskload_ps(b + i, m) : bc;                                         \
        _mm256_maskstore_ps(y + i, m, _mm256_min_ps(hi, _mm256_max_ps(lo, OP(x, z))));                 \
    }

AVX2 static void run_avx2(const void *params, const void *av, int a_step, const void *bv, int b_step, void *yv, int64_t n) {
    const binary_f32_opt *o = params;
    const float *a = av, *b = bv;
    float *y = yv;
    const __m256 lo = _mm256_set1_ps(o->lo), hi = _mm256_set1_ps(o->hi), ac = _mm256_set1_ps(a[0]), bc = _mm256_set1_ps(b[0]);
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    int64_t i;
    if (o->op == TL_OPT_ADD)
        AVX2_LOOP(_mm256_add_ps)
    else if (o->op == TL_OPT_SUB)
        AVX2_LOOP(_mm256_sub_ps)
    else
        AVX2_LOOP(_mm256_mul_ps)
}
#endif

static tl_status eval_f32(tl_interpreter *it, tl_node *node) {
    const binary_f32_opt *o = node->op_data;
    tl_ew_run(it, node, &o->s, o->f, o);
    return TL_STATUS_OK;
}

tl_status tl_binary_opt_f32_prepare(tl_interpreter *it, tl_node *node, int32_t op, float lo, float hi) {
    tl_ew_shape s;
    binary_f32_opt *o;
    if (!tl_ew_shape_init(&s, tl_node_input(it, node, 0), tl_node_input(it, node, 1), tl_node_output(it, node, 0)))
        return TL_STATUS_OK;
    o = tl_alloc_persistent(it, sizeof *o);
    if (!o) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "optimized elementwise op data");
    o->s = s;
    o->op = op;
    o->lo = lo;
    o->hi = hi;
    o->f = run_portable;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (it->cpu & TL_CPU_AVX512)
        o->f = run_avx512;
    else if (it->cpu & TL_CPU_AVX2)
        o->f = run_avx2;
#endif
    node->op_data = o;
    node->eval = eval_f32;
    return TL_STATUS_OK;
}
