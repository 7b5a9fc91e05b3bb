/* Tensors whose shape depends on values, read by other ops (LiteRT makes them dynamic tensors and
 * re-prepares their readers at invoke, allocating as it goes). Memory here is planned once, before
 * invoke, so such a tensor (WHERE's coordinates, UNIQUE's values) is planned at its upper bound,
 * and each node downstream of it is prepared at the shapes its shape rule (shape_rules.c) gives from
 * those bounds: the planner places every downstream tensor at its largest size. At invoke, before
 * such a node's eval, its shape rule runs again on the real shapes and its kernel is prepared again,
 * inside the op data and the scratch buffers its first prepare was given; an output, op data or
 * scratch that would outgrow what was planned fails the invoke with a message saying so.
 * Nothing is allocated after allocate_tensors. */
#include <stdio.h>
#include <string.h>

#include "kernel_api.h"

#define MAX_SCRATCH 4 /* scratch buffers one re-prepared kernel may ask for (the kernels ask for 1 or 2) */

typedef struct tl_dynamic_node {
    tl_node_note note;       /* in it->notes, callee -1 */
    tl_prepare_fn prepare;
    size_t tail_lo, tail_hi; /* it->tail before and after the first prepare: its op data lies between */
    int32_t n_scratch, next_scratch;
    tl_scratch scratch[MAX_SCRATCH]; /* planned buffers, in the order the first prepare asked for them */
    uint32_t capacity[];     /* planned bytes of each output (n_outputs of them) */
} tl_dynamic_node;

#define TRY(expr)                                  \
    do {                                           \
        tl_status st_ = (expr);                    \
        if (st_ != TL_STATUS_OK) return st_;       \
    } while (0)

/* The record of a TL_NODE_RESHAPED node (there is one). */
static tl_dynamic_node *record(const tl_interpreter *it, const tl_node *node) {
    tl_node_note *n = it->notes;
    while (n->node != node || n->callee >= 0) n = n->next;
    return (tl_dynamic_node *)(void *)n;
}

/* The first input of `node` that an earlier node of its subgraph shapes at invoke, or NULL. */
static const tl_tensor *dynamic_input(tl_interpreter *it, const tl_node *node) {
    const tl_subgraph *sg = tl_node_subgraph(it, node);
    uint32_t i, k;
    int32_t n;
    for (i = 0; i < node->inputs.len; i++) {
        int32_t t = tl_fb_vec_i32(&it->fb, node->inputs, i);
        for (n = 0; t >= 0 && &sg->nodes[n] < node; n++)
            if (sg->nodes[n].dynamic)
                for (k = 0; k < sg->nodes[n].outputs.len; k++)
                    if (tl_fb_vec_i32(&it->fb, sg->nodes[n].outputs, k) == t) return tl_subgraph_tensor(sg, t);
    }
    return NULL;
}

tl_status tl_dynamic_prepare(tl_interpreter *it, tl_node *node, tl_prepare_fn prepare) {
    const tl_tensor *in = dynamic_input(it, node);
    tl_dynamic_node *d;
    char msg[192];
    int has_rule;
    int32_t k, n_out = tl_node_num_outputs(node);
    if (in == NULL) return prepare(it, node);
    if (node->builtin == 149) /* MULTINOMIAL: its draws per invoke follow LiteRT's only at a fixed batch */
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED,
                       "a random op reading a tensor whose shape depends on values (its stream would not follow "
                       "LiteRT's as the batch changes)");
    for (k = 0; k < n_out; k++) { /* shapes set again at invoke: their storage now, below the record */
        tl_tensor *t = tl_node_output(it, node, k);
        if (t && tl_tensor_own_dims(it, t) != TL_STATUS_OK)
            return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "an output's shape, set again at invoke");
    }
    d = tl_alloc_persistent(it, sizeof *d + sizeof(uint32_t) * (size_t)n_out);
    if (d == NULL) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "the record of a node re-prepared at invoke");
    d->note.node = node;
    d->note.callee = -1;
    d->note.next = it->notes;
    it->notes = &d->note;
    TRY(tl_shape_rule(it, node, &has_rule));
    if (!has_rule) {
        snprintf(msg, sizeof msg,
                 "reads '%.60s', whose shape depends on values (set at invoke), and this operator has no shape rule "
                 "to follow it", tl_tensor_name(it, in) ? tl_tensor_name(it, in) : "?");
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, msg);
    }
    d->prepare = prepare;
    d->tail_lo = it->tail;
    TRY(prepare(it, node));
    d->tail_hi = it->tail;
    node->dynamic |= TL_NODE_RESHAPED;
    if (tl_node_callees(it, node, NULL))
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED,
                       "control flow reading a tensor whose shape depends on values (set at invoke)");
    for (k = 0; k < n_out; k++) {
        const tl_tensor *t = tl_node_output(it, node, k);
        d->capacity[k] = t ? t->bytes : 0;
    }
    return TL_STATUS_OK;
}

