/* The optimized int8 FULLY_CONNECTED's last step (fully_connected_s8.c): the reference kernel's own
 * requantization of int32 sums, in double,
 *
 *     y[r][j] = clamp(round((double)s[r][j] * scale[j]) + out_offset, lo, hi)     (round: half away from zero)
 *
 * for `rows` rows of n sums (lds apart) into rows of y (ldy apart), in portable C and, where the CPU
 * has them, AVX-512 or AVX2 (fully_connected_s8_x86.c): the same double operations lane by lane, so
 * the same bytes. */
#ifndef TL_FULLY_CONNECTED_S8_H
#define TL_FULLY_CONNECTED_S8_H

#include <stdint.h>

typedef void (*tl_fc_s8_rows_fn)(const int32_t *s, int32_t lds, int32_t rows, int32_t n, const double *scale,
                                 int32_t out_offset, int32_t lo, int32_t hi, int8_t *y, int32_t ldy);

void tl_fc_s8_rows_portable(const int32_t *s, int32_t lds, int32_t rows, int32_t n, const double *scale,
                            int32_t out_offset, int32_t lo, int32_t hi, int8_t *y, int32_t ldy);
/* x86-64 with GCC or clang only */
void tl_fc_s8_rows_avx512(const int32_t *s, int32_t lds, int32_t rows, int32_t n, const double *scale,
                          int32_t out_offset, int32_t lo, int32_t hi, int8_t *y, int32_t ldy);
void tl_fc_s8_rows_avx2(const int32_t *s, int32_t lds, int32_t rows, int32_t n, const double *scale,
                        int32_t out_offset, int32_t lo, int32_t hi, int8_t *y, int32_t ldy);

#endif
