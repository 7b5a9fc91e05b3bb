/* WHILE: runs `body` while `cond` says true, over loop values carried by the node.
 *
 * Inputs and outputs: N loop values (output k is input k's final value). The cond subgraph
 * takes the N values and returns one bool; the body takes them and returns their next values.
 * Eval: outputs = inputs; then repeat: copy the outputs into cond's inputs and run it; stop when
 * it gives false; copy the outputs into body's inputs, run it, copy its outputs back. The node's
 * outputs hold the values between runs, so cond's and body's tensors may share memory (see
 * src/planner.c). As in LiteRT a loop may run forever; tl_interpreter_set_max_while_iterations
 * sets a watchdog. Shapes are static: every value keeps its type and shape through the loop
 * (LiteRT would make a changing one dynamic, which this runtime refuses at prepare). */
#include "../src/kernel_api.h"
#include "common/control_flow.h"

enum { OPT_COND_SUBGRAPH = 0, OPT_BODY_SUBGRAPH = 1 }; /* WhileOptions */

typedef struct {
    tl_subgraph *cond, *body;
} while_data;

static tl_status tl_while_eval(tl_interpreter *it, tl_node *node);

tl_status tl_while_prepare(tl_interpreter *it, tl_node *node) {
    int32_t n = tl_node_num_inputs(node), k, cond_index, body_index;
    const tl_tensor *flag;
    while_data *d;
    tl_status st;
    if (tl_node_num_outputs(node) != n)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs as many outputs as inputs (the loop values)");
    if (!node->options.pos) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "WhileOptions are missing");
    if (tl_fb_i32(&it->fb, node->options, OPT_COND_SUBGRAPH, 0, &cond_index) ||
        tl_fb_i32(&it->fb, node->options, OPT_BODY_SUBGRAPH, 0, &body_index))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    st = tl_control_flow_check_outputs(it, node);
    if (st != TL_STATUS_OK) return st;
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    st = tl_subgraph_prepare(it, node, cond_index, &d->cond);
    if (st == TL_STATUS_OK) st = tl_subgraph_prepare(it, node, body_index, &d->body);
    if (st != TL_STATUS_OK) return st;
    if (tl_subgraph_num_inputs(d->cond) != n || tl_subgraph_num_outputs(d->cond) != 1)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "the cond subgraph must take the loop values and return one bool");
    flag = tl_subgraph_output(it, d->cond, 0);
    if (flag->type != TL_TYPE_BOOL || tl_tensor_numel(flag) != 1)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "the cond subgraph's output must be one bool");
    if (tl_subgraph_num_inputs(d->body) != n || tl_subgraph_num_outputs(d->body) != n)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "the body subgraph must take and return the loop values");
    for (k = 0; k < n; k++) {
        const tl_tensor *in = tl_node_input(it, node, k);
        if ((st = tl_control_flow_check(it, node, in, in, "a loop input")) ||
            (st = tl_control_flow_check(it, node, tl_node_output(it, node, k), in, "a loop output")) ||
            (st = tl_control_flow_check(it, node, tl_subgraph_input(it, d->cond, k), in, "a cond subgraph input")) ||
            (st = tl_control_flow_check(it, node, tl_subgraph_input(it, d->body, k), in, "a body subgraph input")) ||
            (st = tl_control_flow_check(it, node, tl_subgraph_output(it, d->body, k), in, "a body subgraph output")))
            return st;
    }
    node->eval = tl_while_eval;
    return TL_STATUS_OK;
}

static void copy_values(tl_interpreter *it, tl_node *node, const tl_subgraph *to, int into_node_outputs) {
    int32_t k, n = tl_node_num_outputs(node);
    for (k = 0; k < n; k++) {
        tl_tensor *value = tl_node_output(it, node, k);
        if (into_node_outputs)
            tl_copy_tensor(value, tl_subgraph_output(it, to, k));
        else
            tl_copy_tensor(tl_subgraph_input(it, to, k), value);
    }
}

static tl_status tl_while_eval(tl_interpreter *it, tl_node *node) {
    const while_data *d = node->op_data;
    int32_t k;
    uint32_t iterations = 0;
    tl_status st;
    for (k = 0; k < tl_node_num_outputs(node); k++) tl_copy_tensor(tl_node_output(it, node, k), tl_node_input(it, node, k));
    for (;;) {
        copy_values(it, node, d->cond, 0);
        if ((st = tl_subgraph_invoke(it, d->cond)) != TL_STATUS_OK) return st;
        if (*(const uint8_t *)tl_subgraph_output(it, d->cond, 0)->data == 0) return TL_STATUS_OK;
        if (it->max_while_iterations && ++iterations > it->max_while_iterations)
            return tl_fail(it, node, TL_STATUS_INVOKE_FAILED,
                           "the loop ran past the limit set by tl_interpreter_set_max_while_iterations");
        copy_values(it, node, d->body, 0);
        if ((st = tl_subgraph_invoke(it, d->body)) != TL_STATUS_OK) return st;
        copy_values(it, node, d->body, 1);
    }
}
