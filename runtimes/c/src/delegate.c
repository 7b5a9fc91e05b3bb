/* Delegates (include/tensorlite_delegate.h): after every kernel is prepared and memory planned,
 * the interpreter's delegate claims nodes of subgraph 0, each run of consecutive claimed nodes
 * becomes a partition with its boundary tensors, and the run's first node is rewired to call the
 * delegate while the others do nothing. Records and boundary lists live in the arena's tail. */
#include <stdio.h>
#include <string.h>

#include "kernel_api.h"
#include "tensorlite_delegate.h"

struct tl_partition_rec {
    tl_delegate_partition pub;
    tl_delegate *delegate;
    void *state;
};

static tl_status run_partition(tl_interpreter *it, tl_node *node) {
    struct tl_partition_rec *r = node->op_data;
    char msg[128] = "";
    tl_status st = r->delegate->invoke(r->delegate, it, &r->pub, r->state, msg, sizeof msg);
    if (st != TL_STATUS_OK) {
        char detail[160];
        snprintf(detail, sizeof detail, "%.16s delegate: %.120s", r->delegate->name, msg[0] ? msg : "invoke failed");
        return tl_fail(it, node, st, detail);
    }
    return TL_STATUS_OK;
}

static tl_status inside_partition(tl_interpreter *it, tl_node *node) { /* the first node ran the whole run */
    (void)it;
    (void)node;
    return TL_STATUS_OK;
}

tl_status tl_interpreter_set_delegate(tl_interpreter *it, tl_delegate *delegate) {
    if (it == NULL || it->broken || (delegate && (!delegate->claim || !delegate->prepare || !delegate->invoke)))
        return TL_STATUS_BAD_ARGUMENT;
    if (it->allocated) return tl_fail(it, NULL, TL_STATUS_BAD_ARGUMENT, "options must be set before allocate_tensors");
    it->delegate = delegate;
    return TL_STATUS_OK;
}

static int contains(const int32_t *list, int32_t n, int32_t value) {
    int32_t i;
    for (i = 0; i < n; i++)
        if (list[i] == value) return 1;
    return 0;
}

static int written_in(tl_interpreter *it, const tl_subgraph *sg, int32_t first, int32_t last, int32_t tensor) {
    int32_t i, k;
    for (i = first; i < last; i++)
        for (k = 0; k < (int32_t)sg->nodes[i].outputs.len; k++)
            if (tl_fb_vec_i32(&it->fb, sg->nodes[i].outputs, (uint32_t)k) == tensor) return 1;
    return 0;
}

static int read_outside(tl_interpreter *it, const tl_subgraph *sg, int32_t first, int32_t last, int32_t tensor) {
    int32_t i, k;
    for (k = 0; k < (int32_t)sg->outputs.len; k++)
        if (tl_fb_vec_i32(&it->fb, sg->outputs, (uint32_t)k) == tensor) return 1;
    for (i = 0; i < sg->n_nodes; i++)
        if (i < first || i >= last)
            for (k = 0; k < (int32_t)sg->nodes[i].inputs.len; k++)
                if (tl_fb_vec_i32(&it->fb, sg->nodes[i].inputs, (uint32_t)k) == tensor) return 1;
    return 0;
}

/* The boundary of nodes [first, last): lists sized by the run's input and output counts. */
static tl_status make_boundary(tl_interpreter *it, const tl_subgraph *sg, struct tl_partition_rec *r) {
    int32_t first = r->pub.first_node, last = first + r->pub.n_nodes, i, k, n_in = 0, n_out = 0;
    int32_t *ins, *outs;
    for (i = first; i < last; i++) {
        n_in += (int32_t)sg->nodes[i].inputs.len;
        n_out += (int32_t)sg->nodes[i].outputs.len;
    }
    ins = tl_alloc_persistent(it, sizeof(int32_t) * (size_t)(n_in + 1));
    outs = tl_alloc_persistent(it, sizeof(int32_t) * (size_t)(n_out + 1));
    if (!ins || !outs) return tl_fail(it, NULL, TL_STATUS_ARENA_TOO_SMALL, "delegate partitions");
    r->pub.n_inputs = r->pub.n_outputs = 0;
    for (i = first; i < last; i++) {
        const tl_node *node = &sg->nodes[i];
        for (k = 0; k < (int32_t)node->inputs.len; k++) {
            int32_t t = tl_fb_vec_i32(&it->fb, node->inputs, (uint32_t)k);
            const tl_tensor *tensor = tl_subgraph_tensor(sg, t);
            if (tensor == NULL || tensor->is_constant || contains(ins, r->pub.n_inputs, t) ||
                written_in(it, sg, first, i, t))
                continue;
            ins[r->pub.n_inputs++] = t;
        }
        for (k = 0; k < (int32_t)node->outputs.len; k++) {
            int32_t t = tl_fb_vec_i32(&it->fb, node->outputs, (uint32_t)k);
            if (t >= 0 && !contains(outs, r->pub.n_outputs, t) && read_outside(it, sg, first, last, t))
                outs[r->pub.n_outputs++] = t;
        }
    }
    r->pub.inputs = ins;
    r->pub.outputs = outs;
    return TL_STATUS_OK;
}

