/* Shared by WHILE and IF: checks that the tensors a control flow node passes between itself and
 * its subgraphs agree, and the copies that pass them. Values move only by copying, so a called
 * subgraph's tensors need to live only while it runs (see src/planner.c). */
#ifndef TL_CONTROL_FLOW_H
#define TL_CONTROL_FLOW_H

#include <string.h>

#include "../../src/kernel_api.h"

/* `t` has the type and shape of `like` (static shapes: what LiteRT would resize, we require). */
tl_status tl_control_flow_check(tl_interpreter *it, const tl_node *node, const tl_tensor *t, const tl_tensor *like,
                                const char *what);

/* The node's outputs are distinct tensors, none of them also one of its inputs (the copies in
 * and out must not overwrite what they read). */
tl_status tl_control_flow_check_outputs(tl_interpreter *it, const tl_node *node);

static inline void tl_copy_tensor(tl_tensor *dst, const tl_tensor *src) {
    if (dst->bytes && dst->data != src->data) memmove(dst->data, src->data, dst->bytes);
}

#endif
