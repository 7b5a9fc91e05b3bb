/* Shared by ADD and SUB (same rescaling, one sign apart); prepare picks the eval per type. */
#ifndef TL_ADD_SUB_H
#define TL_ADD_SUB_H

#include "../../src/kernel_api.h"

tl_status tl_add_sub_prepare(tl_interpreter *it, tl_node *node, int32_t sign);

#endif
