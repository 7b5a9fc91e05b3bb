/* STABLEHLO_COMPOSITE: a named group of ops carried with its decomposition, a subgraph that computes
 * it. As LiteRT's reference kernel, the decomposition runs like a call: the node's N inputs are copied
 * into the subgraph's N inputs, it runs, and its M outputs are copied into the node's M outputs. The
 * name, version and attributes only tell a backend what the group is; they change nothing here. */
#include "../src/kernel_api.h"
#include "common/control_flow.h"

enum { OPT_NAME = 0, OPT_DECOMPOSITION = 1 }; /* StableHLOCompositeOptions */

static tl_status tl_stablehlo_composite_eval(tl_interpreter *it, tl_node *node) {
    tl_subgraph *sg = node->op_data;
    int32_t k;
    tl_status st;
    for (k = 0; k < tl_subgraph_num_inputs(sg); k++)
        tl_copy_tensor(tl_subgraph_input(it, sg, k), tl_node_input(it, node, k));
    if ((st = tl_subgraph_invoke(it, sg)) != TL_STATUS_OK) return st;
    for (k = 0; k < tl_subgraph_num_outputs(sg); k++)
        tl_copy_tensor(tl_node_output(it, node, k), tl_subgraph_output(it, sg, k));
    return TL_STATUS_OK;
}

tl_status tl_stablehlo_composite_prepare(tl_interpreter *it, tl_node *node) {
    int32_t index, k, n_in = tl_node_num_inputs(node), n_out = tl_node_num_outputs(node);
    tl_subgraph *sg;
    tl_status st;
    if (tl_fb_i32(&it->fb, node->options, OPT_DECOMPOSITION, -1, &index))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (index < 0)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID,
                       "StableHLOCompositeOptions.decomposition_subgraph_index is missing");
    if ((st = tl_control_flow_check_outputs(it, node)) != TL_STATUS_OK) return st;
    if ((st = tl_subgraph_prepare(it, node, index, &sg)) != TL_STATUS_OK) return st;
    if (tl_subgraph_num_inputs(sg) != n_in || tl_subgraph_num_outputs(sg) != n_out)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID,
                       "the decomposition subgraph must take the node's inputs and return its outputs");
    for (k = 0; it->resized && k < n_out; k++) { /* resized: the shapes the decomposition's rules gave (shape_rules.c) */
        const tl_tensor *o = tl_subgraph_output(it, sg, k);
        if (o && tl_node_output(it, node, k) && tl_tensor_set_dims(it, tl_node_output(it, node, k), o->dims, o->ndim))
            return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "resize: an output would hold 2^31 bytes or more");
    }
    for (k = 0; k < n_in; k++) {
        const tl_tensor *in = tl_node_input(it, node, k);
        if ((st = tl_control_flow_check(it, node, in, in, "an input")) ||
            (st = tl_control_flow_check(it, node, tl_subgraph_input(it, sg, k), in, "a decomposition input")))
            return st;
    }
    for (k = 0; k < n_out; k++) {
        const tl_tensor *out = tl_node_output(it, node, k);
        if ((st = tl_control_flow_check(it, node, out, out, "an output")) ||
            (st = tl_control_flow_check(it, node, tl_subgraph_output(it, sg, k), out, "a decomposition output")))
            return st;
    }
    node->op_data = sg;
    node->eval = tl_stablehlo_composite_eval;
    return TL_STATUS_OK;
}
