#ifndef TL_PLANNER_H
#define TL_PLANNER_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    size_t bytes;
    int32_t first, last;   /* first and last node index using the buffer (inclusive) */
    size_t offset;         /* output */
} tl_plan_buffer;

/* Places buffers so that no two whose lifetimes overlap share bytes; returns the total bytes.
 * `order` is caller scratch of n int32. Offsets are multiples of TL_PLAN_ALIGN. */
#define TL_PLAN_ALIGN 16u
size_t tl_plan_greedy(tl_plan_buffer *bufs, int32_t n, int32_t *order);

#endif
