/* ADD and SUB int8 without broadcasting, 16 (AVX-512) or 8 (AVX2) elements at a time (the
 * optimized tier; kernels/common/add_sub.c is the definition): each input is offset, shifted left by
 * 20 and rescaled to the common scale, the two are added (or subtracted) and rescaled to the output,
 * all with LiteRT's integer arithmetic lane by lane (requant_x86.h), so the results are the
 * reference's. The portable tier keeps the reference loop. */
#include "opt_kernels.h"

#include "../../src/cpu.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include "requant_x86.h"

typedef struct {
    tl_add_s8_params p;
    int64_t n;
    int avx512; /* else AVX2 */
} add_s8_opt;

AVX512 static void run_avx512(const add_s8_opt *o, const int8_t *a, const int8_t *b, int8_t *y, int64_t first, int64_t end) {
    const tl_add_s8_params *p = &o->p;
    const __m512i a_off = _mm512_set1_epi32(p->a_offset), b_off = _mm512_set1_epi32(p->b_offset);
    const __m512i a_mult = _mm512_set1_epi32(p->a_mult), a_shift = _mm512_set1_epi32(p->a_shift);
    const __m512i b_mult = _mm512_set1_epi32(p->b_mult), b_shift = _mm512_set1_epi32(p->b_shift);
    const __m512i out_mult = _mm512_set1_epi32(p->out_mult), out_shift = _mm512_set1_epi32(p->out_shift);
    const __m512i out_off = _mm512_set1_epi32(p->out_offset), lo = _mm512_set1_epi32(p->q_lo), hi = _mm512_set1_epi32(p->q_hi);
    int64_t i;
    for (i = first; i < end; i += 16) {
        __mmask16 m = (__mmask16)(end - i >= 16 ? 0xFFFFu : (1u << (end - i)) - 1u);
        __m512i x = _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m, a + i)), a_off), 20);
        __m512i z = _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m, b + i)), b_off), 20);
        __m512i rx = tl_requantize_512(x, a_mult, a_shift), rz = tl_requantize_512(z, b_mult, b_shift);
        __m512i r = tl_requantize_512(p->sign > 0 ? _mm512_add_epi32(rx, rz) : _mm512_sub_epi32(rx, rz), out_mult, out_shift);
        r = _mm512_min_epi32(_mm512_max_epi32(_mm512_add_epi32(r, out_off), lo), hi);
        _mm_mask_storeu_epi8(y + i, m, _mm512_cvtepi32_epi8(r));
    }
}

AVX2 static void run_avx2(const add_s8_opt *o, const int8_t *a, const int8_t *b, int8_t *y, int64_t first, int64_t end) {
    const tl_add_s8_params *p = &o->p;
    const __m256i a_off = _mm256_set1_epi32(p->a_offset), b_off = _mm256_set1_epi32(p->b_offset);
    const __m256i a_mult = _mm256_set1_epi32(p->a_mult), a_shift = _mm256_set1_epi32(p->a_shift);
    const __m256i b_mult = _mm256_set1_epi32(p->b_mult), b_shift = _mm256_set1_epi32(p->b_shift);
    const __m256i out_mult = _mm256_set1_epi32(p->out_mult), out_shift = _mm256_set1_epi32(p->out_shift);
    const __m256i out_off = _mm256_set1_epi32(p->out_offset), lo = _mm256_set1_epi32(p->q_lo), hi = _mm256_set1_epi32(p->q_hi);
    int64_t i, j;
    for (i = first; i < end; i += 8) {
        int64_t n = end - i < 8 ? end - i : 8;
        int8_t xa[8] = {0}, xb[8] = {0};
        int32_t out[8];
        __m256i x, z, r;
        for (j = 0; j < n; j++) {
            xa[j] = a[i + j];
            xb[j] = b[i + j];
        }
        x = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)xa)), a_off), 20);
        z = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)xb)), b_off), 20);
        x = tl_requantize_256(x, a_mult, a_shift);
        z = tl_requantize_256(z, b_mult, b_shift);
        r = tl_requantize_256(p->sign > 0 ? _mm256_add_epi32(x, z) : _mm256_sub_epi32(x, z), out_mult, out_shift);
        r = _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(r, out_off), lo), hi);
        _mm256_storeu_si256((__m256i *)out, r);
        for (j = 0; j < n; j++) y[i + j] = (int8_t)out[j];
    }
}

typedef struct {
    const add_s8_opt *o;
    const int8_t *a, *b;
    int8_t *y;
    int64_t per_task;
} add_s8_job;

static void task(void *ctx, int32_t t) {
    const add_s8_job *j = ctx;
    int64_t first = t * j->per_task, end = first + j->per_task < j->o->n ? first + j->per_task : j->o->n;
    if (j->o->avx512)
        run_avx512(j->o, j->a, j->b, j->y, first, end);
    else
        run_avx2(j->o, j->a, j->b, j->y, first, end);
}

static tl_status eval_s8(tl_interpreter *it, tl_node *node) {
    add_s8_job j;
    int32_t tasks;
    j.o = node->op_data;
    j.a = tl_node_input(it, node, 0)->data;
    j.b = tl_node_input(it, node, 1)->data;
    j.y = tl_node_output(it, node, 0)->data;
    j.per_task = tl_split(j.o->n, tl_threads(it), 64, &tasks);
    tl_parallel(it, tasks, task, &j);
    return TL_STATUS_OK;
}
#endif

tl_status tl_add_sub_opt_s8_prepare(tl_interpreter *it, tl_node *node, const tl_add_s8_params *params) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    add_s8_opt *o;
    if (params->left_shift != 20 || !(it->cpu & (TL_CPU_AVX2 | TL_CPU_AVX512))) return TL_STATUS_OK;
    o = tl_alloc_persistent(it, sizeof *o);
    if (!o) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "optimized ADD op data");
    o->p = *params;
    o->n = tl_tensor_numel(tl_node_output(it, node, 0));
    node->op_data = o;
    o->avx512 = (it->cpu & TL_CPU_AVX512) != 0;
    node->eval = eval_s8;
#else
    (void)it;
    (void)node;
    (void)params;
#endif
    return TL_STATUS_OK;
}
