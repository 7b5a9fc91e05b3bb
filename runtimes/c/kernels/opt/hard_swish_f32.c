/* HARD_SWISH float32, x * relu6(x + 3) / 6, 16 (AVX-512) or 8 (AVX2) elements at a time, or the
 * portable loop (the optimized tier; kernels/hard_swish.c is the definition): the reference's
 * operations in its order (add 3, clamp to [0, 6] with NaN going to 0 as its comparisons send it,
 * multiply, divide by 6), so the results are its own bit for bit. Threads take element ranges. */
#include "../../src/cpu.h"
#include "opt_kernels.h"

typedef void (*hard_swish_fn)(const float *x, float *y, int64_t n);

typedef struct {
    int64_t n;
    hard_swish_fn run;
} hard_swish_opt;

static void run_portable(const float *x, float *y, int64_t n) {
    int64_t i;
    for (i = 0; i < n; i++) {
        float v = x[i], r = v + 3.0f;
        r = r > 0.0f ? r : 0.0f;
        r = r < 6.0f ? r : 6.0f;
        y[i] = v * r / 6.0f;
    }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl")))
#define AVX2 __attribute__((target("avx2")))

/* max(r, 0) gives 0 for NaN (the second operand wins unordered compares), min(r, 6) then 6 at most. */
AVX512 static void run_avx512(const float *x, float *y, int64_t n) {
    const __m512 three = _mm512_set1_ps(3.0f), six = _mm512_set1_ps(6.0f), zero = _mm512_setzero_ps();
    int64_t i;
    for (i = 0; i < n; i += 16) {
        __mmask16 m = (__mmask16)(n - i >= 16 ? 0xFFFFu : (1u << (n - i)) - 1u);
        __m512 v = _mm512_maskz_loadu_ps(m, x + i);
        __m512 r = _mm512_min_ps(_mm512_max_ps(_mm512_add_ps(v, three), zero), six);
        _mm512_mask_storeu_ps(y + i, m, _mm512_div_ps(_mm512_mul_ps(v, r), six));
    }
}

AVX2 static void run_avx2(const float *x, float *y, int64_t n) {
    const __m256 three = _mm256_set1_ps(3.0f), six = _mm256_set1_ps(6.0f), zero = _mm256_setzero_ps();
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    int64_t i;
    for (i = 0; i < n; i += 8) {
        __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32((int32_t)(n - i < 8 ? n - i : 8)), lane);
        __m256 v = _mm256_maskload_ps(x + i, m);
        __m256 r = _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(v, three), zero), six);
        _mm256_maskstore_ps(y + i, m, _mm256_div_ps(_mm256_mul_ps(v, r), six));
    }
}
#endif

typedef struct {
    const hard_swish_opt *o;
    const float *x;
    float *y;
    int64_t per_task;
} hard_swish_job;

static void hard_swish_task(void *ctx, int32_t t) {
    const hard_swish_job *j = ctx;
    int64_t first = t * j->per_task, end = first + j->per_task < j->o->n ? first + j->per_task : j->o->n;
    j->o->run(j->x + first, j->y + first, end - first);
}

static tl_status eval_f32(tl_interpreter *it, tl_node *node) {
    hard_swish_job j;
    int32_t tasks;
    j.o = node->op_data;
    j.x = tl_node_input(it, node, 0)->data;
    j.y = tl_node_output(it, node, 0)->data;
    j.per_task = tl_split(j.o->n, tl_threads(it), 1024, &tasks);
    tl_parallel(it, tasks, hard_swish_task, &j);
    return TL_STATUS_OK;
}

tl_status tl_hard_swish_opt_f32_prepare(tl_interpreter *it, tl_node *node) {
    hard_swish_opt *o = tl_alloc_persistent(it, sizeof *o);
    if (!o) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "optimized HARD_SWISH op data");
    o->n = tl_tensor_numel(tl_node_output(it, node, 0));
    o->run = run_portable;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (it->cpu & TL_CPU_AVX512)
        o->run = run_avx512;
    else if (it->cpu & TL_CPU_AVX2)
        o->run = run_avx2;
#endif
    node->op_data = o;
    node->eval = eval_f32;
    return TL_STATUS_OK;
}
