#ifndef TL_PLANNER_H
#define TL_PLANNER_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    size_t offset;         /* output (input too when fixed) */
    size_t best;           /* the planner's own: the offset in the best plan found so far */
    uint32_t bytes;        /* tensors and scratch requests are below 2^31 bytes */
    int32_t first, last;   /* first and last node index using the buffer (inclusive) */
    int32_t fixed;         /* 1: `offset` is given (an offline plan) and kept */
} tl_plan_buffer;

/* Places buffers so that no two whose lifetimes overlap share bytes; returns the total bytes.
 * Fixed buffers keep their offsets (the caller checks them with tl_plan_overlaps first).
 * `scratch` is caller scratch of TL_PLAN_SCRATCH(n) int32. Planned offsets are multiples of
 * `align`, a power of two of at least TL_PLAN_ALIGN (others read as TL_PLAN_ALIGN); buffer sizes
 * are rounded to TL_PLAN_ALIGN. The algorithm is described atop planner.c. */
#define TL_PLAN_ALIGN 16u
#define TL_PLAN_SCRATCH(n) (3 * (size_t)(n))
size_t tl_plan_greedy(tl_plan_buffer *bufs, int32_t n, int32_t *scratch, size_t align);

/* 1 when two buffers with intersecting lifetimes share a byte (only buffers with `fixed` set
 * are compared when fixed_only), else 0. */
int tl_plan_overlaps(const tl_plan_buffer *bufs, int32_t n, int fixed_only);

#endif
