/* MEAN, SUM, REDUCE_MAX and REDUCE_MIN share one kernel: the input reduced over the axes a constant int32
 * tensor lists (negative counts from the end, repeats ignored, none: a copy), keep_dims as the
 * ReducerOptions say. Each output element accumulates its inputs in row-major order, as LiteRT's
 * reference does: float32 sums in float (MEAN then divides by the count in float), REDUCE_MAX
 * keeps `x > acc ? x : acc` from the lowest float (NaN never wins), REDUCE_MIN `x < acc ? x : acc`
 * from the largest; both also on int8, int16, uint8 (raw values: input and output quantization
 * must be equal), int32 and int64 from the type's limit, as LiteRT's ReduceGeneric. int32 SUM adds
 * in int32 and wraps on overflow (LiteRT's compiled behaviour), in any order alike. int8 and int16
 * MEAN is LiteRT's reference integer mean (int16: zero points 0): int32 sum minus zp_in * count, requantized by s_in / s_out with the
 * 1 / count folded into the multiplier (shift floor(log2 count), clamped), plus zp_out. int8 and
 * int16 SUM is LiteRT's builtin kernel's (its reference kernel reads them as uint8): the int32 sum
 * requantized in float32, round(sum * s - zp_in * s * count) with s = s_in / s_out, converted to
 * int32 as x86 does, plus zp_out (wrapping), clamped. MEAN over one block of adjacent axes has an
 * optimized tier (opt/mean.c), bit-identical: it keeps each output's summation order. REDUCE_PROD
 * multiplies from 1 in order: float32 in float; int32, int64 and unquantized int8, uint8, int16 wrapping
 * in the type (LiteRT's compiled multiplies); bool as AND; quantized int8 and int16 (int16 zero points 0;
 * quantized uint8 LiteRT refuses) as LiteRT's reference, each step's product requantized by
 * s_in / s_out^(1 / count) (common/reduce.c, prod_rescale); REDUCE_ANY / REDUCE_ALL are OR / AND over bool. */
#ifndef TL_REDUCE_H
#define TL_REDUCE_H

#include "../../src/kernel_api.h"

typedef enum { TL_REDUCE_MEAN, TL_REDUCE_SUM, TL_REDUCE_MAX, TL_REDUCE_MIN, TL_REDUCE_PROD, TL_REDUCE_ANY, TL_REDUCE_ALL } tl_reduce_kind;

tl_status tl_reduce_prepare(tl_interpreter *it, tl_node *node, tl_reduce_kind kind);

#endif
