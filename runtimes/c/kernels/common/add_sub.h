/* Shared by ADD and SUB (same rescaling, one sign apart). */
#ifndef TL_ADD_SUB_H
#define TL_ADD_SUB_H

#include "../../src/kernel_api.h"

tl_status tl_add_sub_prepare(tl_interpreter *it, tl_node *node, int32_t sign);
tl_status tl_add_sub_eval(tl_interpreter *it, tl_node *node);

#endif
