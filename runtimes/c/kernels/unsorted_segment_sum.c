/* UNSORTED_SEGMENT_SUM: see common/unsorted_segment.c. */
#include "common/unsorted_segment.h"

tl_status tl_unsorted_segment_sum_prepare(tl_interpreter *it, tl_node *node) {
    return tl_unsorted_segment_prepare_common(it, node, TL_SEGMENT_SUM);
}
