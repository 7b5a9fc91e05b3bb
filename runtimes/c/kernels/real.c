/* REAL: the real part of each complex64 element, as float32 (common/complex.h). */
#include "common/complex.h"

tl_status tl_real_prepare(tl_interpreter *it, tl_node *node) { return tl_complex_part_prepare(it, node, 0); }
