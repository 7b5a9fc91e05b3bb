/* The byte-table loops of unary_lut.c: y[i] = table[x[i]] for i < n. */
#ifndef TL_UNARY_LUT_H
#define TL_UNARY_LUT_H

#include <stdint.h>

typedef void (*tl_lut_bytes_fn)(const uint8_t *table, const uint8_t *x, uint8_t *y, int64_t n);

void tl_lut_bytes_portable(const uint8_t *table, const uint8_t *x, uint8_t *y, int64_t n);
/* x86-64 with GCC or clang only: AVX-512 VBMI (unary_lut_x86.c) */
void tl_lut_bytes_vbmi(const uint8_t *table, const uint8_t *x, uint8_t *y, int64_t n);

#endif
