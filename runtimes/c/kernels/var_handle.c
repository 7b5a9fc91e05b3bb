/* VAR_HANDLE: names a resource variable (common/resource.h). Its VAR_HANDLEs of one (container,
 * shared_name) share one variable, across subgraphs (the converter writes one in the CALL_ONCE
 * initializer and one where the variable is used). */
#include <string.h>

#include "../src/kernel_api.h"
#include "common/resource.h"

enum { OPT_CONTAINER = 0, OPT_SHARED_NAME = 1 };

static int same(const char *a, const char *b) {
    return strcmp(a ? a : "", b ? b : "") == 0;
}

tl_status tl_var_handle_prepare(tl_interpreter *it, tl_node *node) {
    const char *container = NULL, *name = NULL;
    tl_tensor *out = tl_node_output(it, node, 0);
    tl_resource_var *v = NULL;
    int32_t s, i;
    if (tl_node_num_inputs(node) != 0 || tl_node_num_outputs(node) != 1 || !out)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "takes no inputs and has one output");
    if (out->type != 13) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "output must be a RESOURCE tensor");
    if (tl_fb_string_field(&it->fb, node->options, OPT_CONTAINER, &container) != TL_STATUS_OK ||
        tl_fb_string_field(&it->fb, node->options, OPT_SHARED_NAME, &name) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    /* the variable of an already prepared VAR_HANDLE of that name (prepared in this allocation: its subgraph
     * is being or has been prepared, and its eval is set) */
    for (s = 0; s < it->n_subgraphs && !v; s++) {
        const tl_subgraph *sg = &it->subgraphs[s];
        if (sg->state == 0) continue;
        for (i = 0; i < sg->n_nodes && !v; i++) {
            const tl_node *other = &sg->nodes[i];
            const tl_resource_var *ov = other->op_data;
            if (other != node && other->builtin == 142 && other->eval == tl_var_handle_eval && ov &&
                same(ov->container, container) && same(ov->name, name))
                v = other->op_data;
        }
    }
    if (!v) {
        v = tl_alloc_persistent(it, sizeof *v);
        if (!v) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
        v->container = container;
        v->name = name;
    }
    node->op_data = v;
    node->eval = tl_var_handle_eval;
    return TL_STATUS_OK;
}
