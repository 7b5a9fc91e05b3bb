/* The UNSORTED_SEGMENT_SUM / _PROD / _MAX / _MIN kernels' shared prepare (common/unsorted_segment.c). */
#ifndef TL_UNSORTED_SEGMENT_H
#define TL_UNSORTED_SEGMENT_H

#include "../../src/kernel_api.h"

typedef enum { TL_SEGMENT_SUM, TL_SEGMENT_PROD, TL_SEGMENT_MAX, TL_SEGMENT_MIN } tl_segment_op;

tl_status tl_unsorted_segment_prepare_common(tl_interpreter *it, tl_node *node, tl_segment_op op);

#endif
