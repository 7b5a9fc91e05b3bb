/* From the prepared graph to the planner's buffers: every non-constant tensor of every called
 * subgraph and every scratch request gets a lifetime on one timeline (the rules are written
 * atop planner.c), then tl_plan_greedy places them and the tensors get their addresses.
 *
 * In-place views: RESHAPE, SQUEEZE and EXPAND_DIMS (the kernels whose eval is tl_copy_eval)
 * only give the input's bytes another shape, so their output shares its input's buffer (one
 * buffer, over both lifetimes) and the copy becomes a no-op, as in TFLite Micro. Not when either
 * tensor is an input or output of its subgraph (the caller reads and writes those), a variable,
 * when preserve_all_tensors promises every tensor its own bytes, or when an offline plan gives
 * the two different offsets (its offsets are kept as given; one given offset holds for both).
 * Nothing writes into a node's input, so the input may still be read after the view is made. */
#include <stdio.h>
#include <string.h>

#include "../kernels/common/copy.h"
#include "kernel_api.h"
#include "planner.h"

/* The optimized tier with weight packing on (the setting that spends arena for speed) starts
 * every planned buffer a multiple of 64 bytes from the arena's start: on 64-byte lines when the
 * arena starts on one (the Python binding's and tl_run's do), so the x86 kernels' 64-byte loads
 * and stores never span two lines (MobileNetV2 float32 ~4% faster). Offsets, not addresses, so the
 * bytes a plan needs do not depend on where the arena lies. The reference tier and pack_weights off
 * keep 16, the small-arena setting. */
#define TL_PLAN_LINE 64u

/* Timeline steps a model may need (one per node per call path); more is refused rather than
 * walked, so a hostile call graph cannot make allocation slow. */
#define MAX_STEPS (1 << 22)

typedef struct {
    tl_plan_buffer *bufs;
    int32_t *slot;     /* tensor (numbered across subgraphs) -> its buffer, -1 while unused */
    int32_t count;
    int32_t clock;     /* the next free step */
    int32_t *node_base; /* subgraph -> the number of its node 0 among all subgraphs' nodes */
    int32_t *span;     /* node (numbered across subgraphs) -> its first and last step, 2 each */
} lifetimes;

/* The offline plan's offset for tensor g of all subgraphs' (it->offline_plan is set). */
static int32_t offline_offset(const tl_interpreter *it, int32_t g) {
    int32_t off;
    memcpy(&off, it->fb.buf + it->offline_plan + 4u * (uint32_t)g, 4);
    return off;
}

static void use(lifetimes *L, const tl_subgraph *sg, int32_t index, int32_t at) {
    const tl_tensor *t = tl_subgraph_tensor(sg, index);
    int32_t g;
    tl_plan_buffer *b;
    if (t == NULL || t->is_constant) return;
    g = sg->tensor_base + index;
    if (L->slot[g] < 0) {
        L->slot[g] = L->count;
        b = &L->bufs[L->count++];
        memset(b, 0, sizeof *b);
        b->bytes = t->bytes;
        b->first = b->last = at;
    }
    b = &L->bufs[L->slot[g]];
    if (at < b->first) b->first = at;
    if (at > b->last) b->last = at;
}

static void use_all(tl_interpreter *it, lifetimes *L, const tl_subgraph *sg, tl_fb_vec v, int32_t at) {
    uint32_t k;
    for (k = 0; k < v.len; k++) use(L, sg, tl_fb_vec_i32(&it->fb, v, k), at);
}

static int listed(const tl_interpreter *it, tl_fb_vec v, int32_t index) {
    uint32_t k;
    for (k = 0; k < v.len; k++)
        if (tl_fb_vec_i32(&it->fb, v, k) == index) return 1;
    return 0;
}

/* A view node's output takes its input's buffer (see the top of this file); call after the
 * node's inputs are used and before its outputs are. */
static void share_view(tl_interpreter *it, lifetimes *L, const tl_subgraph *sg, const tl_node *node) {
    int32_t in, out;
    const tl_tensor *ti, *to;
    if (node->eval != tl_copy_eval || it->preserve_all_tensors || node->inputs.len < 1 || node->outputs.len != 1)
        return;
    in = tl_fb_vec_i32(&it->fb, node->inputs, 0);
    out = tl_fb_vec_i32(&it->fb, node->outputs, 0);
    ti = tl_subgraph_tensor(sg, in);
    to = tl_subgraph_tensor(sg, out);
    if (!ti || !to || in == out || ti->is_constant || to->is_constant || ti->is_variable || to->is_variable ||
        ti->bytes != to->bytes || listed(it, sg->inputs, in) || listed(it, sg->outputs, in) ||
        listed(it, sg->inputs, out) || listed(it, sg->outputs, out))
        return;
    if (it->offline_plan) {
        int32_t a = offline_offset(it, sg->tensor_base + in), b = offline_offset(it, sg->tensor_base + out);
        if (a != -1 && b != -1 && a != b) return;
    }
    if (L->slot[sg->tensor_base + in] >= 0 && L->slot[sg->tensor_base + out] < 0)
        L->slot[sg->tensor_base + out] = L->slot[sg->tensor_base + in];
}

