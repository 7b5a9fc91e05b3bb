/* Shared by LOGICAL_AND and LOGICAL_OR (bool, broadcasting; one eval, the operator in op data). */
#ifndef TL_LOGICAL_H
#define TL_LOGICAL_H

#include "../../src/kernel_api.h"

tl_status tl_logical_binary_prepare(tl_interpreter *it, tl_node *node, int is_and);

#endif
