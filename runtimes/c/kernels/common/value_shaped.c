/* Value-shaped outputs (see value_shaped.h). LiteRT makes such a tensor dynamic and re-prepares what reads it
 * at invoke; this runtime plans memory and prepares every kernel before invoke, so the output is planned at
 * its upper bound and may only be read by the application, which sees its real shape after each invoke (the
 * kernel sets the dims, as LiteRT resizes the tensor). */
#include "value_shaped.h"

tl_status tl_value_shaped_output(tl_interpreter *it, tl_node *node, int32_t k, const int32_t *bound, int32_t ndim) {
    const tl_subgraph *sg = node->subgraph;
    const int32_t t = tl_fb_vec_i32(&it->fb, node->outputs, (uint32_t)k);
    int32_t n;
    uint32_t i;
    if (!sg->entry)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED,
                       "an output whose shape depends on input values, inside a called subgraph (memory is planned "
                       "before invoke)");
    for (n = 0; n < sg->n_nodes; n++)
        for (i = 0; i < sg->nodes[n].inputs.len; i++)
            if (tl_fb_vec_i32(&it->fb, sg->nodes[n].inputs, i) == t)
                return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED,
                               "an output whose shape depends on input values is read by another op (its shape is "
                               "known only at invoke, ops are prepared before): only the graph's outputs may be");
    if (tl_tensor_set_dims(tl_node_output(it, node, k), bound, ndim) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "the output's upper bound holds 2^31 bytes or more");
    return TL_STATUS_OK;
}
