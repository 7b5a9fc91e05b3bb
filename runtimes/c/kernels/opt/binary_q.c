/* ADD, SUB and MUL on int8 and int16 over the broadcasts of elementwise.h (same shapes, a row
 * repeated, a value), 16 (AVX-512) or 8 (AVX2) elements at a time, or the portable loop (the
 * optimized tier; kernels/common/add_sub.c and kernels/mul.c are the definition). All of it is
 * LiteRT's integer arithmetic lane by lane (requant_x86.h: its MultiplyByQuantizedMultiplier):
 * ADD / SUB offset each input, shift it left (20 bits for int8, 15 for int16), rescale both to the
 * common scale, add or subtract and rescale to the output; MUL multiplies the offset inputs and
 * rescales the product. A value operand is offset and rescaled once per run. Then the output
 * zero point and the fused activation's range: the reference's results bit for bit. */
#include "../../src/cpu.h"
#include "../common/quant_math.h"
#include "elementwise.h"

typedef struct {
    tl_ew_shape s;
    int32_t wide; /* int16 elements, else int8 */
    tl_add_q_params add;
    tl_mul_q_params mul;
    tl_ew_fn f;
} binary_q_opt;

static int32_t element(const void *p, int64_t k, int32_t wide) {
    return wide ? ((const int16_t *)p)[k] : ((const int8_t *)p)[k];
}

static void set_element(void *p, int64_t k, int32_t wide, int32_t v) {
    if (wide)
        ((int16_t *)p)[k] = (int16_t)v;
    else
        ((int8_t *)p)[k] = (int8_t)v;
}

/* The reference's arithmetic on one pair (quant_math.h). */
static int32_t add_rescale(const tl_add_q_params *p, int32_t x, int32_t offset, int32_t mult, int32_t shift) {
    return tl_multiply_by_quantized_multiplier((int32_t)((uint32_t)(x + offset) << p->left_shift), mult, shift);
}

static void add_portable(const void *params, const void *a, int a_step, const void *b, int b_step, void *y, int64_t n) {
    const binary_q_opt *o = params;
    const tl_add_q_params *p = &o->add;
    int64_t k;
    for (k = 0; k < n; k++) {
        int32_t rx = add_rescale(p, element(a, k * a_step, o->wide), p->a_offset, p->a_mult, p->a_shift);
        int32_t rz = add_rescale(p, element(b, k * b_step, o->wide), p->b_offset, p->b_mult, p->b_shift);
        int32_t r = tl_multiply_by_quantized_multiplier(rx + p->sign * rz, p->out_mult, p->out_shift) + p->out_offset;
        set_element(y, k, o->wide, tl_clamp_i32(r, p->q_lo, p->q_hi));
    }
}

static void mul_portable(const void *params, const void *a, int a_step, const void *b, int b_step, void *y, int64_t n) {
    const binary_q_opt *o = params;
    const tl_mul_q_params *p = &o->mul;
    int64_t k;
    for (k = 0; k < n; k++) {
        int32_t prod = (element(a, k * a_step, o->wide) + p->a_offset) * (element(b, k * b_step, o->wide) + p->b_offset);
        int32_t r = tl_add_sat(tl_multiply_by_quantized_multiplier(prod, p->mult, p->shift), p->out_offset);
        set_element(y, k, o->wide, tl_clamp_i32(r, p->q_lo, p->q_hi));
    }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <string.h>

#include "requant_x86.h"

/* MUL's rescaled product is bounded to +-2^24 before the output zero point is added: the
 * reference's saturating add then its clamp to the type give the same for every value. */
#define MUL_BOUND (1 << 24)

AVX512 static __m512i load_512(const void *p, int64_t i, __mmask16 m, int32_t wide) {
    return wide ? _mm512_cvtepi16_epi32(_mm256_maskz_loadu_epi16(m, (const int16_t *)p + i))
                : _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m, (const int8_t *)p + i));
}

AVX512 static void store_512(void *p, int64_t i, __mmask16 m, int32_t wide, __m512i v) {
    if (wide)
        _mm256_mask_storeu_epi16((int16_t *)p + i, m, _mm512_cvtepi32_epi16(v));
    else
        _mm_mask_storeu_epi8((int8_t *)p + i, m, _mm512_cvtepi32_epi8(v));
}

