/* Greedy memory planner (the algorithm TFLite Micro's greedy planner popularised).
 *
 * Every activation tensor (and every scratch buffer a kernel asked for) is a buffer with a size
 * and a lifetime [first, last]: the first and last node that touches it (graph inputs from node
 * 0, graph outputs to the end, variables for the whole run). Two buffers may share bytes only
 * when their lifetimes are disjoint.
 *
 * Buffers whose offset is fixed by an offline plan (the model's "OfflineMemoryAllocation"
 * metadata) are placed first, where the plan says. The others are then taken largest first
 * (ties: lower index first) and each is placed at the lowest offset where it does not overlap,
 * in bytes, any already-placed buffer whose lifetime intersects its own (first fit: the gaps
 * between those buffers, sorted by offset, are scanned from 0; offsets are aligned ends). Big
 * buffers settle first and small short-lived ones fill the holes between them. This is TFLite
 * Micro's GreedyMemoryPlanner, and our first plan is exactly its plan.
 *
 * Greedy by size cannot see parity: in a chain of equal-sized buffers each overlapping only its
 * neighbours, the two largest may both land at offset 0 an odd number of links apart, and one
 * link in between then has to sit on top of two others (id_model: 221,392 B where 150,768 B
 * suffice). So the plan is then improved by a short local search: take the stack of buffers
 * under the highest end (the top buffer, the buffer its offset rests on, and so on down to 0),
 * move one of them to the front of the order (after the fixed ones) and plan again; keep the
 * first order that lowers the high-water mark and repeat, until no buffer of the stack helps or
 * TL_PLAN_MAX_RUNS plans were made. The best plan found is kept, so the result is never above
 * the greedy one, and it is deterministic for a given model; the arena head needed is the
 * highest end offset. Each plan takes O(n k log k) for n buffers of at most k conflicts each.
 *
 * Several subgraphs (control flow). A WHILE or IF node runs other subgraphs while it executes,
 * so all subgraphs share one arena and one timeline (plan.c builds it): walking subgraph 0 in
 * order, every node takes one step, and a node that calls subgraphs takes a first step, then
 * the steps of each called subgraph in turn (walked the same way, nested), then a last step.
 * The calling node's inputs and outputs are live over its whole span, and a called subgraph's
 * tensors only inside the steps of its own walk. So:
 *   - a called subgraph's tensors never share bytes with the caller's tensors live across the
 *     call, but may reuse bytes of caller tensors that died before it (or are born after);
 *   - a WHILE's cond and body, and an IF's two branches, occupy disjoint step ranges and may
 *     share bytes with each other: the kernels pass values only through the caller's tensors
 *     (copied into a subgraph's inputs before each run, out of its outputs after), so nothing
 *     inside a subgraph needs to survive from one run to the next;
 *   - a subgraph called from several nodes is walked once per call site, and each of its
 *     tensors lives over the hull of its steps at all of them (conservative, never unsafe);
 *   - variables of any subgraph, and every tensor under preserve_all_tensors, live throughout;
 *   - subgraphs that SignatureDefs name are entry points too: walked after subgraph 0, one after
 *     another (they never run together); with several entries, each entry's inputs and outputs
 *     live throughout, so invoking one leaves the others' inputs and outputs intact.
 * We chose this over giving each subgraph its own region (simpler, but the arena would be the
 * sum of all subgraphs' peaks) and over TFLite's per-subgraph arenas (which allocate at run
 * time): the whole model is still planned once, offline-plannable, with no malloc. The walk's
 * length is capped (plan.c) and nesting depth is bounded at prepare (subgraph.c). */
#include "planner.h"

#define TL_PLAN_MAX_RUNS 24
#define TL_PLAN_SEARCH_MAX_BUFFERS 20000 /* larger (hostile) graphs get the greedy plan only */

static size_t align_to(size_t x, size_t align) { return (x + align - 1) & ~(align - 1); }

static size_t align_up(size_t x) { return align_to(x, TL_PLAN_ALIGN); }

static size_t end_of(const tl_plan_buffer *b, size_t offset, size_t align) {
    return align_to(offset + align_up(b->bytes), align);
}

static int lifetimes_meet(const tl_plan_buffer *a, const tl_plan_buffer *b) {
    return a->first <= b->last && b->first <= a->last;
}

static int bytes_meet(const tl_plan_buffer *a, size_t a_off, const tl_plan_buffer *b, size_t b_off) {
    return a->bytes && b->bytes && a_off < b_off + align_up(b->bytes) && b_off < a_off + align_up(a->bytes);
}

int tl_plan_overlaps(const tl_plan_buffer *bufs, int32_t n, int fixed_only) {
    int32_t i, j;
    for (i = 0; i < n; i++) {
        if (fixed_only && !bufs[i].fixed) continue;
        for (j = i + 1; j < n; j++) {
            if (fixed_only && !bufs[j].fixed) continue;
            if (lifetimes_meet(&bufs[i], &bufs[j]) && bytes_meet(&bufs[i], bufs[i].offset, &bufs[j], bufs[j].offset))
                return 1;
        }
    }
    return 0;
}

