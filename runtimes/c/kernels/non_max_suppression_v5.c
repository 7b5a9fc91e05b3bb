/* NON_MAX_SUPPRESSION_V5: see common/non_max_suppression.c. */
#include "common/non_max_suppression.h"

tl_status tl_non_max_suppression_v5_prepare(tl_interpreter *it, tl_node *node) {
    return tl_non_max_suppression_prepare_common(it, node, 1);
}
