/* Elementwise broadcasting over up to TL_MAX_DIMS dims: each operand's shape is right-aligned
 * to the output's, and a size-1 dim gets stride 0. */
#ifndef TL_BROADCAST_H
#define TL_BROADCAST_H

#include "../../src/kernel_api.h"

typedef struct {
    int32_t ndim;
    int32_t out_dims[TL_MAX_DIMS];
    int32_t a_stride[TL_MAX_DIMS], b_stride[TL_MAX_DIMS];
    /* per operand: 1 when it has the output's shape (offset = flat index), 2 when it is a single
     * element (offset 0), 0 when it really broadcasts; the first two skip the per-dim walk */
    int32_t a_kind, b_kind;
} tl_broadcast;

static inline int32_t tl_broadcast_kind(const tl_tensor *t, const tl_tensor *out) {
    int32_t i, same = t->ndim == out->ndim;
    int64_t n = 1;
    for (i = 0; i < t->ndim; i++) {
        n *= t->dims[i];
        if (same && t->dims[i] != out->dims[i]) same = 0;
    }
    return same ? 1 : (n == 1 ? 2 : 0);
}

/* 0 when the shapes do not broadcast to the output shape. */
static inline int tl_broadcast_init(tl_broadcast *bc, const tl_tensor *a, const tl_tensor *b, const tl_tensor *out) {
    int32_t i, sa = 1, sb = 1;
    bc->ndim = out->ndim;
    for (i = out->ndim - 1; i >= 0; i--) {
        int32_t ia = i - (out->ndim - a->ndim), ib = i - (out->ndim - b->ndim);
        int32_t da = ia >= 0 ? a->dims[ia] : 1, db = ib >= 0 ? b->dims[ib] : 1;
        int32_t d = out->dims[i];
        if ((da != d && da != 1) || (db != d && db != 1)) return 0;
        bc->out_dims[i] = d;
        bc->a_stride[i] = da == 1 ? 0 : sa;
        bc->b_stride[i] = db == 1 ? 0 : sb;
        sa *= da;
        sb *= db;
    }
    bc->a_kind = tl_broadcast_kind(a, out);
    bc->b_kind = tl_broadcast_kind(b, out);
    return a->ndim <= out->ndim && b->ndim <= out->ndim;
}

/* Offsets into a and b of output element `flat`. */
static inline void tl_broadcast_offsets(const tl_broadcast *bc, int64_t flat, int64_t *oa, int64_t *ob) {
    int32_t i;
    if (bc->a_kind && bc->b_kind) { /* no real broadcasting: the common elementwise case */
        *oa = bc->a_kind == 1 ? flat : 0;
        *ob = bc->b_kind == 1 ? flat : 0;
        return;
    }
    *oa = *ob = 0;
    for (i = bc->ndim - 1; i >= 0; i--) {
        int64_t coord = flat % bc->out_dims[i];
        flat /= bc->out_dims[i];
        *oa += coord * bc->a_stride[i];
        *ob += coord * bc->b_stride[i];
    }
}

/* The eval of an elementwise binary kernel (ADD, SUB, MUL, DIV, FLOOR_MOD, MAXIMUM, ...): op data
 * of type D holding a tl_broadcast `bc`, inputs and output of element type T, y[i] = EXPR of
 * a[oa], b[ob] and d. */
#define TL_BROADCAST_EVAL(NAME, D, T, EXPR)                                                  \
    static tl_status NAME(tl_interpreter *it, tl_node *node) {                               \
        const D *d = node->op_data;                                                          \
        const T *a = tl_node_input(it, node, 0)->data, *b = tl_node_input(it, node, 1)->data; \
        tl_tensor *out = tl_node_output(it, node, 0);                                        \
        T *y = out->data;                                                                    \
        int64_t i, n = tl_tensor_numel(out), oa, ob;                                         \
        for (i = 0; i < n; i++) {                                                            \
            tl_broadcast_offsets(&d->bc, i, &oa, &ob);                                       \
            y[i] = (EXPR);                                                                   \
        }                                                                                    \
        return TL_STATUS_OK;                                                                 \
    }

#endif
