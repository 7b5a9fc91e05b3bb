#include "resource.h"

#include <stdint.h>
#include <string.h>

tl_status tl_var_handle_eval(tl_interpreter *it, tl_node *node) {
    (void)it;
    (void)node;
    return TL_STATUS_OK;
}

static int32_t output_index(const tl_interpreter *it, const tl_node *node) {
    return node->outputs.len == 1 ? tl_fb_vec_i32(&it->fb, node->outputs, 0) : -1;
}

/* A distinct address that stands for "callers disagree"; never written (const: the runtime has no writable
 * statics), so the const may be dropped for the comparisons below. */
static const tl_resource_var ambiguous_marker = {0};
#define AMBIGUOUS ((tl_resource_var *)(uintptr_t)&ambiguous_marker)

/* The variable behind tensor `handle` of subgraph `sg` as seen by node `user` (NULL: any node): the VAR_HANDLE
 * before `user` that produces it, or, when it is an input of the subgraph, what every IF or WHILE calling the
 * subgraph passes there (resolved the same way in the caller's subgraph). NULL: none; AMBIGUOUS: callers
 * disagree. Only nodes prepared in this allocation are read (their eval is set). */
static tl_resource_var *resolve(tl_interpreter *it, const tl_subgraph *sg, int32_t handle, const tl_node *user,
                                int32_t depth) {
    tl_resource_var *found = NULL;
    int32_t i, s, k;
    for (i = 0; i < sg->n_nodes && &sg->nodes[i] != user; i++)
        if (sg->nodes[i].builtin == 142 && sg->nodes[i].eval == tl_var_handle_eval &&
            output_index(it, &sg->nodes[i]) == handle)
            found = sg->nodes[i].op_data;
    if (found || depth >= TL_MAX_SUBGRAPH_DEPTH) return found;
    for (k = 0; k < (int32_t)sg->inputs.len; k++) /* the subgraph input it is, if any */
        if (tl_fb_vec_i32(&it->fb, sg->inputs, (uint32_t)k) == handle) break;
    if (k == (int32_t)sg->inputs.len) return NULL;
    for (s = 0; s < it->n_subgraphs; s++) {
        const tl_subgraph *caller = &it->subgraphs[s];
        if (caller->state == 0) continue; /* not prepared in this allocation */
        for (i = 0; i < caller->n_nodes; i++) {
            const tl_node *n = &caller->nodes[i];
            int32_t a = -1, b = -1, pos, passed;
            tl_resource_var *v;
            if (n->builtin != 118 && n->builtin != 119) continue; /* IF, WHILE: options 0 and 1 name subgraphs */
            if (tl_fb_i32(&it->fb, n->options, 0, -1, &a) != TL_STATUS_OK ||
                tl_fb_i32(&it->fb, n->options, 1, -1, &b) != TL_STATUS_OK || (a != tl_subgraph_index(it, sg) && b != tl_subgraph_index(it, sg)))
                continue;
            pos = n->builtin == 118 ? k + 1 : k; /* IF's input 0 is its condition */
            if (pos >= (int32_t)n->inputs.len) continue;
            passed = tl_fb_vec_i32(&it->fb, n->inputs, (uint32_t)pos);
            v = resolve(it, caller, passed, n, depth + 1);
            if (!v) continue;
            if (v == AMBIGUOUS || (found && found != v)) return AMBIGUOUS;
            found = v;
        }
    }
    return found;
}

tl_status tl_resource_bind(tl_interpreter *it, const tl_node *node, int32_t index, const tl_tensor *t,
                           tl_resource_var **out) {
    const tl_subgraph *sg = tl_node_subgraph(it, node);
    int32_t handle = index < (int32_t)node->inputs.len ? tl_fb_vec_i32(&it->fb, node->inputs, (uint32_t)index) : -1;
    tl_resource_var *v;
    *out = NULL;
    if (handle < 0 || !tl_node_input(it, node, index) || tl_node_input(it, node, index)->type != 13 /* RESOURCE */)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "input 0 must be a resource tensor (a VAR_HANDLE's output)");
    v = resolve(it, sg, handle, node, 0);
    if (v == AMBIGUOUS)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "the subgraph is called with handles of different resource variables");
    if (!v)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED,
                       "the resource handle must come from a VAR_HANDLE earlier in the same subgraph, or be passed in "
                       "by the IF or WHILE that calls it");
    if (!v->data) {
        v->type = t->type;
        v->ndim = t->ndim;
        memset(v->dims, 0, sizeof v->dims);
        memcpy(v->dims, t->dims, sizeof(int32_t) * t->ndim);
        v->bytes = t->bytes;
        if (tl_type_size(t->type) == 0)
            return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "resource variables of this type are not supported");
        int fresh; /* keyed by the first node binding it: the same node in the next allocation */
        v->data = tl_alloc_state(it, tl_state_key(it, node), (size_t)t->bytes + 1, &fresh);
        if (!v->data) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "resource variable");
        v->initialized = (uint8_t *)v->data + t->bytes;
    } else if (v->type != t->type || v->ndim != t->ndim || memcmp(v->dims, t->dims, sizeof(int32_t) * t->ndim) != 0) {
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED,
                       "a resource variable read or assigned with another type or shape than before "
                       "(its shape must be static)");
    }
    *out = v;
    return TL_STATUS_OK;
}