AVX512 static void add_avx512(const void *params, const void *a, int a_step, const void *b, int b_step, void *y, int64_t n) {
    const binary_q_opt *o = params;
    const tl_add_q_params *p = &o->add;
    const __m512i left = _mm512_set1_epi32(p->left_shift);
    const __m512i a_off = _mm512_set1_epi32(p->a_offset), b_off = _mm512_set1_epi32(p->b_offset);
    const __m512i a_mult = _mm512_set1_epi32(p->a_mult), a_shift = _mm512_set1_epi32(p->a_shift);
    const __m512i b_mult = _mm512_set1_epi32(p->b_mult), b_shift = _mm512_set1_epi32(p->b_shift);
    const __m512i out_mult = _mm512_set1_epi32(p->out_mult), out_shift = _mm512_set1_epi32(p->out_shift);
    const __m512i out_off = _mm512_set1_epi32(p->out_offset), lo = _mm512_set1_epi32(p->q_lo), hi = _mm512_set1_epi32(p->q_hi);
    const __m512i ra_value = _mm512_set1_epi32(add_rescale(p, element(a, 0, o->wide), p->a_offset, p->a_mult, p->a_shift));
    const __m512i rb_value = _mm512_set1_epi32(add_rescale(p, element(b, 0, o->wide), p->b_offset, p->b_mult, p->b_shift));
    int64_t i;
    for (i = 0; i < n; i += 16) {
        __mmask16 m = (__mmask16)(n - i >= 16 ? 0xFFFFu : (1u << (n - i)) - 1u);
        __m512i ra = a_step ? tl_requantize_512(_mm512_sllv_epi32(_mm512_add_epi32(load_512(a, i, m, o->wide), a_off), left),
                                                a_mult, a_shift)
                            : ra_value;
        __m512i rb = b_step ? tl_requantize_512(_mm512_sllv_epi32(_mm512_add_epi32(load_512(b, i, m, o->wide), b_off), left),
                                                b_mult, b_shift)
                            : rb_value;
        __m512i r = tl_requantize_512(p->sign > 0 ? _mm512_add_epi32(ra, rb) : _mm512_sub_epi32(ra, rb), out_mult, out_shift);
        store_512(y, i, m, o->wide, _mm512_min_epi32(_mm512_max_epi32(_mm512_add_epi32(r, out_off), lo), hi));
    }
}

AVX512 static void mul_avx512(const void *params, const void *a, int a_step, const void *b, int b_step, void *y, int64_t n) {
    const binary_q_opt *o = params;
    const tl_mul_q_params *p = &o->mul;
    const __m512i a_off = _mm512_set1_epi32(p->a_offset), b_off = _mm512_set1_epi32(p->b_offset);
    const __m512i mult = _mm512_set1_epi32(p->mult), shift = _mm512_set1_epi32(p->shift);
    const __m512i bound_lo = _mm512_set1_epi32(-MUL_BOUND), bound_hi = _mm512_set1_epi32(MUL_BOUND);
    const __m512i out_off = _mm512_set1_epi32(p->out_offset), lo = _mm512_set1_epi32(p->q_lo), hi = _mm512_set1_epi32(p->q_hi);
    const __m512i xa_value = _mm512_set1_epi32(element(a, 0, o->wide) + p->a_offset);
    const __m512i xb_value = _mm512_set1_epi32(element(b, 0, o->wide) + p->b_offset);
    int64_t i = 0;
    if (!o->wide) { /* blocks of 64 int8 results packed as add_s8_avx512's (the packs' saturation at int16 */
        const __m512i off16 = _mm512_set1_epi16((int16_t)p->out_offset); /* stands in for the +-2^24 bound) */
        const __m512i lo8 = _mm512_set1_epi8((char)p->q_lo), hi8 = _mm512_set1_epi8((char)p->q_hi);
        const __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
        const int8_t *ya = a, *yb = b;
        for (; i + 64 <= n; i += 64) {
            __m512i v[4], w;
            int j;
            for (j = 0; j < 4; j++) {
                const __m128i *pa = (const __m128i *)(const void *)(ya + i + 16 * j);
                const __m128i *pb = (const __m128i *)(const void *)(yb + i + 16 * j);
                __m512i xa = a_step ? _mm512_add_epi32(_mm512_cvtepi8_epi32(_mm_loadu_si128(pa)), a_off) : xa_value;
                __m512i xb = b_step ? _mm512_add_epi32(_mm512_cvtepi8_epi32(_mm_loadu_si128(pb)), b_off) : xb_value;
                v[j] = tl_requantize_512(_mm512_mullo_epi32(xa, xb), mult, shift);
            }
            w = _mm512_packs_epi16(_mm512_adds_epi16(_mm512_packs_epi32(v[0], v[1]), off16),
                                   _mm512_adds_epi16(_mm512_packs_epi32(v[2], v[3]), off16));
            w = _mm512_min_epi8(_mm512_max_epi8(_mm512_permutexvar_epi32(order, w), lo8), hi8);
            _mm512_storeu_si512((void *)((int8_t *)y + i), w);
        }
    }
    for (; i < n; i += 16) {
        __mmask16 m = (__mmask16)(n - i >= 16 ? 0xFFFFu : (1u << (n - i)) - 1u);
        __m512i xa = a_step ? _mm512_add_epi32(load_512(a, i, m, o->wide), a_off) : xa_value;
        __m512i xb = b_step ? _mm512_add_epi32(load_512(b, i, m, o->wide), b_off) : xb_value;
        __m512i r = tl_requantize_512(_mm512_mullo_epi32(xa, xb), mult, shift);
        r = _mm512_add_epi32(_mm512_min_epi32(_mm512_max_epi32(r, bound_lo), bound_hi), out_off);
        store_512(y, i, m, o->wide, _mm512_min_epi32(_mm512_max_epi32(r, lo), hi));
    }
}

