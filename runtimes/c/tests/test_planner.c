/* The greedy planner: no two buffers with overlapping lifetimes overlap in memory; buffers with
 * disjoint lifetimes share; the total is the high-water mark; offline-fixed offsets are kept and
 * planned buffers go around them. */
#include <stdio.h>
#include <string.h>

#include "planner.h"

static int check(tl_plan_buffer *b, int32_t n, size_t total) {
    int32_t i;
    for (i = 0; i < n; i++)
        if ((!b[i].fixed && b[i].offset % TL_PLAN_ALIGN) || b[i].offset + b[i].bytes > total) return 0;
    return !tl_plan_overlaps(b, n, 0);
}

static tl_plan_buffer buf(size_t bytes, int32_t first, int32_t last) {
    tl_plan_buffer b;
    memset(&b, 0, sizeof b);
    b.bytes = bytes;
    b.first = first;
    b.last = last;
    return b;
}

int main(void) {
    tl_plan_buffer chain[6], all_live[3], fixed[3], r[8];
    int32_t order[8], trial, i;
    size_t total;
    unsigned seed = 1;
    /* a chain: each buffer lives for two steps, so only neighbours conflict */
    chain[0] = buf(100, 0, 1); chain[1] = buf(200, 1, 2); chain[2] = buf(50, 2, 3);
    chain[3] = buf(300, 3, 4); chain[4] = buf(10, 4, 5); chain[5] = buf(64, 5, 6);
    total = tl_plan_greedy(chain, 6, order);
    if (!check(chain, 6, total) || total > 512 + 32) {
        printf("chain: bad plan (total %lu)\n", (unsigned long)total);
        return 1;
    }
    all_live[0] = buf(16, 0, 9); all_live[1] = buf(32, 0, 9); all_live[2] = buf(48, 0, 9);
    total = tl_plan_greedy(all_live, 3, order);
    if (!check(all_live, 3, total) || total != 96) {
        printf("all live: total %lu, expected 96\n", (unsigned long)total);
        return 1;
    }
    /* an offline plan puts a buffer at 64; the planned ones must avoid it */
    fixed[0] = buf(32, 0, 9); fixed[0].fixed = 1; fixed[0].offset = 64;
    fixed[1] = buf(64, 0, 9); fixed[2] = buf(48, 0, 9);
    total = tl_plan_greedy(fixed, 3, order);
    if (!check(fixed, 3, total) || fixed[0].offset != 64 || fixed[1].offset != 0) {
        printf("fixed: offsets %lu %lu %lu\n", (unsigned long)fixed[0].offset, (unsigned long)fixed[1].offset,
               (unsigned long)fixed[2].offset);
        return 1;
    }
    fixed[1].fixed = 1; fixed[1].offset = 80; /* two fixed, live together, sharing bytes */
    if (!tl_plan_overlaps(fixed, 3, 1)) {
        printf("fixed: overlap not detected\n");
        return 1;
    }
    for (trial = 0; trial < 500; trial++) { /* random lifetimes and sizes, some fixed apart */
        for (i = 0; i < 8; i++) {
            seed = seed * 1103515245u + 12345u;
            r[i] = buf((seed >> 8) % 1000, 0, 0);
            seed = seed * 1103515245u + 12345u;
            r[i].first = (int32_t)((seed >> 8) % 10);
            seed = seed * 1103515245u + 12345u;
            r[i].last = r[i].first + (int32_t)((seed >> 8) % 5);
        }
        if (trial % 2) { /* two fixed buffers at disjoint places */
            r[0].fixed = 1; r[0].offset = 0;
            r[1].fixed = 1; r[1].offset = 1024 + 16 * (size_t)(trial % 7);
        }
        total = tl_plan_greedy(r, 8, order);
        if (!check(r, 8, total) || (trial % 2 && (r[0].offset != 0 || r[1].offset != 1024 + 16 * (size_t)(trial % 7)))) {
            printf("random trial %d: overlapping live buffers or moved fixed buffer\n", (int)trial);
            return 1;
        }
    }
    printf("planner: ok\n");
    return 0;
}
