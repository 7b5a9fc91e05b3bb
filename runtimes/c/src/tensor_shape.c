/* Where a tensor's dims live. A tl_tensor holds only a pointer to its shape: the model's own shape vector
 * (read in place, as the model's constants are, where the model is 4-aligned there on a little-endian host),
 * or, once the runtime gives the tensor a shape the model does not (a resize, an output shape computed in
 * prepare or at invoke), storage of its own: TL_MAX_DIMS int32 taken once from the arena's tail, rewritten
 * in place from then on. Every change of shape goes through tl_tensor_set_dims, so that storage is taken only
 * while kernels are prepared: a tensor whose shape changes at invoke (value-shaped outputs, what reads them)
 * gets it in prepare (tl_tensor_own_dims), and nothing is allocated after allocation.
 *
 * Each allocation starts again from the tail as it stood before the first one (interpreter.c): storage taken
 * by an earlier allocation is given back with it, and its tensors get the model's shape again
 * (tl_shapes_forget, then tl_shapes_restore). Storage that must outlive allocations (an entry input's or a
 * variable's resized shape) is taken below that mark (resize.c). */
#include <string.h>

#include "kernel_api.h"
#include "string_tensor.h"

static const int32_t no_dims[TL_MAX_DIMS]; /* rank 0: nothing to point at */

#define TRY(expr)                                  \
    do {                                           \
        tl_status st_ = (expr);                    \
        if (st_ != TL_STATUS_OK) return st_;       \
    } while (0)

tl_status tl_tensor_own_dims(tl_interpreter *it, tl_tensor *t) {
    int32_t *p;
    if (t->own_dims) return TL_STATUS_OK;
    if (it->allocated) return TL_STATUS_INVOKE_FAILED; /* only while preparing: see above */
    p = tl_alloc_persistent(it, sizeof(int32_t) * TL_MAX_DIMS);
    if (p == NULL) return TL_STATUS_ARENA_TOO_SMALL;
    if (t->ndim && t->dims) memcpy(p, t->dims, sizeof(int32_t) * t->ndim);
    t->dims = p;
    t->own_dims = 1;
    return TL_STATUS_OK;
}

tl_status tl_tensor_shape_bytes(const tl_tensor *t, const int32_t *dims, int32_t ndim, uint32_t *bytes) {
    uint64_t n = 1;
    int32_t i;
    if (ndim < 0 || ndim > TL_MAX_DIMS) return TL_STATUS_MODEL_UNSUPPORTED;
    for (i = 0; i < ndim; i++) {
        if (dims[i] < 0) return TL_STATUS_SHAPE_MISMATCH;
        n *= (uint64_t)dims[i];
        if (n > 0x7fffffffu) return TL_STATUS_MODEL_UNSUPPORTED;
    }
    n = t->type == TL_TYPE_STRING ? tl_string_default_bytes((int64_t)n) : n * tl_type_size(t->type);
    if (n > 0x7fffffffu) return TL_STATUS_MODEL_UNSUPPORTED;
    *bytes = (uint32_t)n;
    return TL_STATUS_OK;
}

tl_status tl_tensor_set_dims(tl_interpreter *it, tl_tensor *t, const int32_t *dims, int32_t ndim) {
    int32_t copy[TL_MAX_DIMS], rank, i;
    const int32_t *model;
    uint32_t n;
    TRY(tl_tensor_shape_bytes(t, dims, ndim, &n));
    for (i = 0; i < ndim; i++) copy[i] = dims[i]; /* dims may be t->dims itself */
    if (!t->own_dims) {
        model = tl_model_dims_in_place(it, t, &rank);
        if (ndim == 0) {
            t->dims = no_dims;
        } else if (model && rank == ndim && memcmp(model, copy, sizeof(int32_t) * (size_t)ndim) == 0) {
            t->dims = model;
        } else {
            TRY(tl_tensor_own_dims(it, t));
        }
    }
    if (t->own_dims) memcpy((int32_t *)(uintptr_t)t->dims, copy, sizeof(int32_t) * (size_t)ndim); /* its own */
    t->ndim = (uint8_t)ndim;
    t->bytes = n;
    return TL_STATUS_OK;
}

/* Storage at or above the tail's current low end is still taken; below it, it was given back. */
static int given_back(const tl_interpreter *it, const tl_tensor *t) {
    uintptr_t lo = (uintptr_t)it->arena + it->arena_bytes - it->tail, p = (uintptr_t)t->dims;
    return t->own_dims && p < lo;
}

void tl_shapes_forget(tl_interpreter *it) {
    int32_t s, i;
    for (s = 0; s < it->n_subgraphs; s++)
        for (i = 0; i < it->subgraphs[s].n_tensors; i++) {
            tl_tensor *t = &it->subgraphs[s].tensors[i];
            if (given_back(it, t)) {
                t->own_dims = 0;
                t->dims = NULL; /* tl_shapes_restore gives it the model's shape */
            }
        }
}

tl_status tl_shapes_restore(tl_interpreter *it) {
    int32_t s, i, dims[TL_MAX_DIMS], rank;
    for (s = 0; s < it->n_subgraphs; s++)
        for (i = 0; i < it->subgraphs[s].n_tensors; i++) {
            tl_tensor *t = &it->subgraphs[s].tensors[i];
            if (t->dims != NULL) continue;
            rank = tl_model_tensor_shape(it, s, i, 0, dims);
            if (rank < 0) return tl_fail(it, NULL, TL_STATUS_MODEL_INVALID, "re-reading a tensor's shape");
            t->ndim = 0;
            TRY(tl_tensor_set_dims(it, t, dims, rank));
        }
    return TL_STATUS_OK;
}
