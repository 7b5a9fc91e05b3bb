/* Resizable inputs (LiteRT's ResizeInputTensor) and the shape propagation they need.
 *
 * tl_interpreter_resize_input gives an entry subgraph's input a new shape and marks the
 * interpreter unallocated. The next tl_interpreter_allocate_tensors starts again from the
 * arena's state before the first allocation (op data and the plan are rebuilt, in the same
 * arena): every other non-constant tensor gets its shape back from the model, then each node,
 * in order, has its outputs' shapes computed from its inputs' (shape_rules.c) before its
 * kernel's prepare runs, so the kernels' own checks see consistent shapes; the planner then
 * places the new sizes. When they do not fit, allocation fails with ARENA_TOO_SMALL and a message
 * giving the bytes needed; the caller retries with a bigger arena (the Python binding does).
 *
 * Output shapes that depend on tensor values (RESHAPE's shape input, TILE's multiples, FILL's
 * dims, TRANSPOSE_CONV's output_shape, ...) need those values at allocation. LiteRT computes
 * such outputs at invoke and allocates them then; this runtime allocates nothing after
 * allocate_tensors, so it computes them earlier instead: once the inputs' shapes are fixed, a
 * shape computation (SHAPE, then STRIDED_SLICE, PACK, CONCATENATION, GATHER, integer arithmetic
 * on its results) is fully determined, and tl_node_fold runs such nodes right after their
 * prepare, keeping their small integer outputs in the arena's tail as constants (their eval at
 * invoke becomes a no-op). A shape read from values that only invoke knows (computed from the
 * input's data) is refused, naming the tensor.
 *
 * Without a resize nothing here runs: shapes are the model's, exactly as before. */
#include <stdio.h>
#include <string.h>

#include "kernel_api.h"
#include "string_tensor.h"

#define BUILTIN_CUSTOM 32
#define FOLD_MAX_BYTES 1024 /* folded outputs are shape vectors: a few dozen bytes */

#define TRY(expr)                                  \
    do {                                           \
        tl_status st_ = (expr);                    \
        if (st_ != TL_STATUS_OK) return st_;       \
    } while (0)

static int listed(const tl_interpreter *it, tl_fb_vec v, int32_t index) {
    uint32_t k;
    for (k = 0; k < v.len; k++)
        if (tl_fb_vec_i32(&it->fb, v, k) == index) return 1;
    return 0;
}

/* Entry subgraphs: 0 and those a SignatureDef names (their inputs are the caller's to resize). */
static int is_entry(const tl_interpreter *it, int32_t subgraph) {
    int32_t s, n = tl_interpreter_get_signature_count(it);
    if (subgraph == 0) return 1;
    for (s = 0; s < n; s++)
        if (tl_interpreter_get_signature_subgraph(it, s) == subgraph) return 1;
    return 0;
}

/* An entry input's or a variable's shape outlives allocations: its storage lies below the tail's mark, where
 * each allocation starts again (tensor_shape.c). After an allocation, the tail it took is given back first. */
static tl_status keep_dims(tl_interpreter *it, tl_tensor *t) {
    uintptr_t mark = (uintptr_t)it->arena + it->arena_bytes - it->tail_mark;
    tl_status st;
    if (it->tail_mark == 0 || (t->own_dims && (uintptr_t)t->dims >= mark)) return TL_STATUS_OK;
    it->allocated = 0;
    it->tail = it->tail_mark;
    it->tail_slack = 0;
    tl_shapes_forget(it); /* t too when its storage lay above the mark: the caller sets its shape next */
    st = tl_tensor_own_dims(it, t);
    if (st != TL_STATUS_OK) return st;
    it->tail_mark = (uint32_t)it->tail;
    return tl_shapes_restore(it);
}