/* A delegated node's op data is its partition's now: its kernel's reset must no longer run. */
static void drop_reset(tl_interpreter *it, const tl_node *node) {
    tl_reset_link **r = &it->resets;
    while (*r)
        if ((*r)->node == node) *r = (*r)->next;
        else r = &(*r)->next;
}

tl_status tl_delegate_apply(tl_interpreter *it) {
    tl_subgraph *sg = &it->subgraphs[0];
    tl_delegate *d = it->delegate;
    struct tl_partition_rec *recs;
    int32_t i, n_runs = 0, run;
    char why[8];
    if (d == NULL) return TL_STATUS_OK;
    /* a claimed node is marked by eval = NULL until its partition is prepared and it is rewired */
    for (i = 0; i < sg->n_nodes; i++) /* nodes shaped at invoke stay on the CPU (dynamic.c) */
        if (!sg->nodes[i].dynamic && d->claim(d, it, i, why, sizeof why)) {
            if (i == 0 || sg->nodes[i - 1].eval != NULL) n_runs++;
            sg->nodes[i].eval = NULL;
        }
    if (n_runs == 0) return TL_STATUS_OK;
    recs = tl_alloc_persistent(it, sizeof(struct tl_partition_rec) * (size_t)n_runs);
    if (recs == NULL) return tl_fail(it, NULL, TL_STATUS_ARENA_TOO_SMALL, "delegate partitions");
    for (i = 0, run = 0; i < sg->n_nodes; i++) {
        struct tl_partition_rec *r = &recs[run];
        char msg[128] = "";
        tl_status st;
        int32_t k;
        if (sg->nodes[i].eval != NULL) continue;
        r->pub.index = run;
        r->pub.first_node = i;
        while (i < sg->n_nodes && sg->nodes[i].eval == NULL) i++;
        r->pub.n_nodes = i - r->pub.first_node;
        r->delegate = d;
        st = make_boundary(it, sg, r);
        if (st == TL_STATUS_OK) st = d->prepare(d, it, &r->pub, &r->state, msg, sizeof msg);
        if (st != TL_STATUS_OK) {
            if (it->error[0] == 0) {
                char detail[160];
                snprintf(detail, sizeof detail, "%.16s delegate, nodes %ld..%ld: %.100s", d->name, (long)r->pub.first_node,
                         (long)(i - 1), msg[0] ? msg : "prepare failed");
                tl_fail(it, NULL, st, detail);
            }
            return st;
        }
        for (k = r->pub.first_node; k < i; k++) {
            sg->nodes[k].eval = k == r->pub.first_node ? run_partition : inside_partition;
            sg->nodes[k].op_data = r;
            drop_reset(it, &sg->nodes[k]);
        }
        run++;
    }
    return TL_STATUS_OK;
}

static const struct tl_partition_rec *partition_of(const tl_interpreter *it, int32_t node) {
    const tl_node *n;
    if (it == NULL || it->broken || !it->allocated || node < 0 || node >= it->subgraphs[0].n_nodes) return NULL;
    n = &it->subgraphs[0].nodes[node];
    return (n->eval == run_partition || n->eval == inside_partition) ? n->op_data : NULL;
}

/* Partitions are found through their first nodes (the interpreter keeps no list: its struct stays small). */
int32_t tl_interpreter_get_partition_count(const tl_interpreter *it) {
    int32_t i, n = 0;
    if (it == NULL || it->broken || !it->allocated) return 0;
    for (i = 0; i < it->subgraphs[0].n_nodes; i++) n += it->subgraphs[0].nodes[i].eval == run_partition;
    return n;
}

int32_t tl_interpreter_get_node_partition(const tl_interpreter *it, int32_t node) {
    const struct tl_partition_rec *r = partition_of(it, node);
    return r ? r->pub.index : -1;
}

const tl_delegate_partition *tl_interpreter_get_partition(const tl_interpreter *it, int32_t partition) {
    int32_t i;
    if (partition < 0 || partition >= tl_interpreter_get_partition_count(it)) return NULL;
    for (i = 0; i < it->subgraphs[0].n_nodes; i++) {
        const tl_node *n = &it->subgraphs[0].nodes[i];
        if (n->eval == run_partition && ((const struct tl_partition_rec *)n->op_data)->pub.index == partition)
            return &((const struct tl_partition_rec *)n->op_data)->pub;
    }
    return NULL;
}

int tl_interpreter_explain_node(tl_interpreter *it, int32_t node, char *why, size_t why_size) {
    if (why && why_size) why[0] = 0;
    if (it == NULL || it->broken || it->delegate == NULL || node < 0 || node >= it->subgraphs[0].n_nodes || !why ||
        why_size == 0)
        return -1;
    return it->delegate->claim(it->delegate, it, node, why, why_size) ? 1 : 0;
}
