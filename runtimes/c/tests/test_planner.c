/* The greedy planner: no two buffers with overlapping lifetimes overlap in memory; buffers with
 * disjoint lifetimes share; the total is the high-water mark; offline-fixed offsets are kept and
 * planned buffers go around them; the local search after the greedy plan finds the parity a
 * chain needs (greedy by size alone puts one link on top of two others) and is never worse than
 * the greedy plan (compared with a plain first-fit greedy written here); with a 64-byte alignment (the
 * optimized tier's), every planned offset is a multiple of 64. */
#include <stdio.h>
#include <string.h>

#include "planner.h"

static int check_aligned(tl_plan_buffer *b, int32_t n, size_t total, size_t align) {
    int32_t i;
    for (i = 0; i < n; i++)
        if ((!b[i].fixed && b[i].offset % align) || b[i].offset + b[i].bytes > total) return 0;
    return !tl_plan_overlaps(b, n, 0);
}

static int check(tl_plan_buffer *b, int32_t n, size_t total) { return check_aligned(b, n, total, TL_PLAN_ALIGN); }

static tl_plan_buffer buf(size_t bytes, int32_t first, int32_t last) {
    tl_plan_buffer b;
    memset(&b, 0, sizeof b);
    b.bytes = (uint32_t)bytes;
    b.first = first;
    b.last = last;
    return b;
}

/* TFLite Micro's greedy plan, the reference the search must never be worse than: largest first
 * (ties by index), each at the lowest aligned offset no live placed buffer covers. */
static size_t plain_greedy(const tl_plan_buffer *in, int32_t n) {
    tl_plan_buffer b[64];
    int32_t order[64], i, j, k;
    size_t total = 0;
    for (i = 0; i < n; i++) {
        b[i] = in[i];
        order[i] = i;
    }
    for (i = 1; i < n; i++)
        for (j = i; j > 0; j--) {
            const tl_plan_buffer *a = &b[order[j - 1]], *c = &b[order[j]];
            int swap = a->fixed != c->fixed ? c->fixed : a->bytes < c->bytes;
            if (!swap) break;
            k = order[j];
            order[j] = order[j - 1];
            order[j - 1] = k;
        }
    for (i = 0; i < n; i++) {
        tl_plan_buffer *me = &b[order[i]];
        size_t size = (me->bytes + 15) / 16 * 16, cand = 0;
        if (!me->fixed) {
            for (;;) { /* try 0, then move above whatever conflicting buffer is hit */
                size_t next = cand;
                for (k = 0; k < i; k++) {
                    const tl_plan_buffer *o = &b[order[k]];
                    size_t end = o->offset + (o->bytes + 15) / 16 * 16;
                    if (o->bytes && size && o->first <= me->last && me->first <= o->last && o->offset < cand + size &&
                        cand < end && end > next)
                        next = (end + 15) / 16 * 16;
                }
                if (next == cand) break;
                cand = next;
            }
            me->offset = cand;
        }
        if (me->bytes && me->offset + size > total) total = me->offset + size;
    }
    return total;
}

