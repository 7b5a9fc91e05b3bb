/* Value-shaped outputs (see value_shaped.h). LiteRT makes such a tensor dynamic and re-prepares what reads it
 * at invoke; this runtime plans memory before invoke, so the output is planned at its upper bound, the kernel
 * sets its real dims at each invoke (as LiteRT resizes the tensor), and the nodes reading it are prepared again
 * at invoke within what was planned for them (src/dynamic.c). */
#include "value_shaped.h"

tl_status tl_value_shaped_output(tl_interpreter *it, tl_node *node, int32_t k, const int32_t *bound, int32_t ndim) {
    if (!tl_node_subgraph(it, node)->entry)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED,
                       "an output whose shape depends on input values, inside a called subgraph (memory is planned "
                       "before invoke)");
    if (tl_tensor_own_dims(it, tl_node_output(it, node, k)) != TL_STATUS_OK) /* its shape is set at invoke */
        return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "the output's shape");
    if (tl_tensor_set_dims(it, tl_node_output(it, node, k), bound, ndim) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "the output's upper bound holds 2^31 bytes or more");
    node->dynamic |= TL_NODE_VALUE_SHAPED;
    return TL_STATUS_OK;
}
