/* LOGICAL_AND: out = a && b (bool, broadcasting; common/logical.c). */
#include "common/logical.h"

tl_status tl_logical_and_prepare(tl_interpreter *it, tl_node *node) {
    return tl_logical_binary_prepare(it, node, 1);
}