tl_status tl_interpreter_resize_input(tl_interpreter *it, int32_t subgraph, int32_t tensor, const int32_t *dims,
                                      int32_t ndim, int strict) {
    tl_subgraph *sg;
    tl_tensor *t;
    int32_t sig[TL_MAX_DIMS], rank, i;
    uint32_t bytes;
    char msg[160];
    tl_status st;
    if (it == NULL || it->broken) return TL_STATUS_BAD_ARGUMENT;
    if (subgraph < 0 || subgraph >= it->n_subgraphs || !is_entry(it, subgraph))
        return tl_fail(it, NULL, TL_STATUS_BAD_ARGUMENT, "resize: not an entry subgraph (0 or one a SignatureDef names)");
    sg = &it->subgraphs[subgraph];
    t = tl_subgraph_tensor(sg, tensor);
    /* a variable tensor (LSTM's state) too, as LiteRT resizes any tensor: a new batch needs new state shapes */
    if (t == NULL || !(listed(it, sg->inputs, tensor) || (t->is_variable && !t->is_constant))) {
        snprintf(msg, sizeof msg, "resize: tensor %ld is neither an input nor a variable tensor of subgraph %ld",
                 (long)tensor, (long)subgraph);
        return tl_fail(it, NULL, TL_STATUS_BAD_ARGUMENT, msg);
    }
    if (ndim < 0 || ndim > TL_MAX_DIMS || (ndim > 0 && dims == NULL)) {
        snprintf(msg, sizeof msg, "resize: rank %ld is outside 0..%d", (long)ndim, TL_MAX_DIMS);
        return tl_fail(it, NULL, TL_STATUS_BAD_ARGUMENT, msg);
    }
    for (i = 0; i < ndim; i++)
        if (dims[i] < 1) {
            snprintf(msg, sizeof msg, "resize: dimension %ld is %ld; dimensions must be at least 1", (long)i,
                     (long)dims[i]);
            return tl_fail(it, NULL, TL_STATUS_BAD_ARGUMENT, msg);
        }
    rank = tl_interpreter_get_subgraph_tensor_signature(it, subgraph, tensor, sig);
    if (strict) { /* only the dimensions the model marks -1 may change (LiteRT's ResizeInputTensorStrict) */
        if (rank != ndim) {
            snprintf(msg, sizeof msg, "resize (strict): tensor %ld has rank %ld, the new shape has rank %ld",
                     (long)tensor, (long)rank, (long)ndim);
            return tl_fail(it, NULL, TL_STATUS_BAD_ARGUMENT, msg);
        }
        for (i = 0; i < ndim; i++)
            if (sig[i] != -1 && sig[i] != dims[i]) {
                snprintf(msg, sizeof msg,
                         "resize (strict): dimension %ld of tensor %ld is fixed at %ld in its shape_signature, "
                         "asked %ld; only -1 dimensions may change", (long)i, (long)tensor, (long)sig[i], (long)dims[i]);
                return tl_fail(it, NULL, TL_STATUS_BAD_ARGUMENT, msg);
            }
    }
    if (t->ndim == ndim && (ndim == 0 || memcmp(t->dims, dims, sizeof(int32_t) * (size_t)ndim) == 0))
        return TL_STATUS_OK; /* unchanged: an allocated interpreter stays allocated, as in LiteRT */
    if (tl_tensor_shape_bytes(t, dims, ndim, &bytes) != TL_STATUS_OK)
        return tl_fail(it, NULL, TL_STATUS_MODEL_UNSUPPORTED, "resize: the tensor would hold 2^31 bytes or more");
    st = ndim ? keep_dims(it, t) : TL_STATUS_OK;
    if (st == TL_STATUS_OK) st = tl_tensor_set_dims(it, t, dims, ndim);
    if (st != TL_STATUS_OK) return tl_fail(it, NULL, st, "resize: no room in the arena for the tensor's new shape");
    it->resized = 1;
    it->allocated = 0;
    return TL_STATUS_OK;
}

tl_status tl_interpreter_set_string_capacity(tl_interpreter *it, int32_t subgraph, int32_t tensor, uint32_t bytes) {
    tl_tensor *t;
    char msg[160];
    if (it == NULL || it->broken) return TL_STATUS_BAD_ARGUMENT;
    if (subgraph < 0 || subgraph >= it->n_subgraphs || !is_entry(it, subgraph))
        return tl_fail(it, NULL, TL_STATUS_BAD_ARGUMENT, "string capacity: not an entry subgraph");
    t = tl_subgraph_tensor(&it->subgraphs[subgraph], tensor);
    if (t == NULL || !listed(it, it->subgraphs[subgraph].inputs, tensor) || t->type != TL_TYPE_STRING) {
        snprintf(msg, sizeof msg, "string capacity: tensor %ld is not a STRING input of subgraph %ld", (long)tensor,
                 (long)subgraph);
        return tl_fail(it, NULL, TL_STATUS_BAD_ARGUMENT, msg);
    }
    if (bytes < TL_STRING_HEADER_BYTES(tl_tensor_numel(t)) || bytes > 0x7fffffffu) {
        snprintf(msg, sizeof msg, "string capacity: %lu bytes cannot hold the header of %ld strings, or passes 2^31",
                 (unsigned long)bytes, (long)tl_tensor_numel(t));
        return tl_fail(it, NULL, TL_STATUS_BAD_ARGUMENT, msg);
    }
    if (t->bytes == bytes) return TL_STATUS_OK;
    t->bytes = bytes;
    it->allocated = 0;
    return TL_STATUS_OK;
}

void tl_shapes_clear_folded(tl_interpreter *it) {
    int32_t s, i;
    for (s = 0; s < it->n_subgraphs; s++)
        for (i = 0; i < it->subgraphs[s].n_tensors; i++) {
            tl_tensor *t = &it->subgraphs[s].tensors[i];
            if (t->is_constant == TL_CONSTANT_FOLDED) { /* computed by an earlier allocation: an activation again */
                t->is_constant = 0;
                t->data = NULL;
            }
        }
}

