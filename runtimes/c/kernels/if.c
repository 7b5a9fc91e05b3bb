/* IF: runs the then- or the else-subgraph, chosen by a bool.
 *
 * Input 0 is the condition (one bool); inputs 1..N are copied into the chosen subgraph's N
 * inputs, it runs, and its M outputs are copied into the node's M outputs. Both branches take
 * and return the same types and (static) shapes; LiteRT makes outputs dynamic when the
 * branches' shapes differ, which this runtime refuses at prepare. */
#include "../src/kernel_api.h"
#include "common/control_flow.h"

enum { OPT_THEN_SUBGRAPH = 0, OPT_ELSE_SUBGRAPH = 1 }; /* IfOptions */

typedef struct {
    tl_subgraph *branch[2]; /* [0]: else, [1]: then */
} if_data;

static tl_status check_branch(tl_interpreter *it, tl_node *node, const tl_subgraph *sg) {
    int32_t k, n_in = tl_node_num_inputs(node) - 1, n_out = tl_node_num_outputs(node);
    tl_status st;
    if (tl_subgraph_num_inputs(sg) != n_in || tl_subgraph_num_outputs(sg) != n_out)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID,
                       "a branch subgraph must take the node's inputs after the condition and return its outputs");
    for (k = 0; k < n_in; k++) {
        const tl_tensor *in = tl_node_input(it, node, k + 1);
        if ((st = tl_control_flow_check(it, node, in, in, "an input")) ||
            (st = tl_control_flow_check(it, node, tl_subgraph_input(it, sg, k), in, "a branch subgraph input")))
            return st;
    }
    for (k = 0; k < n_out; k++) {
        const tl_tensor *out = tl_node_output(it, node, k);
        if ((st = tl_control_flow_check(it, node, out, out, "an output")) ||
            (st = tl_control_flow_check(it, node, tl_subgraph_output(it, sg, k), out, "a branch subgraph output")))
            return st;
    }
    return TL_STATUS_OK;
}

static tl_status tl_if_eval(tl_interpreter *it, tl_node *node);

tl_status tl_if_prepare(tl_interpreter *it, tl_node *node) {
    const tl_tensor *cond = tl_node_input(it, node, 0);
    int32_t then_index, else_index;
    if_data *d;
    tl_status st;
    if (cond == NULL || cond->type != TL_TYPE_BOOL || tl_tensor_numel(cond) != 1)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "input 0 (the condition) must be one bool");
    if (!node->options.pos) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "IfOptions are missing");
    if (tl_fb_i32(&it->fb, node->options, OPT_THEN_SUBGRAPH, 0, &then_index) ||
        tl_fb_i32(&it->fb, node->options, OPT_ELSE_SUBGRAPH, 0, &else_index))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if ((st = tl_control_flow_check_outputs(it, node)) != TL_STATUS_OK) return st;
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if ((st = tl_subgraph_prepare(it, node, then_index, &d->branch[1])) != TL_STATUS_OK ||
        (st = tl_subgraph_prepare(it, node, else_index, &d->branch[0])) != TL_STATUS_OK)
        return st;
    if ((st = check_branch(it, node, d->branch[1])) != TL_STATUS_OK) return st;
    node->eval = tl_if_eval;
    return check_branch(it, node, d->branch[0]);
}

static tl_status tl_if_eval(tl_interpreter *it, tl_node *node) {
    const if_data *d = node->op_data;
    tl_subgraph *sg = d->branch[*(const uint8_t *)tl_node_input(it, node, 0)->data != 0];
    int32_t k;
    tl_status st;
    for (k = 0; k < tl_subgraph_num_inputs(sg); k++)
        tl_copy_tensor(tl_subgraph_input(it, sg, k), tl_node_input(it, node, k + 1));
    if ((st = tl_subgraph_invoke(it, sg)) != TL_STATUS_OK) return st;
    for (k = 0; k < tl_subgraph_num_outputs(sg); k++)
        tl_copy_tensor(tl_node_output(it, node, k), tl_subgraph_output(it, sg, k));
    return TL_STATUS_OK;
}
