/* CALL_ONCE: runs its initializer subgraph (no inputs, no outputs: it assigns resource variables) at the
 * first invoke and never again, as LiteRT (tl_interpreter_reset_variables does not rerun it, nor does a new
 * allocation after a resize: the flag is kept state, src/state.c). As in LiteRT, "once" is per initializer subgraph: the CALL_ONCE nodes of several signatures
 * that name one initializer share one flag. */
#include "../src/kernel_api.h"

enum { OPT_INIT_SUBGRAPH = 0 }; /* CallOnceOptions */

typedef struct {
    tl_subgraph *init;
    uint8_t *done; /* kept state */
} call_once_data;

static tl_status tl_call_once_eval(tl_interpreter *it, tl_node *node) {
    call_once_data *d = node->op_data;
    tl_status st;
    if (*d->done) return TL_STATUS_OK;
    if ((st = tl_subgraph_invoke(it, d->init)) != TL_STATUS_OK) return st;
    *d->done = 1;
    return TL_STATUS_OK;
}

/* The op data of a CALL_ONCE prepared in this allocation (its eval set) that runs the same initializer. */
static call_once_data *shared_flag(tl_interpreter *it, const tl_node *node, int32_t index) {
    int32_t s, i;
    for (s = 0; s < it->n_subgraphs; s++) {
        const tl_subgraph *sg = &it->subgraphs[s];
        if (sg->state == 0) continue; /* not prepared in this allocation */
        for (i = 0; i < sg->n_nodes; i++) {
            const tl_node *other = &sg->nodes[i];
            const call_once_data *od = other->op_data;
            if (other != node && other->eval == tl_call_once_eval && od && od->init && tl_subgraph_index(it, od->init) == index)
                return other->op_data;
        }
    }
    return NULL;
}

tl_status tl_call_once_prepare(tl_interpreter *it, tl_node *node) {
    int32_t index;
    call_once_data *d;
    tl_status st;
    if (tl_node_num_inputs(node) != 0 || tl_node_num_outputs(node) != 0)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "takes no inputs and has no outputs");
    if (!node->options.pos) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "CallOnceOptions are missing");
    if (tl_fb_i32(&it->fb, node->options, OPT_INIT_SUBGRAPH, 0, &index) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    d = shared_flag(it, node, index);
    if (!d) {
        int fresh;
        if ((d = tl_alloc_persistent(it, sizeof *d)) != NULL)
            d->done = tl_alloc_state(it, 0x80000000u | (uint32_t)index, 1, &fresh); /* one per initializer */
        if (!d || !d->done) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    }
    node->op_data = d;
    if ((st = tl_subgraph_prepare(it, node, index, &d->init)) != TL_STATUS_OK) return st;
    if (tl_subgraph_num_inputs(d->init) != 0 || tl_subgraph_num_outputs(d->init) != 0)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "the initializer subgraph must have no inputs and no outputs");
    node->eval = tl_call_once_eval;
    return TL_STATUS_OK;
}
