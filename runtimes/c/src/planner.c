/* Greedy memory planner (the algorithm TFLite Micro's greedy planner popularised).
 *
 * Buffers are taken largest first. Each is placed at the lowest offset where it does not
 * overlap, in bytes, any already-placed buffer whose lifetime [first, last] intersects its own:
 * the candidate offsets are 0 and the end of each conflicting placed buffer, tried in
 * increasing order. Big buffers settle first, and small short-lived ones fill the holes
 * between them. The result is deterministic for a given model; the arena needed is the
 * highest end offset. O(n^2 log n) with n the number of activation tensors, done once. */
#include "planner.h"

static size_t align_up(size_t x) {
    return (x + TL_PLAN_ALIGN - 1) & ~(size_t)(TL_PLAN_ALIGN - 1);
}

static int lifetimes_meet(const tl_plan_buffer *a, const tl_plan_buffer *b) {
    return a->first <= b->last && b->first <= a->last;
}

static int fits_at(const tl_plan_buffer *bufs, const int32_t *order, int32_t placed, int32_t me, size_t off) {
    int32_t k;
    for (k = 0; k < placed; k++) {
        const tl_plan_buffer *o = &bufs[order[k]];
        if (lifetimes_meet(o, &bufs[me]) && off < o->offset + align_up(o->bytes) &&
            o->offset < off + align_up(bufs[me].bytes))
            return 0;
    }
    return 1;
}

size_t tl_plan_greedy(tl_plan_buffer *bufs, int32_t n, int32_t *order) {
    int32_t i, j, k;
    size_t total = 0;
    for (i = 0; i < n; i++) order[i] = i;
    for (i = 1; i < n; i++) { /* insertion sort: size descending, then index (stable) */
        int32_t cur = order[i];
        for (j = i - 1; j >= 0 && bufs[order[j]].bytes < bufs[cur].bytes; j--) order[j + 1] = order[j];
        order[j + 1] = cur;
    }
    for (i = 0; i < n; i++) {
        int32_t me = order[i];
        size_t best = 0;
        if (!fits_at(bufs, order, i, me, 0)) {
            best = (size_t)-1;
            for (k = 0; k < i; k++) { /* candidate: right after a placed buffer */
                const tl_plan_buffer *o = &bufs[order[k]];
                size_t cand = o->offset + align_up(o->bytes);
                if (cand < best && fits_at(bufs, order, i, me, cand)) best = cand;
            }
        }
        bufs[me].offset = best;
        if (best + align_up(bufs[me].bytes) > total) total = best + align_up(bufs[me].bytes);
    }
    return total;
}