/* Walks `sg` from step L->clock: its inputs are live from its first step, its outputs until one
 * step after its last node; a node calling subgraphs spans their steps (walked here, nested). */
static tl_status walk(tl_interpreter *it, lifetimes *L, const tl_subgraph *sg) {
    int32_t i, k, start = L->clock;
    use_all(it, L, sg, sg->inputs, start);
    for (i = 0; i < sg->n_nodes; i++) {
        tl_node *node = &sg->nodes[i];
        tl_fb_vec mids = tl_node_intermediates(it, node);
        int32_t first = L->clock++, last = first, callees[TL_MAX_CALLEES], n_callees = tl_node_callees(it, node, callees);
        if (L->clock > MAX_STEPS)
            return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "control flow calls too many subgraph nodes to plan");
        for (k = 0; k < n_callees; k++) {
            tl_status st = walk(it, L, &it->subgraphs[callees[k]]);
            if (st != TL_STATUS_OK) return st;
        }
        if (n_callees) last = L->clock++;
        {
            int32_t *span = &L->span[2 * (L->node_base[tl_subgraph_index(it, sg)] + i)];
            if (first < span[0]) span[0] = first;
            if (last > span[1]) span[1] = last;
        }
        use_all(it, L, sg, node->inputs, first);
        share_view(it, L, sg, node);
        use_all(it, L, sg, node->outputs, first);
        use_all(it, L, sg, mids, first);
        if (last != first) {
            use_all(it, L, sg, node->inputs, last);
            use_all(it, L, sg, node->outputs, last);
            use_all(it, L, sg, mids, last);
        }
    }
    use_all(it, L, sg, sg->outputs, L->clock++);
    return TL_STATUS_OK;
}

