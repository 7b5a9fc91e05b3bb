/* The hybrid kernels' output rows in portable C, and the choice of tier (hybrid_s8.h). */
#include "hybrid_s8.h"

#include "../../src/cpu.h"
#include "../common/quant_math.h"

void tl_hybrid_row_portable(const int32_t *s, int32_t n, const tl_hybrid_out *o, float row_scale, int32_t zp, float *y) {
    int32_t j;
    for (j = 0; j < n; j++) {
        int32_t acc = tl_add_wrap(s[j], -(zp * o->colsum[j])); /* the true sum is inside int32 (prepare) */
        float v;
        if (o->kind == TL_HYBRID_FC) {
            v = (o->bias ? o->bias[j] : 0.0f) + (float)acc * (row_scale * o->w_scale[j]);
        } else {
            v = o->kind == TL_HYBRID_CONV ? (float)acc * row_scale : (float)acc * o->w_scale[j] * row_scale;
            if (o->bias) v += o->bias[j];
        }
        y[j] = v < o->lo ? o->lo : (v > o->hi ? o->hi : v);
    }
}

tl_hybrid_row_fn tl_hybrid_row_select(uint32_t cpu) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (cpu & TL_CPU_AVX512) return tl_hybrid_row_avx512;
    if (cpu & TL_CPU_AVX2) return tl_hybrid_row_avx2;
#else
    (void)cpu;
#endif
    return tl_hybrid_row_portable;
}
