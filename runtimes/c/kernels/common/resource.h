/* Resource variables (VAR_HANDLE, READ_VARIABLE, ASSIGN_VARIABLE): what TensorFlow's converter writes for a
 * tf.Variable that a tf.function updates. A variable is named by VarHandleOptions (container, shared_name);
 * every VAR_HANDLE of that name, in any subgraph, refers to one variable, whose value is kept state
 * (src/state.c): it survives invokes (tl_interpreter_reset_variables leaves it, as LiteRT's ResetVariableTensors
 * does) and a new allocation after a resize, as in LiteRT, while its type and shape stay the same.
 *
 * Memory is planned before invoke, so a variable's type and shape are fixed at prepare: the first READ_VARIABLE
 * or ASSIGN_VARIABLE prepared on it gives them (LiteRT resizes a variable to whatever is assigned), and the
 * others must agree. The resource tensor itself carries nothing: READ_VARIABLE and ASSIGN_VARIABLE find their
 * variable at prepare through the VAR_HANDLE node that produces their resource input in the same subgraph or, for
 * a handle that is an input of the subgraph (TensorFlow passes handles into the branches of IF and the cond and
 * body of WHILE), through what the IF or WHILE calling it passes there; callers passing different variables
 * are refused by name. */
#ifndef TL_RESOURCE_H
#define TL_RESOURCE_H

#include "../../src/kernel_api.h"

typedef struct {
    const char *container, *name; /* the model's strings (NULL: empty) */
    tl_type type;
    int32_t ndim, dims[TL_MAX_DIMS];
    uint32_t bytes;
    void *data;                   /* NULL until the first READ_VARIABLE or ASSIGN_VARIABLE prepare (kept state) */
    uint8_t *initialized;         /* assigned at least once (kept state, after the data) */
} tl_resource_var;

/* VAR_HANDLE's eval: the handle is resolved at prepare, nothing to compute. */
tl_status tl_var_handle_eval(tl_interpreter *it, tl_node *node);

/* The variable behind the node's input `index` (a resource tensor produced by a VAR_HANDLE in the node's
 * subgraph), its type and shape set from `t` when it has none yet, else checked against it. Fails naming the
 * problem. */
tl_status tl_resource_bind(tl_interpreter *it, const tl_node *node, int32_t index, const tl_tensor *t,
                           tl_resource_var **out);

#endif