int main(void) {
    tl_plan_buffer chain[6], all_live[3], fixed[3], r[8], parity[8], big[40];
    int32_t order[TL_PLAN_SCRATCH(40)], trial, i;
    size_t total;
    unsigned seed = 1;
    /* a chain: each buffer lives for two steps, so only neighbours conflict */
    chain[0] = buf(100, 0, 1); chain[1] = buf(200, 1, 2); chain[2] = buf(50, 2, 3);
    chain[3] = buf(300, 3, 4); chain[4] = buf(10, 4, 5); chain[5] = buf(64, 5, 6);
    total = tl_plan_greedy(chain, 6, order, TL_PLAN_ALIGN);
    if (!check(chain, 6, total) || total > 512 + 32) {
        printf("chain: bad plan (total %lu)\n", (unsigned long)total);
        return 1;
    }
    all_live[0] = buf(16, 0, 9); all_live[1] = buf(32, 0, 9); all_live[2] = buf(48, 0, 9);
    total = tl_plan_greedy(all_live, 3, order, TL_PLAN_ALIGN);
    if (!check(all_live, 3, total) || total != 96) {
        printf("all live: total %lu, expected 96\n", (unsigned long)total);
        return 1;
    }
    /* an offline plan puts a buffer at 64; the planned ones must avoid it */
    fixed[0] = buf(32, 0, 9); fixed[0].fixed = 1; fixed[0].offset = 64;
    fixed[1] = buf(64, 0, 9); fixed[2] = buf(48, 0, 9);
    total = tl_plan_greedy(fixed, 3, order, TL_PLAN_ALIGN);
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
        total = tl_plan_greedy(r, 8, order, TL_PLAN_ALIGN);
        if (!check(r, 8, total) || (trial % 2 && (r[0].offset != 0 || r[1].offset != 1024 + 16 * (size_t)(trial % 7)))) {
            printf("random trial %d: overlapping live buffers or moved fixed buffer\n", (int)trial);
            return 1;
        }
    }
    /* equal links, the two biggest 5 links apart: greedy by size puts both at 0 and needs three
     * slots (4800); alternating two slots needs 1600 + 1760 */
    parity[0] = buf(1600, 0, 1); parity[1] = buf(1600, 1, 2); parity[2] = buf(1760, 2, 3);
    parity[3] = buf(1600, 3, 4); parity[4] = buf(1600, 4, 5); parity[5] = buf(1600, 5, 6);
    parity[6] = buf(1600, 6, 7); parity[7] = buf(1760, 7, 8);
    if (plain_greedy(parity, 8) != 4800) {
        printf("parity: the plain greedy plan is %lu, expected 4800\n", (unsigned long)plain_greedy(parity, 8));
        return 1;
    }
    total = tl_plan_greedy(parity, 8, order, TL_PLAN_ALIGN);
    if (!check(parity, 8, total) || total != 1600 + 1760) {
        printf("parity: total %lu, expected %d\n", (unsigned long)total, 1600 + 1760);
        return 1;
    }
    for (trial = 0; trial < 300; trial++) { /* never worse than the plain greedy plan */
        size_t greedy;
        int32_t n = 8 + trial % 33;
        for (i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            big[i] = buf((seed >> 8) % 4000 + ((seed >> 4) % 3 == 0 ? 0u : 1u), 0, 0);
            seed = seed * 1103515245u + 12345u;
            big[i].first = (int32_t)((seed >> 8) % 30);
            seed = seed * 1103515245u + 12345u;
            big[i].last = big[i].first + (int32_t)((seed >> 8) % (trial % 3 ? 3 : 12));
        }
        if (trial % 4 == 1) {
            big[0].fixed = 1; big[0].offset = 4096;
        }
        greedy = plain_greedy(big, n);
        total = tl_plan_greedy(big, n, order, TL_PLAN_ALIGN);
        if (!check(big, n, total) || total > greedy || (trial % 4 == 1 && big[0].offset != 4096)) {
            printf("search trial %d: total %lu, plain greedy %lu, or overlapping live buffers\n", (int)trial,
                   (unsigned long)total, (unsigned long)greedy);
            return 1;
        }
    }
    for (trial = 0; trial < 300; trial++) { /* 64-byte lines: aligned, valid, fixed buffers kept where given */
        int32_t n = 8 + trial % 33;
        for (i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            big[i] = buf((seed >> 8) % 4000 + 1, 0, 0);
            seed = seed * 1103515245u + 12345u;
            big[i].first = (int32_t)((seed >> 8) % 30);
            seed = seed * 1103515245u + 12345u;
            big[i].last = big[i].first + (int32_t)((seed >> 8) % (trial % 3 ? 3 : 12));
        }
        if (trial % 4 == 1) {
            big[0].fixed = 1; big[0].offset = 4096 + 16; /* an offline plan's offset need only be 16-aligned */
        }
        total = tl_plan_greedy(big, n, order, 64);
        if (!check_aligned(big, n, total, 64) || (trial % 4 == 1 && big[0].offset != 4096 + 16)) {
            printf("64-byte trial %d: total %lu, misaligned or overlapping live buffers\n", (int)trial,
                   (unsigned long)total);
            return 1;
        }
    }
    printf("planner: ok\n");
    return 0;
}