/* 8 elements (fewer at a run's end: through a zeroed buffer) as int32 lanes. */
AVX2 static __m256i load_256(const void *p, int64_t i, int64_t n, int32_t wide) {
    unsigned char buf[16] = {0};
    const unsigned char *src = (const unsigned char *)p + i * (wide ? 2 : 1);
    if (n - i < 8) {
        memcpy(buf, src, (size_t)(n - i) * (wide ? 2 : 1));
        src = buf;
    }
    return wide ? _mm256_cvtepi16_epi32(_mm_loadu_si128((const __m128i *)(const void *)src))
                : _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(const void *)src));
}

/* Lanes already within the element type's range, so the saturating packs are exact. */
AVX2 static void store_256(void *p, int64_t i, int64_t n, int32_t wide, __m256i v) {
    unsigned char buf[16];
    unsigned char *dst = (unsigned char *)p + i * (wide ? 2 : 1);
    __m128i v16 = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    if (n - i >= 8) {
        if (wide)
            _mm_storeu_si128((__m128i *)(void *)dst, v16);
        else
            _mm_storel_epi64((__m128i *)(void *)dst, _mm_packs_epi16(v16, v16));
        return;
    }
    _mm_storeu_si128((__m128i *)(void *)buf, wide ? v16 : _mm_packs_epi16(v16, v16));
    memcpy(dst, buf, (size_t)(n - i) * (wide ? 2 : 1));
}

AVX2 static void add_avx2(const void *params, const void *a, int a_step, const void *b, int b_step, void *y, int64_t n) {
    const binary_q_opt *o = params;
    const tl_add_q_params *p = &o->add;
    const __m256i left = _mm256_set1_epi32(p->left_shift);
    const __m256i a_off = _mm256_set1_epi32(p->a_offset), b_off = _mm256_set1_epi32(p->b_offset);
    const __m256i a_mult = _mm256_set1_epi32(p->a_mult), a_shift = _mm256_set1_epi32(p->a_shift);
    const __m256i b_mult = _mm256_set1_epi32(p->b_mult), b_shift = _mm256_set1_epi32(p->b_shift);
    const __m256i out_mult = _mm256_set1_epi32(p->out_mult), out_shift = _mm256_set1_epi32(p->out_shift);
    const __m256i out_off = _mm256_set1_epi32(p->out_offset), lo = _mm256_set1_epi32(p->q_lo), hi = _mm256_set1_epi32(p->q_hi);
    const __m256i ra_value = _mm256_set1_epi32(add_rescale(p, element(a, 0, o->wide), p->a_offset, p->a_mult, p->a_shift));
    const __m256i rb_value = _mm256_set1_epi32(add_rescale(p, element(b, 0, o->wide), p->b_offset, p->b_mult, p->b_shift));
    int64_t i;
    for (i = 0; i < n; i += 8) {
        __m256i ra = a_step ? tl_requantize_256(_mm256_sllv_epi32(_mm256_add_epi32(load_256(a, i, n, o->wide), a_off), left),
                                                a_mult, a_shift)
                            : ra_value;
        __m256i rb = b_step ? tl_requantize_256(_mm256_sllv_epi32(_mm256_add_epi32(load_256(b, i, n, o->wide), b_off), left),
                                                b_mult, b_shift)
                            : rb_value;
        __m256i r = tl_requantize_256(p->sign > 0 ? _mm256_add_epi32(ra, rb) : _mm256_sub_epi32(ra, rb), out_mult, out_shift);
        store_256(y, i, n, o->wide, _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(r, out_off), lo), hi));
    }
}

