/* MEAN over one block of adjacent axes (NHWC's spatial axes [1, 2] the common case) for float32,
 * int8 and int16, vectorised across the kept inner dims (the optimized tier; kernels/common/reduce.c
 * is the definition). The input is [outer, rows, inner] and each output (o, c) the mean of the rows
 * at (o, ., c): a block of up to 64 neighbouring c is summed at once, one register lane per c, rows
 * in order. Every lane adds its own values in the reference's order, so float sums (and the final
 * division by the count) are the reference's bit for bit; integer sums are exact, and are
 * requantized with the reference's arithmetic (quant_math.h). Threads take (o, block) pairs, so each
 * output is summed by one thread. */
#include "../../src/cpu.h"
#include "../common/quant_math.h"
#include "opt_kernels.h"

#define CB 64 /* channels per block */

typedef struct mean_opt mean_opt;
/* Sums of channels [c0, c0 + nc) over the rows of one outer slice x (int32 for integer inputs). */
typedef void (*mean_block_fn)(const mean_opt *o, const void *x, int64_t c0, int32_t nc, void *sums);

struct mean_opt {
    tl_mean_params p;
    int32_t type;
    mean_block_fn block;
};

static void block_portable(const mean_opt *o, const void *x, int64_t c0, int32_t nc, void *sums) {
    int64_t r, stride = o->p.inner;
    int32_t c;
    if (o->type == TL_TYPE_FLOAT32) {
        const float *p = (const float *)x + c0;
        float *acc = sums;
        for (c = 0; c < nc; c++) acc[c] = 0.0f;
        for (r = 0; r < o->p.rows; r++, p += stride)
            for (c = 0; c < nc; c++) acc[c] += p[c];
    } else if (o->type == TL_TYPE_INT8) {
        const int8_t *p = (const int8_t *)x + c0;
        int32_t *acc = sums;
        for (c = 0; c < nc; c++) acc[c] = 0;
        for (r = 0; r < o->p.rows; r++, p += stride)
            for (c = 0; c < nc; c++) acc[c] += p[c];
    } else {
        const int16_t *p = (const int16_t *)x + c0;
        int32_t *acc = sums;
        for (c = 0; c < nc; c++) acc[c] = 0;
        for (r = 0; r < o->p.rows; r++, p += stride)
            for (c = 0; c < nc; c++) acc[c] += p[c];
    }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl")))
#define AVX2 __attribute__((target("avx2")))

/* Lanes [k * 16, k * 16 + 16) of a block of nc channels. */
AVX512 static __mmask16 lanes_512(int32_t nc, int32_t k) {
    int32_t left = nc - 16 * k;
    return (__mmask16)(left >= 16 ? 0xFFFFu : left <= 0 ? 0u : (1u << left) - 1u);
}

AVX512 static void block_avx512(const mean_opt *o, const void *x, int64_t c0, int32_t nc, void *sums) {
    const __mmask16 m0 = lanes_512(nc, 0), m1 = lanes_512(nc, 1), m2 = lanes_512(nc, 2), m3 = lanes_512(nc, 3);
    int64_t r, stride = o->p.inner;
    if (o->type == TL_TYPE_FLOAT32) {
        const float *p = (const float *)x + c0;
        __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        for (r = 0; r < o->p.rows; r++, p += stride) {
            a0 = _mm512_add_ps(a0, _mm512_maskz_loadu_ps(m0, p));
            a1 = _mm512_add_ps(a1, _mm512_maskz_loadu_ps(m1, p + 16));
            a2 = _mm512_add_ps(a2, _mm512_maskz_loadu_ps(m2, p + 32));
            a3 = _mm512_add_ps(a3, _mm512_maskz_loadu_ps(m3, p + 48));
        }
        _mm512_storeu_ps((float *)sums, a0);
        _mm512_storeu_ps((float *)sums + 16, a1);
        _mm512_storeu_ps((float *)sums + 32, a2);
        _mm512_storeu_ps((float *)sums + 48, a3);
    } else if (o->type == TL_TYPE_INT8) {
        const int8_t *p = (const int8_t *)x + c0;
        __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;
        for (r = 0; r < o->p.rows; r++, p += stride) {
            a0 = _mm512_add_epi32(a0, _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m0, p)));
            a1 = _mm512_add_epi32(a1, _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m1, p + 16)));
            a2 = _mm512_add_epi32(a2, _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m2, p + 32)));
            a3 = _mm512_add_epi32(a3, _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m3, p + 48)));
        }
        _mm512_storeu_si512((int32_t *)sums, a0);
        _mm512_storeu_si512((int32_t *)sums + 16, a1);
        _mm512_storeu_si512((int32_t *)sums + 32, a2);
        _mm512_storeu_si512((int32_t *)sums + 48, a3);
    } else {
        const int16_t *p = (const int16_t *)x + c0;
        __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;
        for (r = 0; r < o->p.rows; r++, p += stride) {
            a0 = _mm512_add_epi32(a0, _mm512_cvtepi16_epi32(_mm256_maskz_loadu_epi16(m0, p)));
            a1 = _mm512_add_epi32(a1, _mm512_cvtepi16_epi32(_mm256_maskz_loadu_epi16(m1, p + 16)));
            a2 = _mm512_add_epi32(a2, _mm512_cvtepi16_epi32(_mm256_maskz_loadu_epi16(m2, p + 32)));
            a3 = _mm512_add_epi32(a3, _mm512_cvtepi16_epi32(_mm256_maskz_loadu_epi16(m3, p + 48)));
        }
        _mm512_storeu_si512((int32_t *)sums, a0);
        _mm512_storeu_si512((int32_t *)sums + 16, a1);
        _mm512_storeu_si512((int32_t *)sums + 32, a2);
        _mm512_storeu_si512((int32_t *)sums + 48, a3);
    }
}

