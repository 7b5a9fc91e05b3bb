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
 * in bytes, any already-placed buffer whose lifetime intersects its own. The candidate offsets
 * are 0 and the (aligned) end of each conflicting placed buffer, tried in increasing order.
 * Big buffers settle first and small short-lived ones fill the holes between them. The result
 * is deterministic for a given model; the arena head needed is the highest end offset.
 * O(n^2) placement tests of O(n) each, done once at allocation.
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

static size_t align_up(size_t x) {
    return (x + TL_PLAN_ALIGN - 1) & ~(size_t)(TL_PLAN_ALIGN - 1);
}

static int lifetimes_meet(const tl_plan_buffer *a, const tl_plan_buffer *b) {
    return a->first <= b->last && b->first <= a->last;
}

static int bytes_meet(const tl_plan_buffer *a, size_t a_off, const tl_plan_buffer *b, size_t b_off) {
    return a->bytes && b->bytes && a_off < b_off + align_up(b->bytes) && b_off < a_off + align_up(a->bytes);
}

static int fits_at(const tl_plan_buffer *bufs, const int32_t *order, int32_t placed, int32_t me, size_t off) {
    int32_t k;
    for (k = 0; k < placed; k++) {
        const tl_plan_buffer *o = &bufs[order[k]];
        if (lifetimes_meet(o, &bufs[me]) && bytes_meet(o, o->offset, &bufs[me], off)) return 0;
    }
    return 1;
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

size_t tl_plan_greedy(tl_plan_buffer *bufs, int32_t n, int32_t *order) {
    int32_t i, j, k, placed = 0;
    size_t total = 0;
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
    for (i = 0; i < n; i++, placed++) {
        int32_t me = order[i];
        if (!bufs[me].fixed) {
            size_t best = 0;
            if (!fits_at(bufs, order, placed, me, 0)) {
                best = (size_t)-1;
                for (k = 0; k < placed; k++) { /* candidate: right after a placed buffer */
                    const tl_plan_buffer *o = &bufs[order[k]];
                    size_t cand = align_up(o->offset + align_up(o->bytes));
                    if (cand < best && fits_at(bufs, order, placed, me, cand)) best = cand;
                }
            }
            bufs[me].offset = best;
        }
        if (bufs[me].offset + align_up(bufs[me].bytes) > total) total = bufs[me].offset + align_up(bufs[me].bytes);
    }
    return total;
}