tl_status tl_dynamic_after_plan(tl_interpreter *it) {
    int32_t s, i, n, k;
    for (s = 0; s < it->n_subgraphs; s++)
        for (i = 0; i < it->subgraphs[s].n_nodes; i++) {
            const tl_node *node = &it->subgraphs[s].nodes[i];
            tl_dynamic_node *d;
            const tl_scratch *sc;
            if (it->subgraphs[s].state != 2 || !(node->dynamic & TL_NODE_RESHAPED)) continue;
            d = record(it, node);
            for (n = 0, sc = it->scratch; sc; sc = sc->next) n += sc->node == node;
            if (n > MAX_SCRATCH)
                return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED,
                               "prepared again at invoke (it reads a tensor shaped by values), but asks for more "
                               "scratch buffers than such a node may");
            d->n_scratch = n;
            for (sc = it->scratch, k = n - 1; sc; sc = sc->next) /* the list is newest first */
                if (sc->node == node) {
                    d->scratch[k] = *sc;
                    d->scratch[k].next = NULL;
                    k--;
                }
        }
    return TL_STATUS_OK;
}

tl_scratch *tl_dynamic_scratch(tl_interpreter *it, const tl_node *node, size_t bytes) {
    tl_dynamic_node *d = record(it, node);
    if (d->next_scratch >= d->n_scratch || bytes > d->scratch[d->next_scratch].bytes) return NULL;
    return &d->scratch[d->next_scratch++];
}

tl_status tl_dynamic_reprepare(tl_interpreter *it, tl_node *node) {
    tl_dynamic_node *d = record(it, node);
    size_t tail = it->tail, head = it->head;
    char msg[192];
    int has_rule;
    int32_t k;
    tl_status st;
    TRY(tl_shape_rule(it, node, &has_rule));
    for (k = 0; k < tl_node_num_outputs(node); k++) {
        const tl_tensor *t = tl_node_output(it, node, k);
        if (t && t->bytes > d->capacity[k]) {
            snprintf(msg, sizeof msg,
                     "output '%.32s' needs %lu bytes at this invoke, more than the %lu planned at the upper bound "
                     "of the value-shaped tensors it reads", tl_tensor_name(it, t) ? tl_tensor_name(it, t) : "?",
                     (unsigned long)t->bytes, (unsigned long)d->capacity[k]);
            return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, msg);
        }
    }
    /* the prepare's op data goes where the first one's went, and the head stands at that range's low end: a
     * prepare wanting more than it had finds the arena full */
    it->tail = d->tail_lo;
    it->head = it->arena_bytes - d->tail_hi;
    d->next_scratch = 0;
    st = d->prepare(it, node);
    it->tail = tail;
    it->head = head;
    if (st == TL_STATUS_ARENA_TOO_SMALL)
        return tl_fail(it, node, st,
                       "prepared again at invoke for the shapes the value-shaped tensors it reads have now, it needs "
                       "more op data or scratch than at their upper bound");
    return st;
}