tl_status tl_shapes_reset(tl_interpreter *it) {
    int32_t s, i, dims[TL_MAX_DIMS], rank;
    for (s = 0; s < it->n_subgraphs; s++) {
        tl_subgraph *sg = &it->subgraphs[s];
        int entry = is_entry(it, s);
        for (i = 0; i < sg->n_tensors; i++) {
            tl_tensor *t = &sg->tensors[i];
            if (t->is_constant || t->is_variable || (entry && listed(it, sg->inputs, i)))
                continue; /* variable tensors keep the model's shape or the one the application gave them */
            rank = tl_model_tensor_shape(it, s, i, 0, dims);
            if (rank < 0 || tl_tensor_set_dims(it, t, dims, rank) != TL_STATUS_OK)
                return tl_fail(it, NULL, TL_STATUS_MODEL_INVALID, "re-reading a tensor's shape");
        }
    }
    return TL_STATUS_OK;
}

/* Whether every input has the shape the model gives it (then a node without a rule keeps the
 * model's output shapes, which tl_shapes_reset restored). */
static int inputs_as_in_model(tl_interpreter *it, const tl_node *node) {
    int32_t k, dims[TL_MAX_DIMS], rank;
    for (k = 0; k < tl_node_num_inputs(node); k++) {
        const tl_tensor *t = tl_node_input(it, node, k);
        int32_t index = tl_fb_vec_i32(&it->fb, node->inputs, (uint32_t)k);
        if (t == NULL || t->is_constant == TL_CONSTANT_MODEL) continue;
        rank = tl_model_tensor_shape(it, node->subgraph, index, 0, dims);
        if (rank != t->ndim || memcmp(dims, t->dims, sizeof(int32_t) * (size_t)rank) != 0) return 0;
    }
    return 1;
}

tl_status tl_node_infer_shapes(tl_interpreter *it, tl_node *node) {
    int has_rule;
    TRY(tl_shape_rule(it, node, &has_rule));
    if (has_rule || inputs_as_in_model(it, node)) return TL_STATUS_OK;
    if (node->builtin == BUILTIN_CUSTOM) /* custom ops set (or check) their output shapes in their prepare */
        return TL_STATUS_OK;
#if defined(TL_NO_SHAPE_RULES)
    return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED,
                   "resize: this build has no shape rules (TL_NO_SHAPE_RULES; Cortex-M port: make RESIZE=1)");
#else
    return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED,
                   "resize: no shape rule for this operator, and its input shapes differ from the model's");
#endif
}

/* ---- folding shape computations ------------------------------------------------------------- */

static tl_status folded_eval(tl_interpreter *it, tl_node *node) {
    (void)it;
    (void)node;
    return TL_STATUS_OK;
}

static int foldable_op(int32_t builtin) {
    switch (builtin) {
    case 77: case 110: /* SHAPE RANK */
    case 45: case 65: case 83: case 88: case 2: case 36: /* STRIDED_SLICE SLICE PACK UNPACK CONCATENATION GATHER */
    case 0: case 18: case 41: case 42: case 90: case 95: case 55: case 57: /* integer arithmetic */
    case 53: case 22: case 43: case 70: case 81: case 74: case 94: /* CAST RESHAPE SQUEEZE EXPAND_DIMS PROD SUM FILL */
    case 96: case 145: /* RANGE BROADCAST_ARGS */
        return 1;
    default:
        return 0;
    }
}

tl_status tl_node_fold(tl_interpreter *it, tl_node *node) {
    int32_t k;
    if (node->builtin == BUILTIN_CUSTOM || !foldable_op(node->builtin) || tl_node_callees(it, node, NULL)) return TL_STATUS_OK;
    for (k = 0; k < tl_node_num_inputs(node); k++) { /* SHAPE and RANK read only their input's shape */
        const tl_tensor *t = tl_node_input(it, node, k);
        if (t != NULL && node->builtin != 77 && node->builtin != 110 && !(t->is_constant && t->data)) return TL_STATUS_OK;
    }
    for (k = 0; k < tl_node_num_outputs(node); k++) {
        const tl_tensor *t = tl_node_output(it, node, k);
        if (t == NULL || t->is_variable || (t->type != TL_TYPE_INT32 && t->type != TL_TYPE_INT64) ||
            t->bytes > FOLD_MAX_BYTES)
            return TL_STATUS_OK;
    }
    for (k = 0; k < tl_node_num_outputs(node); k++) {
        tl_tensor *t = tl_node_output(it, node, k);
        t->data = tl_alloc_persistent(it, t->bytes ? t->bytes : 1);
        if (t->data == NULL) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "resize: folded shape values");
        t->is_constant = TL_CONSTANT_FOLDED;
    }
    TRY(node->eval(it, node));
    node->eval = folded_eval;
    return TL_STATUS_OK;
}
