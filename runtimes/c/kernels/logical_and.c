/* LOGICAL_AND: out = a && b (bool, broadcasting; common/logical.c). */
#include "common/logical.h"

static tl_status logical_and_prepare(tl_interpreter *it, tl_node *node) {
    return tl_logical_binary_prepare(it, node, 1);
}

const tl_kernel tl_kernel_logical_and = {86, "LOGICAL_AND", logical_and_prepare};
