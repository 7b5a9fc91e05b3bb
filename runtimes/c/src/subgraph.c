/* Subgraphs: preparing and running them. Subgraph 0 is the model's entry point; the others run
 * when a control flow kernel (WHILE, IF) calls them. A subgraph is prepared the first
 * time a caller's prepare asks for it (tl_subgraph_prepare), so subgraphs nobody calls cost
 * nothing but their tables. A subgraph a SignatureDef names is an entry point too: prepared at
 * allocation and invoked directly (tl_interpreter_invoke_subgraph). Calls form a graph that must be acyclic (TFLite has no recursion:
 * a call back into a subgraph being prepared is refused) and at most TL_MAX_SUBGRAPH_DEPTH
 * deep, which bounds the C stack of prepare, of the planner's walk and of eval. */
#include "kernel_api.h"

#define BUILTIN_CUSTOM 32

enum { UNPREPARED = 0, PREPARING = 1, PREPARED = 2 };

tl_tensor *tl_subgraph_tensor(const tl_subgraph *sg, int32_t index) {
    return (index >= 0 && index < sg->n_tensors) ? &sg->tensors[index] : NULL;
}

int32_t tl_subgraph_num_inputs(const tl_subgraph *sg) { return (int32_t)sg->inputs.len; }
int32_t tl_subgraph_num_outputs(const tl_subgraph *sg) { return (int32_t)sg->outputs.len; }

tl_tensor *tl_subgraph_input(tl_interpreter *it, const tl_subgraph *sg, int32_t i) {
    if (i < 0 || (uint32_t)i >= sg->inputs.len) return NULL;
    return tl_subgraph_tensor(sg, tl_fb_vec_i32(&it->fb, sg->inputs, (uint32_t)i));
}

tl_tensor *tl_subgraph_output(tl_interpreter *it, const tl_subgraph *sg, int32_t i) {
    if (i < 0 || (uint32_t)i >= sg->outputs.len) return NULL;
    return tl_subgraph_tensor(sg, tl_fb_vec_i32(&it->fb, sg->outputs, (uint32_t)i));
}

static int allowed(const tl_interpreter *it, int32_t builtin) {
    int32_t i;
    if (it->allowed == NULL) return 1;
    for (i = 0; i < it->n_allowed; i++)
        if (it->allowed[i] == builtin) return 1;
    return 0;
}

/* The node's kernel (NULL: none, or the resolver leaves it out); CUSTOM operators by custom code
 * (a resolver lets them through when it lists code 32). */
static tl_prepare_fn kernel_of(const tl_interpreter *it, const tl_node *node, tl_prepare_fn *found) {
    tl_prepare_fn k;
    if (node->builtin == BUILTIN_CUSTOM && tl_find_registered_custom(it, tl_node_custom_name(it, node))) { /* custom.c */
        if (found) *found = tl_registered_custom_prepare;
        return tl_registered_custom_prepare;
    }
    k = node->builtin == BUILTIN_CUSTOM ? tl_find_custom_kernel(tl_node_custom_name(it, node)) : tl_find_kernel(node->builtin);
    if (found) *found = k;
    return allowed(it, node->builtin) ? k : NULL;
}

/* Finds every node's kernel, then prepares them in order. */
static tl_status prepare_nodes(tl_interpreter *it, tl_subgraph *sg) {
    int32_t i, dynamic = 0; /* whether an earlier node's outputs are shaped at invoke: only then look for readers */
    for (i = 0; i < sg->n_nodes; i++) {
        tl_node *node = &sg->nodes[i];
        tl_prepare_fn k;
        node->eval = NULL;
        node->dynamic = 0;
        if (kernel_of(it, node, &k) == NULL)
            return tl_fail(it, node, TL_STATUS_OP_UNSUPPORTED,
                           k ? "not in the op resolver" :
                           node->builtin == BUILTIN_CUSTOM ? "no kernel for this custom operator" : "no kernel for this builtin");
    }
    for (i = 0; i < sg->n_nodes; i++) {
        tl_node *node = &sg->nodes[i];
        tl_status st = it->resized ? tl_node_infer_shapes(it, node) : TL_STATUS_OK; /* resize.c */
        if (st == TL_STATUS_OK)
            st = dynamic ? tl_dynamic_prepare(it, node, kernel_of(it, node, NULL)) /* dynamic.c */
                         : kernel_of(it, node, NULL)(it, node);
        if (st != TL_STATUS_OK) {
            if (it->error[0] == 0) tl_fail(it, node, st, "prepare");
            return st;
        }
        if (node->eval == NULL) /* a kernel bug, refused here rather than called */
            return tl_fail(it, node, TL_STATUS_OP_UNSUPPORTED, "prepare chose no eval for these types");
        dynamic |= node->dynamic;
        /* a node reading a value-shaped tensor (SHAPE of it) computes at invoke, from the shapes then */
        if (it->resized && !node->dynamic && (st = tl_node_fold(it, node)) != TL_STATUS_OK) return st;
    }
    return TL_STATUS_OK;
}

