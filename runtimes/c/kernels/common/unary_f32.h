/* Elementwise float32 math shared by RSQRT, SQRT, EXP, LOG, NEG, ABS, SIN, COS, SQUARE and FLOOR: y = f(x) in float with
 * the C library's single-precision functions (IEEE results for 0, negatives, inf and NaN). */
#ifndef TL_UNARY_F32_H
#define TL_UNARY_F32_H

#include "../../src/kernel_api.h"

typedef enum {
    TL_UNARY_RSQRT, TL_UNARY_SQRT, TL_UNARY_EXP, TL_UNARY_LOG, TL_UNARY_NEG, TL_UNARY_ABS, TL_UNARY_SIN, TL_UNARY_COS,
    TL_UNARY_SQUARE, TL_UNARY_FLOOR
} tl_unary_kind;

tl_status tl_unary_f32_prepare(tl_interpreter *it, tl_node *node, tl_unary_kind kind, const char *refusal);

#endif