AVX2 static void mul_avx2(const void *params, const void *a, int a_step, const void *b, int b_step, void *y, int64_t n) {
    const binary_q_opt *o = params;
    const tl_mul_q_params *p = &o->mul;
    const __m256i a_off = _mm256_set1_epi32(p->a_offset), b_off = _mm256_set1_epi32(p->b_offset);
    const __m256i mult = _mm256_set1_epi32(p->mult), shift = _mm256_set1_epi32(p->shift);
    const __m256i bound_lo = _mm256_set1_epi32(-MUL_BOUND), bound_hi = _mm256_set1_epi32(MUL_BOUND);
    const __m256i out_off = _mm256_set1_epi32(p->out_offset), lo = _mm256_set1_epi32(p->q_lo), hi = _mm256_set1_epi32(p->q_hi);
    const __m256i xa_value = _mm256_set1_epi32(element(a, 0, o->wide) + p->a_offset);
    const __m256i xb_value = _mm256_set1_epi32(element(b, 0, o->wide) + p->b_offset);
    int64_t i;
    for (i = 0; i < n; i += 8) {
        __m256i xa = a_step ? _mm256_add_epi32(load_256(a, i, n, o->wide), a_off) : xa_value;
        __m256i xb = b_step ? _mm256_add_epi32(load_256(b, i, n, o->wide), b_off) : xb_value;
        __m256i r = tl_requantize_256(_mm256_mullo_epi32(xa, xb), mult, shift);
        r = _mm256_add_epi32(_mm256_min_epi32(_mm256_max_epi32(r, bound_lo), bound_hi), out_off);
        store_256(y, i, n, o->wide, _mm256_min_epi32(_mm256_max_epi32(r, lo), hi));
    }
}
/* int8 ADD / SUB with no shift left (an input's multiplier is at most 1/2; the output's is below 1/2
 * for all but tiny output scales): the same arithmetic in fewer operations, each step equal
 * to the reference's for every int8 input.
 * - An input: SRDHM((x + off) << 20, M) = floor(((x + off) * M + 2^10) / 2^11) (requant_x86.h's floor
 *   form), and with M = Mh * 2^11 + Ml (0 <= Ml < 2^11) that is (x + off) * Mh + floor(((x + off) * Ml +
 *   2^10) / 2^11): two 32-bit multiplies (|(x + off) * Mh| < 2^28) instead of four 64-bit ones.
 * - The rounding division of q by 2^r (ties away from zero) is (q + 2^(r-1) - [q < 0]) >> r for r >= 1;
 *   an input's q is negative exactly where x + off is (|x + off| * M >= 2^30 when it is not 0), a compare
 *   of x. An input's r is 0 when its scale is the larger one (multiplier 1/2). Sums stay below 2^29 in
 *   magnitude, so nothing wraps. */
typedef struct {
    int32_t mh, ml, k_hi, k_lo, neg_off, half, r;
} s8_input;