tl_status tl_interpreter_plan(tl_interpreter *it) {
    size_t saved_tail = it->tail; /* the planner's scratch is borrowed from the tail */
    size_t base = it->head;       /* kernels' kept state lies below (state.c); 0 for most models */
    int32_t n = tl_tensors_total(it), n_scratch = 0, n_nodes = 0, s, i, k, first_scratch, end, n_entries = 0;
    lifetimes L;
    int32_t *order;
    tl_scratch *sc;
    size_t total, align = TL_PLAN_ALIGN;
    tl_status st;
    for (sc = it->scratch; sc; sc = sc->next) n_scratch++;
    for (s = 0; s < it->n_subgraphs; s++) n_nodes += it->subgraphs[s].n_nodes;
    L.bufs = tl_alloc_persistent(it, sizeof(tl_plan_buffer) * (size_t)(n + n_scratch + 1));
    order = tl_alloc_persistent(it, sizeof(int32_t) * TL_PLAN_SCRATCH(n + n_scratch + 1));
    L.slot = tl_alloc_persistent(it, sizeof(int32_t) * (size_t)(n + 1));
    L.node_base = tl_alloc_persistent(it, sizeof(int32_t) * (size_t)it->n_subgraphs);
    L.span = tl_alloc_persistent(it, 2 * sizeof(int32_t) * (size_t)(n_nodes + 1));
    if (!L.bufs || !order || !L.slot || !L.node_base || !L.span) {
        it->tail = saved_tail;
        return tl_fail(it, NULL, TL_STATUS_ARENA_TOO_SMALL, "planner scratch");
    }
    for (i = 0; i < n; i++) L.slot[i] = -1;
    L.count = 0;
    L.clock = 0;
    for (s = 0, k = 0; s < it->n_subgraphs; k += it->subgraphs[s++].n_nodes) L.node_base[s] = k;
    for (i = 0; i < n_nodes; i++) {
        L.span[2 * i] = 0x7fffffff;
        L.span[2 * i + 1] = -1;
    }
    for (s = 0; s < it->n_subgraphs; s++) { /* entry points one after another: they never run together */
        if (!it->subgraphs[s].entry) continue;
        n_entries++;
        st = walk(it, &L, &it->subgraphs[s]);
        if (st != TL_STATUS_OK) {
            it->tail = saved_tail;
            return st;
        }
    }
    end = L.clock - 1; /* the last entry's outputs step: the end of the timeline */
    for (s = 0; s < it->n_subgraphs; s++) {
        const tl_subgraph *sg = &it->subgraphs[s];
        for (i = 0; i < sg->n_tensors; i++) {
            int32_t g = sg->tensor_base + i;
            tl_plan_buffer *b = L.slot[g] >= 0 ? &L.bufs[L.slot[g]] : NULL;
            if (b == NULL) continue;
            if (sg->tensors[i].is_variable || it->preserve_all_tensors) { /* state, or kept for reading */
                b->first = 0;
                b->last = end;
            }
        }
        if (sg->entry && n_entries > 1) { /* one entry's inputs and outputs survive invoking another */
            int32_t io;
            for (io = 0; io < (int32_t)(sg->inputs.len + sg->outputs.len); io++) {
                int32_t t = io < (int32_t)sg->inputs.len ? tl_fb_vec_i32(&it->fb, sg->inputs, (uint32_t)io)
                                                        : tl_fb_vec_i32(&it->fb, sg->outputs, (uint32_t)io - sg->inputs.len);
                int32_t slot = (t >= 0 && t < sg->n_tensors) ? L.slot[sg->tensor_base + t] : -1;
                if (slot >= 0) {
                    L.bufs[slot].first = 0;
                    L.bufs[slot].last = end;
                }
            }
        }
        for (i = 0; i < sg->n_tensors; i++) {
            int32_t g = sg->tensor_base + i;
            tl_plan_buffer *b = L.slot[g] >= 0 ? &L.bufs[L.slot[g]] : NULL;
            if (b == NULL) continue;
            if (it->offline_plan) {
                int32_t off = offline_offset(it, g);
                if (off != -1) {
                    if (off < 0 || (uint32_t)off % TL_PLAN_ALIGN) {
                        it->tail = saved_tail;
                        return tl_fail(it, NULL, TL_STATUS_MODEL_UNSUPPORTED,
                                       "offline plan offset negative or not 16-aligned");
                    }
                    b->fixed = 1;
                    b->offset = (size_t)off;
                }
            }
        }
    }
    if (tl_plan_overlaps(L.bufs, L.count, 1)) {
        it->tail = saved_tail;
        return tl_fail(it, NULL, TL_STATUS_MODEL_UNSUPPORTED, "offline memory plan overlaps tensors that are live together");
    }
    first_scratch = L.count;
    for (sc = it->scratch; sc; sc = sc->next) {
        tl_plan_buffer *b = &L.bufs[L.count++];
        memset(b, 0, sizeof *b);
        b->bytes = (uint32_t)sc->bytes; /* tl_request_scratch refuses 2^31 and more */
        k = L.node_base[sc->node->subgraph] + (int32_t)(sc->node - it->subgraphs[sc->node->subgraph].nodes);
        b->first = L.span[2 * k];
        b->last = L.span[2 * k + 1];
        if (b->last < b->first) { /* not on the walk (cannot happen: prepared nodes are reachable) */
            b->first = 0;
            b->last = end;
        }
    }
    if (!it->reference_kernels && !it->no_weight_packing) { /* see TL_PLAN_LINE */
        align = TL_PLAN_LINE;
        base = (base + TL_PLAN_LINE - 1) & ~(size_t)(TL_PLAN_LINE - 1);
    }
    total = tl_plan_greedy(L.bufs, L.count, order, align);
    if (base > it->arena_bytes - saved_tail || total > it->arena_bytes - saved_tail - base) {
        char msg[128];
        /* enough at any address: the padding aligned allocations may add elsewhere, and up to 15 bytes at each end
         * of the caller's arena for its 16-byte alignment (tl_interpreter_init) */
        snprintf(msg, sizeof msg, "activations do not fit: these shapes need an arena of at least %lu bytes, it has %lu",
                 (unsigned long)(base + total + saved_tail + it->tail_slack + 30), (unsigned long)it->arena_bytes);
        it->tail = saved_tail;
        return tl_fail(it, NULL, TL_STATUS_ARENA_TOO_SMALL, msg);
    }
    for (s = 0; s < it->n_subgraphs; s++) {
        tl_subgraph *sg = &it->subgraphs[s];
        for (i = 0; i < sg->n_tensors; i++) {
            int32_t g = sg->tensor_base + i;
            if (L.slot[g] >= 0) sg->tensors[i].data = it->arena + base + L.bufs[L.slot[g]].offset;
        }
    }
    for (sc = it->scratch, k = first_scratch; sc; sc = sc->next, k++) sc->data = it->arena + base + L.bufs[k].offset;
    it->tail = saved_tail;
    it->head = base + total;
    return TL_STATUS_OK;
}
