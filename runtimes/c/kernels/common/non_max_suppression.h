/* NON_MAX_SUPPRESSION_V4 and _V5's shared prepare (common/non_max_suppression.c). */
#ifndef TL_NON_MAX_SUPPRESSION_H
#define TL_NON_MAX_SUPPRESSION_H

#include "../../src/kernel_api.h"

tl_status tl_non_max_suppression_prepare_common(tl_interpreter *it, tl_node *node, int soft);

#endif