static s8_input s8_input_of(int32_t offset, int32_t mult, int32_t shift) {
    s8_input q;
    q.mh = mult >> 11;
    q.ml = mult & 0x7FF;
    q.half = shift < 0 ? 1 << (-shift - 1) : 0;
    q.k_hi = offset * q.mh + q.half; /* with the rounding division's half */
    q.k_lo = offset * q.ml + (1 << 10);
    q.neg_off = shift < 0 ? -offset : INT32_MIN; /* no division (r = 0): no lane is corrected */
    q.r = -shift;
    return q;
}

static int s8_add_fast(const binary_q_opt *o) {
    const tl_add_q_params *p = &o->add;
    return !o->wide && p->left_shift == 20 && p->a_shift <= 0 && p->a_shift >= -30 && p->b_shift <= 0 &&
           p->b_shift >= -30 && p->out_shift <= -1 && p->out_shift >= -30 && p->a_mult > 0 && p->b_mult > 0 &&
           p->out_mult > 0;
}

AVX512 static __m512i s8_input_512(__m512i x, __m512i mh, __m512i ml, __m512i k_hi, __m512i k_lo, __m512i neg_off,
                                   __m128i r) {
    __m512i q = _mm512_add_epi32(_mm512_mullo_epi32(x, mh),
                                 _mm512_srai_epi32(_mm512_add_epi32(_mm512_mullo_epi32(x, ml), k_lo), 11));
    q = _mm512_add_epi32(q, k_hi);
    q = _mm512_mask_sub_epi32(q, _mm512_cmpgt_epi32_mask(neg_off, x), q, _mm512_set1_epi32(1));
    return _mm512_sra_epi32(q, r);
}

/* 16 sums of the rescaled inputs, rescaled to the output (its zero point and clamp not yet applied). */
AVX512 static __m512i s8_output_512(__m512i ra, __m512i rb, int32_t sign, __m512i out_mult, __m512i out_half, __m128i out_r) {
    __m512i x = tl_srdhm_512(sign > 0 ? _mm512_add_epi32(ra, rb) : _mm512_sub_epi32(ra, rb), out_mult);
    x = _mm512_add_epi32(_mm512_add_epi32(x, out_half), _mm512_srai_epi32(x, 31));
    return _mm512_sra_epi32(x, out_r);
}

/* Blocks of 64 elements are packed to bytes with saturating packs (int32 -> int16, + zero point in int16,
 * -> int8: saturation only where the int32 result is outside int8 already, so the clamp that follows gives
 * the reference's value) and one dword permute that undoes the packs' 128-bit-lane interleave; Zen 4 runs
 * vpmovdb to memory slowly. The rest goes 16 at a time, masked. */
