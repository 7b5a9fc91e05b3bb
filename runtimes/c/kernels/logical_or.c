/* LOGICAL_OR: out = a || b (bool, broadcasting; common/logical.c). */
#include "common/logical.h"

static tl_status logical_or_prepare(tl_interpreter *it, tl_node *node) {
    return tl_logical_binary_prepare(it, node, 0);
}

const tl_kernel tl_kernel_logical_or = {84, "LOGICAL_OR", logical_or_prepare};