/* Heap sort of buffer indices by offset (no recursion, no allocation). */
static void sift(const tl_plan_buffer *bufs, int32_t *a, int32_t root, int32_t n) {
    for (;;) {
        int32_t child = 2 * root + 1, t;
        if (child >= n) return;
        if (child + 1 < n && bufs[a[child + 1]].offset > bufs[a[child]].offset) child++;
        if (bufs[a[child]].offset <= bufs[a[root]].offset) return;
        t = a[root];
        a[root] = a[child];
        a[child] = t;
        root = child;
    }
}

static void sort_by_offset(const tl_plan_buffer *bufs, int32_t *a, int32_t n) {
    int32_t i, t;
    for (i = n / 2 - 1; i >= 0; i--) sift(bufs, a, i, n);
    for (i = n - 1; i > 0; i--) {
        t = a[0];
        a[0] = a[i];
        a[i] = t;
        sift(bufs, a, 0, i);
    }
}

/* One greedy plan in `order` (fixed buffers first): each buffer at the lowest offset, a multiple
 * of `align`, that no placed buffer live at the same time covers. Returns the high-water mark. */
static size_t place_all(tl_plan_buffer *bufs, int32_t n, const int32_t *order, int32_t *conflicts, size_t align) {
    int32_t i, k, c;
    size_t total = 0;
    for (i = 0; i < n; i++) {
        tl_plan_buffer *me = &bufs[order[i]];
        if (!me->fixed) {
            size_t pos = 0, need = align_up(me->bytes);
            if (need) {
                for (k = c = 0; k < i; k++) {
                    const tl_plan_buffer *o = &bufs[order[k]];
                    if (o->bytes && lifetimes_meet(o, me)) conflicts[c++] = order[k];
                }
                sort_by_offset(bufs, conflicts, c);
                for (k = 0; k < c; k++) { /* first fit: the lowest gap between them that is big enough */
                    const tl_plan_buffer *o = &bufs[conflicts[k]];
                    if (o->offset >= pos && o->offset - pos >= need) break;
                    if (end_of(o, o->offset, align) > pos) pos = end_of(o, o->offset, align);
                }
            }
            me->offset = pos;
        }
        if (me->bytes && me->offset + align_up(me->bytes) > total) total = me->offset + align_up(me->bytes);
    }
    return total;
}

/* The `depth`-th buffer of the stack under the high-water mark `total` of the plan kept in
 * `best` offsets: depth 0 is a buffer ending at `total`, depth d + 1 one live with it whose end
 * is its offset. -1 when the stack is shorter (it reached 0, or rests on nothing). */
static int32_t stack_at(const tl_plan_buffer *bufs, int32_t n, size_t total, int32_t depth, size_t align) {
    int32_t i, cur = -1, d;
    for (i = 0; i < n && cur < 0; i++)
        if (bufs[i].bytes && bufs[i].best + align_up(bufs[i].bytes) == total) cur = i;
    for (d = 0; d < depth && cur >= 0; d++) {
        int32_t next = -1;
        if (bufs[cur].best == 0) return -1;
        for (i = 0; i < n && next < 0; i++)
            if (bufs[i].bytes && lifetimes_meet(&bufs[i], &bufs[cur]) &&
                end_of(&bufs[i], bufs[i].best, align) == bufs[cur].best)
                next = i;
        cur = next;
    }
    return cur;
}

size_t tl_plan_greedy(tl_plan_buffer *bufs, int32_t n, int32_t *scratch, size_t align) {
    int32_t *order = scratch, *trial = scratch + n, *conflicts = scratch + 2 * (size_t)n;
    int32_t i, j, n_fixed = 0, runs = 1;
    size_t best;
    for (i = 0; i < n; i++) order[i] = i;
    for (i = 1; i < n; i++) { /* insertion sort: fixed first, then size descending, then index */
        int32_t cur = order[i];
        for (j = i - 1; j >= 0; j--) {
            const tl_plan_buffer *a = &bufs[order[j]], *b = &bufs[cur];
            int before = a->fixed != b->fixed ? b->fixed : a->bytes < b->bytes;
            if (!before) break;
            order[j + 1] = order[j];
        }
        order[j + 1] = cur;
    }
    for (i = 0; i < n; i++) n_fixed += bufs[i].fixed != 0;
    if (align < TL_PLAN_ALIGN || (align & (align - 1))) align = TL_PLAN_ALIGN;
    best = place_all(bufs, n, order, conflicts, align);
    for (i = 0; i < n; i++) bufs[i].best = bufs[i].offset;
    while (n <= TL_PLAN_SEARCH_MAX_BUFFERS && runs < TL_PLAN_MAX_RUNS) {
        int32_t depth, s, improved = 0;
        for (depth = 0; runs < TL_PLAN_MAX_RUNS; depth++) {
            size_t total;
            s = stack_at(bufs, n, best, depth, align);
            if (s < 0 || bufs[s].fixed) break;
            for (i = j = 0; i < n; i++) { /* the fixed ones, then s, then the rest in order */
                if (i == n_fixed) trial[j++] = s;
                if (order[i] != s) trial[j++] = order[i];
            }
            total = place_all(bufs, n, trial, conflicts, align);
            runs++;
            if (total < best) {
                best = total;
                for (i = 0; i < n; i++) {
                    bufs[i].best = bufs[i].offset;
                    order[i] = trial[i];
                }
                improved = 1;
                break;
            }
        }
        if (!improved) break;
    }
    for (i = 0; i < n; i++) bufs[i].offset = bufs[i].best;
    return best;
}