AVX512 static void add_s8_avx512(const void *params, const void *a, int a_step, const void *b, int b_step, void *y,
                                 int64_t n) {
    const binary_q_opt *o = params;
    const tl_add_q_params *p = &o->add;
    const s8_input qa = s8_input_of(p->a_offset, p->a_mult, p->a_shift), qb = s8_input_of(p->b_offset, p->b_mult, p->b_shift);
    const __m512i a_mh = _mm512_set1_epi32(qa.mh), a_ml = _mm512_set1_epi32(qa.ml), a_khi = _mm512_set1_epi32(qa.k_hi);
    const __m512i a_klo = _mm512_set1_epi32(qa.k_lo), a_neg = _mm512_set1_epi32(qa.neg_off);
    const __m512i b_mh = _mm512_set1_epi32(qb.mh), b_ml = _mm512_set1_epi32(qb.ml), b_khi = _mm512_set1_epi32(qb.k_hi);
    const __m512i b_klo = _mm512_set1_epi32(qb.k_lo), b_neg = _mm512_set1_epi32(qb.neg_off);
    const __m128i a_r = _mm_cvtsi32_si128(qa.r), b_r = _mm_cvtsi32_si128(qb.r), out_r = _mm_cvtsi32_si128(-p->out_shift);
    const __m512i out_mult = _mm512_set1_epi32(p->out_mult), out_half = _mm512_set1_epi32(1 << (-p->out_shift - 1));
    const __m512i out_off = _mm512_set1_epi32(p->out_offset), lo = _mm512_set1_epi32(p->q_lo), hi = _mm512_set1_epi32(p->q_hi);
    const __m512i off16 = _mm512_set1_epi16((int16_t)p->out_offset);
    const __m512i lo8 = _mm512_set1_epi8((char)p->q_lo), hi8 = _mm512_set1_epi8((char)p->q_hi);
    const __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    const __m512i ra_value = _mm512_set1_epi32(add_rescale(p, element(a, 0, 0), p->a_offset, p->a_mult, p->a_shift));
    const __m512i rb_value = _mm512_set1_epi32(add_rescale(p, element(b, 0, 0), p->b_offset, p->b_mult, p->b_shift));
    const int8_t *xa = a, *xb = b;
    int64_t i = 0;
    for (; i + 64 <= n; i += 64) {
        __m512i v[4], w;
        int j;
        for (j = 0; j < 4; j++) {
            const __m128i *pa = (const __m128i *)(const void *)(xa + i + 16 * j);
            const __m128i *pb = (const __m128i *)(const void *)(xb + i + 16 * j);
            __m512i ra = a_step ? s8_input_512(_mm512_cvtepi8_epi32(_mm_loadu_si128(pa)), a_mh, a_ml, a_khi, a_klo, a_neg, a_r)
                                : ra_value;
            __m512i rb = b_step ? s8_input_512(_mm512_cvtepi8_epi32(_mm_loadu_si128(pb)), b_mh, b_ml, b_khi, b_klo, b_neg, b_r)
                                : rb_value;
            v[j] = s8_output_512(ra, rb, p->sign, out_mult, out_half, out_r);
        }
        w = _mm512_packs_epi16(_mm512_adds_epi16(_mm512_packs_epi32(v[0], v[1]), off16),
                               _mm512_adds_epi16(_mm512_packs_epi32(v[2], v[3]), off16));
        w = _mm512_min_epi8(_mm512_max_epi8(_mm512_permutexvar_epi32(order, w), lo8), hi8);
        _mm512_storeu_si512((void *)((int8_t *)y + i), w);
    }
    for (; i < n; i += 16) {
        __mmask16 m = (__mmask16)(n - i >= 16 ? 0xFFFFu : (1u << (n - i)) - 1u);
        __m512i ra = a_step ? s8_input_512(_mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m, xa + i)), a_mh, a_ml, a_khi, a_klo,
                                           a_neg, a_r)
                            : ra_value;
        __m512i rb = b_step ? s8_input_512(_mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m, xb + i)), b_mh, b_ml, b_khi, b_klo,
                                           b_neg, b_r)
                            : rb_value;
        __m512i x = _mm512_add_epi32(s8_output_512(ra, rb, p->sign, out_mult, out_half, out_r), out_off);
        _mm_mask_storeu_epi8((int8_t *)y + i, m, _mm512_cvtepi32_epi8(_mm512_min_epi32(_mm512_max_epi32(x, lo), hi)));
    }
}

AVX2 static __m256i s8_input_256(__m256i x, __m256i mh, __m256i ml, __m256i k_hi, __m256i k_lo, __m256i neg_off,
                                 __m128i r) {
    __m256i q = _mm256_add_epi32(_mm256_mullo_epi32(x, mh),
                                 _mm256_srai_epi32(_mm256_add_epi32(_mm256_mullo_epi32(x, ml), k_lo), 11));
    q = _mm256_add_epi32(_mm256_add_epi32(q, k_hi), _mm256_cmpgt_epi32(neg_off, x)); /* true lanes are -1 */
    return _mm256_sra_epi32(q, r);
}

