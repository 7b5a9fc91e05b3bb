#include "resource.h"

#include <string.h>

tl_status tl_var_handle_eval(tl_interpreter *it, tl_node *node) {
    (void)it;
    (void)node;
    return TL_STATUS_OK;
}

static int32_t output_index(const tl_interpreter *it, const tl_node *node) {
    return node->outputs.len == 1 ? tl_fb_vec_i32(&it->fb, node->outputs, 0) : -1;
}

tl_status tl_resource_bind(tl_interpreter *it, const tl_node *node, int32_t index, const tl_tensor *t,
                           tl_resource_var **out) {
    const tl_subgraph *sg = node->subgraph;
    int32_t handle = index < (int32_t)node->inputs.len ? tl_fb_vec_i32(&it->fb, node->inputs, (uint32_t)index) : -1;
    tl_resource_var *v = NULL;
    int32_t i;
    *out = NULL;
    if (handle < 0 || !tl_node_input(it, node, index) || tl_node_input(it, node, index)->type != 13 /* RESOURCE */)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "input 0 must be a resource tensor (a VAR_HANDLE's output)");
    for (i = 0; i < sg->n_nodes && &sg->nodes[i] != node; i++) /* prepared before this node */
        if (sg->nodes[i].builtin == 142 && output_index(it, &sg->nodes[i]) == handle) v = sg->nodes[i].op_data;
    if (!v)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED,
                       "the resource handle must come from a VAR_HANDLE earlier in the same subgraph "
                       "(a handle passed between subgraphs is not supported)");
    if (!v->data) {
        v->type = t->type;
        v->ndim = t->ndim;
        memcpy(v->dims, t->dims, sizeof v->dims);
        v->bytes = t->bytes;
        if (tl_type_size(t->type) == 0)
            return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "resource variables of this type are not supported");
        v->data = tl_alloc_persistent(it, t->bytes ? t->bytes : 1);
        if (!v->data) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "resource variable");
    } else if (v->type != t->type || v->ndim != t->ndim || memcmp(v->dims, t->dims, sizeof v->dims) != 0) {
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED,
                       "a resource variable read or assigned with another type or shape than before "
                       "(its shape must be static)");
    }
    *out = v;
    return TL_STATUS_OK;
}