/* Whole groups of 32 channels; AVX2 has no byte or word masked loads, so a block's last channels
 * (fewer than 32) take the portable loop. */
AVX2 static void block_avx2(const mean_opt *o, const void *x, int64_t c0, int32_t nc, void *sums) {
    int64_t r, stride = o->p.inner;
    int32_t k;
    for (k = 0; k + 32 <= nc; k += 32) {
        int32_t *out = (int32_t *)sums + k;
        if (o->type == TL_TYPE_FLOAT32) {
            const float *p = (const float *)x + c0 + k;
            __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
            for (r = 0; r < o->p.rows; r++, p += stride) {
                a0 = _mm256_add_ps(a0, _mm256_loadu_ps(p));
                a1 = _mm256_add_ps(a1, _mm256_loadu_ps(p + 8));
                a2 = _mm256_add_ps(a2, _mm256_loadu_ps(p + 16));
                a3 = _mm256_add_ps(a3, _mm256_loadu_ps(p + 24));
            }
            _mm256_storeu_ps((float *)(void *)out, a0);
            _mm256_storeu_ps((float *)(void *)out + 8, a1);
            _mm256_storeu_ps((float *)(void *)out + 16, a2);
            _mm256_storeu_ps((float *)(void *)out + 24, a3);
        } else if (o->type == TL_TYPE_INT8) {
            const int8_t *p = (const int8_t *)x + c0 + k;
            __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
            for (r = 0; r < o->p.rows; r++, p += stride) {
                __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)p);
                __m128i lo = _mm256_castsi256_si128(v), hi = _mm256_extracti128_si256(v, 1);
                a0 = _mm256_add_epi32(a0, _mm256_cvtepi8_epi32(lo));
                a1 = _mm256_add_epi32(a1, _mm256_cvtepi8_epi32(_mm_srli_si128(lo, 8)));
                a2 = _mm256_add_epi32(a2, _mm256_cvtepi8_epi32(hi));
                a3 = _mm256_add_epi32(a3, _mm256_cvtepi8_epi32(_mm_srli_si128(hi, 8)));
            }
            _mm256_storeu_si256((__m256i *)(void *)out, a0);
            _mm256_storeu_si256((__m256i *)(void *)(out + 8), a1);
            _mm256_storeu_si256((__m256i *)(void *)(out + 16), a2);
            _mm256_storeu_si256((__m256i *)(void *)(out + 24), a3);
        } else {
            const int16_t *p = (const int16_t *)x + c0 + k;
            __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
            for (r = 0; r < o->p.rows; r++, p += stride) {
                a0 = _mm256_add_epi32(a0, _mm256_cvtepi16_epi32(_mm_loadu_si128((const __m128i *)(const void *)p)));
                a1 = _mm256_add_epi32(a1, _mm256_cvtepi16_epi32(_mm_loadu_si128((const __m128i *)(const void *)(p + 8))));
                a2 = _mm256_add_epi32(a2, _mm256_cvtepi16_epi32(_mm_loadu_si128((const __m128i *)(const void *)(p + 16))));
                a3 = _mm256_add_epi32(a3, _mm256_cvtepi16_epi32(_mm_loadu_si128((const __m128i *)(const void *)(p + 24))));
            }
            _mm256_storeu_si256((__m256i *)(void *)out, a0);
            _mm256_storeu_si256((__m256i *)(void *)(out + 8), a1);
            _mm256_storeu_si256((__m256i *)(void *)(out + 16), a2);
            _mm256_storeu_si256((__m256i *)(void *)(out + 24), a3);
        }
    }
    if (k < nc) block_portable(o, x, c0 + k, nc - k, (int32_t *)sums + k); /* float and int32 sums: 4 bytes each */
}
#endif

