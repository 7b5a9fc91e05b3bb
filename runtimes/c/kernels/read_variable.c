/* READ_VARIABLE: copies a resource variable's value (common/resource.h) into its output. Reading a
 * variable never assigned fails the invoke, as in LiteRT. */
#include <string.h>

#include "../src/kernel_api.h"
#include "common/resource.h"

static tl_status tl_read_variable_eval(tl_interpreter *it, tl_node *node) {
    const tl_resource_var *v = node->op_data;
    if (!*v->initialized) return tl_fail(it, node, TL_STATUS_INVOKE_FAILED, "the resource variable was never assigned");
    memcpy(tl_node_output(it, node, 0)->data, v->data, v->bytes);
    return TL_STATUS_OK;
}

tl_status tl_read_variable_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *out = tl_node_output(it, node, 0);
    tl_resource_var *v;
    tl_status st;
    if (tl_node_num_inputs(node) != 1 || tl_node_num_outputs(node) != 1 || !out)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "takes a resource handle and has one output");
    if ((st = tl_resource_bind(it, node, 0, out, &v)) != TL_STATUS_OK) return st;
    node->op_data = v;
    node->eval = tl_read_variable_eval;
    return TL_STATUS_OK;
}