/* Prepares an entry subgraph (and what it calls) unless a caller already did. */
static tl_status prepare_entry(tl_interpreter *it, tl_subgraph *sg) {
    tl_status st;
    sg->entry = 1;
    if (sg->state != UNPREPARED) return TL_STATUS_OK;
    it->prepare_depth = 0;
    sg->state = PREPARING;
    sg->height = 1;
    st = prepare_nodes(it, sg);
    sg->state = PREPARED;
    return st;
}

tl_status tl_interpreter_prepare_all(tl_interpreter *it) {
    int32_t s, n = tl_interpreter_get_signature_count(it);
    for (s = 0; s < it->n_subgraphs; s++) { /* a fresh start, also after a failed allocation */
        it->subgraphs[s].state = UNPREPARED;
        it->subgraphs[s].entry = 0;
    }
    it->scratch = NULL; /* these lay in the tail given back */
    it->notes = NULL;
    for (s = -1; s < n; s++) { /* subgraph 0, then each signature's */
        int32_t index = s < 0 ? 0 : tl_interpreter_get_signature_subgraph(it, s);
        if (index >= 0) {
            tl_status st = prepare_entry(it, &it->subgraphs[index]);
            if (st != TL_STATUS_OK) return st;
        }
    }
    return TL_STATUS_OK;
}

tl_status tl_subgraph_prepare(tl_interpreter *it, tl_node *node, int32_t index, tl_subgraph **out) {
    tl_subgraph *sg, *caller = tl_node_subgraph(it, node);
    tl_node_note *call;
    int32_t i;
    *out = NULL;
    if (index < 0 || index >= it->n_subgraphs)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "subgraph index out of range");
    if (tl_node_callees(it, node, NULL) >= TL_MAX_CALLEES)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "calls more subgraphs than a node may");
    sg = &it->subgraphs[index];
    if (sg->state == PREPARING)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED,
                       "calls a subgraph that is already running (recursion is not supported, as in TFLite)");
    for (i = 0; i < (int32_t)sg->inputs.len; i++) /* the caller writes them: never into the model's bytes */
        if (tl_subgraph_input(it, sg, i)->is_constant)
            return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "a called subgraph's input is a constant tensor");
    if (sg->state == UNPREPARED) {
        tl_status st;
        if (it->prepare_depth + 2 > TL_MAX_SUBGRAPH_DEPTH)
            return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "subgraph calls nest more than 16 deep");
        sg->state = PREPARING;
        sg->height = 1;
        it->prepare_depth++;
        st = prepare_nodes(it, sg);
        it->prepare_depth--;
        sg->state = PREPARED;
        if (st != TL_STATUS_OK) return st;
    }
    if (sg->height + 1 > caller->height) caller->height = (uint8_t)(sg->height + 1); /* below 18: checked below */
    if (caller->height > TL_MAX_SUBGRAPH_DEPTH)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "subgraph calls nest more than 16 deep");
    if ((call = tl_alloc_persistent(it, sizeof *call)) == NULL)
        return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "the record of a called subgraph");
    call->node = node;
    call->callee = index;
    call->next = it->notes;
    it->notes = call;
    *out = sg;
    return TL_STATUS_OK;
}

int32_t tl_node_callees(const tl_interpreter *it, const tl_node *node, int32_t *callees) {
    const tl_node_note *c;
    int32_t n = 0, k;
    for (c = it->notes; c; c = c->next) n += c->node == node && c->callee >= 0;
    if (callees)
        for (c = it->notes, k = n; c; c = c->next) /* newest first: the last asked for goes last */
            if (c->node == node && c->callee >= 0) callees[--k] = c->callee;
    return n;
}

tl_status tl_subgraph_invoke(tl_interpreter *it, tl_subgraph *sg) {
    int32_t i;
    for (i = 0; i < sg->n_nodes; i++) {
        tl_node *node = &sg->nodes[i];
        tl_status st;
        if (it->node_hook) it->node_hook(it->node_hook_user, tl_subgraph_index(it, sg), i, 0);
        st = (node->dynamic & TL_NODE_RESHAPED) ? tl_dynamic_reprepare(it, node) : TL_STATUS_OK; /* dynamic.c */
        if (st == TL_STATUS_OK) st = node->eval(it, node);
        if (it->node_hook) it->node_hook(it->node_hook_user, tl_subgraph_index(it, sg), i, 1);
        if (st != TL_STATUS_OK) {
            if (it->error[0] == 0) tl_fail(it, node, st, "eval");
            return st;
        }
    }
    return TL_STATUS_OK;
}
