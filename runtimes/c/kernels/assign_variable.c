/* ASSIGN_VARIABLE: copies its value (input 1) into a resource variable (common/resource.h). */
#include <string.h>

#include "../src/kernel_api.h"
#include "common/resource.h"

static tl_status tl_assign_variable_eval(tl_interpreter *it, tl_node *node) {
    tl_resource_var *v = node->op_data;
    memcpy(v->data, tl_node_input(it, node, 1)->data, v->bytes);
    *v->initialized = 1;
    return TL_STATUS_OK;
}

tl_status tl_assign_variable_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *value = tl_node_input(it, node, 1);
    tl_resource_var *v;
    tl_status st;
    if (tl_node_num_inputs(node) != 2 || tl_node_num_outputs(node) != 0 || !value)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "takes a resource handle and a value, and has no outputs");
    if ((st = tl_resource_bind(it, node, 0, value, &v)) != TL_STATUS_OK) return st;
    node->op_data = v;
    node->eval = tl_assign_variable_eval;
    return TL_STATUS_OK;
}
