/* Sparse constant tensors: the model reader's densifier (src/sparse.c). */
#ifndef TL_SPARSE_H
#define TL_SPARSE_H

#include "kernel_api.h"

/* Verifies the SparsityParameters table `sparsity` of tensor `t` (shape and type already read)
 * against its buffer `values`, writes the dense tensor into the arena's persistent tail and
 * points t->data at it (a constant). Any inconsistency is TL_STATUS_MODEL_INVALID, naming it. */
tl_status tl_sparse_densify(tl_interpreter *it, tl_fb_table sparsity, tl_fb_vec values, tl_tensor *t);

#endif
