/* The greedy planner: no two buffers with overlapping lifetimes overlap in memory; buffers with
 * disjoint lifetimes share; the total is the high-water mark. */
#include <stdio.h>

#include "planner.h"

static int check(tl_plan_buffer *b, int32_t n, size_t total) {
    int32_t i, j;
    for (i = 0; i < n; i++) {
        if (b[i].offset % TL_PLAN_ALIGN || b[i].offset + b[i].bytes > total) return 0;
        for (j = i + 1; j < n; j++) {
            int live = b[i].first <= b[j].last && b[j].first <= b[i].last;
            int mem = b[i].offset < b[j].offset + b[j].bytes && b[j].offset < b[i].offset + b[i].bytes;
            if (live && mem && b[i].bytes && b[j].bytes) return 0;
        }
    }
    return 1;
}

int main(void) {
    /* a chain: each buffer lives for two steps, so only neighbours conflict */
    tl_plan_buffer chain[6] = {{100, 0, 1, 0}, {200, 1, 2, 0}, {50, 2, 3, 0}, {300, 3, 4, 0}, {10, 4, 5, 0}, {64, 5, 6, 0}};
    tl_plan_buffer all_live[3] = {{16, 0, 9, 0}, {32, 0, 9, 0}, {48, 0, 9, 0}};
    int32_t order[6];
    size_t total = tl_plan_greedy(chain, 6, order);
    unsigned seed = 1;
    int32_t trial, i;
    if (!check(chain, 6, total) || total > 512 + 32) {
        printf("chain: bad plan (total %lu)\n", (unsigned long)total);
        return 1;
    }
    total = tl_plan_greedy(all_live, 3, order);
    if (!check(all_live, 3, total) || total != 96) {
        printf("all live: total %lu, expected 96\n", (unsigned long)total);
        return 1;
    }
    for (trial = 0; trial < 200; trial++) { /* random lifetimes and sizes */
        tl_plan_buffer r[6];
        for (i = 0; i < 6; i++) {
            seed = seed * 1103515245u + 12345u;
            r[i].bytes = (seed >> 8) % 1000;
            seed = seed * 1103515245u + 12345u;
            r[i].first = (int32_t)((seed >> 8) % 10);
            seed = seed * 1103515245u + 12345u;
            r[i].last = r[i].first + (int32_t)((seed >> 8) % 5);
        }
        total = tl_plan_greedy(r, 6, order);
        if (!check(r, 6, total)) {
            printf("random trial %d: overlapping live buffers\n", (int)trial);
            return 1;
        }
    }
    printf("planner: ok\n");
    return 0;
}