typedef struct {
    const mean_opt *o;
    const char *x;
    char *y;
    int64_t blocks_per_outer, per_task, n_units;
} mean_job;

/* The reference's last step on each sum: float divided by the count; integers offset by the input
 * zero point times the count, requantized (1 / count folded into the multiplier), zero point added,
 * clamped to the type. */
static void finish(const mean_opt *o, const void *sums, void *y, int32_t nc) {
    int32_t c;
    if (o->type == TL_TYPE_FLOAT32) {
        for (c = 0; c < nc; c++) ((float *)y)[c] = ((const float *)sums)[c] / (float)o->p.rows;
        return;
    }
    for (c = 0; c < nc; c++) {
        int32_t acc = ((const int32_t *)sums)[c] - o->p.in_zp * (int32_t)o->p.rows;
        int32_t r = tl_add_sat(tl_multiply_by_quantized_multiplier(acc, o->p.mult, o->p.shift), o->p.out_zp);
        if (o->type == TL_TYPE_INT8)
            ((int8_t *)y)[c] = (int8_t)tl_clamp_i32(r, INT8_MIN, INT8_MAX);
        else
            ((int16_t *)y)[c] = (int16_t)tl_clamp_i32(r, INT16_MIN, INT16_MAX);
    }
}

static void mean_task(void *ctx, int32_t t) {
    const mean_job *j = ctx;
    const mean_opt *o = j->o;
    int64_t u = t * j->per_task, end = u + j->per_task < j->n_units ? u + j->per_task : j->n_units;
    int64_t elem = (int64_t)tl_type_size((tl_type)o->type);
    union {
        float f[CB];
        int32_t i[CB];
    } sums; /* one block's sums: float, or int32 for integer inputs */
    for (; u < end; u++) {
        int64_t outer = u / j->blocks_per_outer, c0 = u % j->blocks_per_outer * CB;
        int32_t nc = (int32_t)(o->p.inner - c0 < CB ? o->p.inner - c0 : CB);
        o->block(o, j->x + outer * o->p.rows * o->p.inner * elem, c0, nc, &sums);
        finish(o, &sums, j->y + (outer * o->p.inner + c0) * elem, nc);
    }
}

static tl_status eval_mean(tl_interpreter *it, tl_node *node) {
    mean_job j;
    int32_t tasks;
    j.o = node->op_data;
    j.x = tl_node_input(it, node, 0)->data;
    j.y = tl_node_output(it, node, 0)->data;
    j.blocks_per_outer = (j.o->p.inner + CB - 1) / CB;
    j.n_units = j.o->p.outer * j.blocks_per_outer;
    j.per_task = tl_split(j.n_units, tl_threads(it), 1, &tasks);
    tl_parallel(it, tasks, mean_task, &j);
    return TL_STATUS_OK;
}

tl_status tl_mean_opt_prepare(tl_interpreter *it, tl_node *node, const tl_mean_params *params) {
    int32_t type = tl_node_input(it, node, 0)->type;
    mean_opt *o;
    if (type != TL_TYPE_FLOAT32 && type != TL_TYPE_INT8 && type != TL_TYPE_INT16) return TL_STATUS_OK;
    if (params->outer < 1 || params->rows < 1 || params->inner < 1) return TL_STATUS_OK;
    o = tl_alloc_persistent(it, sizeof *o);
    if (!o) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "optimized MEAN op data");
    o->p = *params;
    o->type = type;
    o->block = block_portable;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (it->cpu & TL_CPU_AVX512)
        o->block = block_avx512;
    else if (it->cpu & TL_CPU_AVX2)
        o->block = block_avx2;
#endif
    node->op_data = o;
    node->eval = eval_mean;
    return TL_STATUS_OK;
}
