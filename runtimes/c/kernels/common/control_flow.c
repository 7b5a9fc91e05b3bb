/* Checks shared by WHILE and IF (see control_flow.h). */
#include <stdio.h>

#include "control_flow.h"

tl_status tl_control_flow_check(tl_interpreter *it, const tl_node *node, const tl_tensor *t, const tl_tensor *like,
                                const char *what) {
    char detail[96];
    if (t == NULL || like == NULL) {
        snprintf(detail, sizeof detail, "%s is missing", what);
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, detail);
    }
    /* RESOURCE (13): a variable's handle, resolved at prepare (common/resource.h); nothing to copy */
    if (t->type != like->type || (tl_type_size(t->type) == 0 && t->type != 13)) {
        snprintf(detail, sizeof detail, "%s has another type than the value it carries", what);
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, detail);
    }
    if (!tl_same_shape(t, like) || t->bytes != like->bytes) {
        snprintf(detail, sizeof detail, "%s has another shape than the value it carries (shapes are static here)", what);
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, detail);
    }
    return TL_STATUS_OK;
}

tl_status tl_control_flow_check_outputs(tl_interpreter *it, const tl_node *node) {
    int32_t i, j;
    for (i = 0; i < tl_node_num_outputs(node); i++) {
        const tl_tensor *out = tl_node_output(it, node, i);
        for (j = 0; j < tl_node_num_inputs(node); j++)
            if (tl_node_input(it, node, j) == out)
                return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "an output tensor is also an input");
        for (j = 0; j < i; j++)
            if (tl_node_output(it, node, j) == out)
                return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "a tensor is given twice as output");
    }
    return TL_STATUS_OK;
}
