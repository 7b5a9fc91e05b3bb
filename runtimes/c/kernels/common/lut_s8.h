/* 256-entry int8 lookup tables for elementwise activations, built at prepare time in float as
 * LiteRT's reference kernels build them: dequantize each int8 value, apply f, round half away
 * from zero in units of the output scale, add the output zero point, clamp. Indexed by the
 * input byte (x + 128). */
#ifndef TL_LUT_S8_H
#define TL_LUT_S8_H

#include <math.h>
#include <stdint.h>

static inline void tl_lut_s8_build(int8_t lut[256], float in_scale, int32_t in_zp, float out_scale,
                                   int32_t out_zp, float (*f)(float)) {
    const float inverse_scale = 1.0f / out_scale;
    int32_t v;
    for (v = -128; v <= 127; v++) {
        float y = roundf(f(in_scale * (float)(v - in_zp)) * inverse_scale);
        int32_t q = (int32_t)(y + (float)out_zp); /* y is finite: |f| <= 1 for the activations using this */
        lut[v + 128] = (int8_t)(q < -128 ? -128 : q > 127 ? 127 : q);
    }
}

static inline void tl_lut_s8_apply(const int8_t lut[256], const int8_t *x, int8_t *y, int64_t n) {
    int64_t i;
    for (i = 0; i < n; i++) y[i] = lut[x[i] + 128];
}

#endif