AVX2 static void add_s8_avx2(const void *params, const void *a, int a_step, const void *b, int b_step, void *y,
                             int64_t n) {
    const binary_q_opt *o = params;
    const tl_add_q_params *p = &o->add;
    const s8_input qa = s8_input_of(p->a_offset, p->a_mult, p->a_shift), qb = s8_input_of(p->b_offset, p->b_mult, p->b_shift);
    const __m256i a_mh = _mm256_set1_epi32(qa.mh), a_ml = _mm256_set1_epi32(qa.ml), a_khi = _mm256_set1_epi32(qa.k_hi);
    const __m256i a_klo = _mm256_set1_epi32(qa.k_lo), a_neg = _mm256_set1_epi32(qa.neg_off);
    const __m256i b_mh = _mm256_set1_epi32(qb.mh), b_ml = _mm256_set1_epi32(qb.ml), b_khi = _mm256_set1_epi32(qb.k_hi);
    const __m256i b_klo = _mm256_set1_epi32(qb.k_lo), b_neg = _mm256_set1_epi32(qb.neg_off);
    const __m128i a_r = _mm_cvtsi32_si128(qa.r), b_r = _mm_cvtsi32_si128(qb.r), out_r = _mm_cvtsi32_si128(-p->out_shift);
    const __m256i out_mult = _mm256_set1_epi32(p->out_mult), out_half = _mm256_set1_epi32(1 << (-p->out_shift - 1));
    const __m256i out_off = _mm256_set1_epi32(p->out_offset), lo = _mm256_set1_epi32(p->q_lo), hi = _mm256_set1_epi32(p->q_hi);
    const __m256i ra_value = _mm256_set1_epi32(add_rescale(p, element(a, 0, 0), p->a_offset, p->a_mult, p->a_shift));
    const __m256i rb_value = _mm256_set1_epi32(add_rescale(p, element(b, 0, 0), p->b_offset, p->b_mult, p->b_shift));
    int64_t i;
    for (i = 0; i < n; i += 8) {
        __m256i ra = a_step ? s8_input_256(load_256(a, i, n, 0), a_mh, a_ml, a_khi, a_klo, a_neg, a_r) : ra_value;
        __m256i rb = b_step ? s8_input_256(load_256(b, i, n, 0), b_mh, b_ml, b_khi, b_klo, b_neg, b_r) : rb_value;
        __m256i x = tl_srdhm_256(p->sign > 0 ? _mm256_add_epi32(ra, rb) : _mm256_sub_epi32(ra, rb), out_mult);
        x = _mm256_add_epi32(_mm256_add_epi32(x, out_half), _mm256_srai_epi32(x, 31));
        x = _mm256_add_epi32(_mm256_sra_epi32(x, out_r), out_off);
        store_256(y, i, n, 0, _mm256_min_epi32(_mm256_max_epi32(x, lo), hi));
    }
}
#endif

static tl_status eval_q(tl_interpreter *it, tl_node *node) {
    const binary_q_opt *o = node->op_data;
    tl_ew_run(it, node, &o->s, o->f, o);
    return TL_STATUS_OK;
}

/* Op data for the node when its broadcast is one of elementwise.h's; NULL when not (or on a full
 * arena, with the error recorded in *st). */
static binary_q_opt *prepare_q(tl_interpreter *it, tl_node *node, tl_status *st) {
    tl_ew_shape s;
    binary_q_opt *o;
    *st = TL_STATUS_OK;
    if (!tl_ew_shape_init(&s, tl_node_input(it, node, 0), tl_node_input(it, node, 1), tl_node_output(it, node, 0)))
        return NULL;
    o = tl_alloc_persistent(it, sizeof *o);
    if (!o) {
        *st = tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "optimized elementwise op data");
        return NULL;
    }
    o->s = s;
    o->wide = tl_node_output(it, node, 0)->type == TL_TYPE_INT16;
    return o;
}

tl_status tl_add_sub_opt_q_prepare(tl_interpreter *it, tl_node *node, const tl_add_q_params *params) {
    tl_status st;
    binary_q_opt *o = prepare_q(it, node, &st);
    if (!o) return st;
    o->add = *params;
    o->f = add_portable;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (it->cpu & TL_CPU_AVX512)
        o->f = s8_add_fast(o) ? add_s8_avx512 : add_avx512;
    else if (it->cpu & TL_CPU_AVX2)
        o->f = s8_add_fast(o) ? add_s8_avx2 : add_avx2;
#endif
    node->op_data = o;
    node->eval = eval_q;
    return TL_STATUS_OK;
}

tl_status tl_mul_opt_q_prepare(tl_interpreter *it, tl_node *node, const tl_mul_q_params *params) {
    tl_status st;
    binary_q_opt *o = prepare_q(it, node, &st);
    if (!o) return st;
    o->mul = *params;
    o->f = mul_portable;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (it->cpu & TL_CPU_AVX512)
        o->f = mul_avx512;
    else if (it->cpu & TL_CPU_AVX2)
        o->f = mul_avx2;
#endif
    node->op_data = o;
    node->eval = eval_q;
    return TL_STATUS_OK;
}
