/* Interpreter life cycle: init (the interpreter struct and every subgraph's tables go to the
 * arena's tail, see arena.c and model.c), allocate_tensors (resolve and prepare every kernel of
 * the entry subgraphs (0 and those signatures name) and of the subgraphs their control flow
 * calls, see subgraph.c, then plan activations and scratch at the arena's head, see plan.c and
 * planner.c), invoke (run an entry subgraph's nodes in order). */
#include <stdio.h>
#include <string.h>

#include "cpu.h"
#include "kernel_api.h"
#include "planner.h"

#define BUILTIN_CUSTOM 32

#define TRY(expr)                                  \
    do {                                           \
        tl_status st_ = (expr);                    \
        if (st_ != TL_STATUS_OK) return st_;       \
    } while (0)

tl_status tl_fail(tl_interpreter *it, const tl_node *node, tl_status status, const char *detail) {
    const char *name;
    char where[32] = "";
    long index;
    if (it == NULL) return status;
    detail = detail ? detail : "";
    if (node == NULL) {
        snprintf(it->error, sizeof it->error, "%s%s%s", tl_status_message(status), *detail ? ": " : "", detail);
        return status;
    }
    index = (long)(node - tl_node_subgraph(it, node)->nodes);
    if (node->subgraph != 0) snprintf(where, sizeof where, "subgraph %ld ", (long)node->subgraph);
    name = node->builtin == BUILTIN_CUSTOM ? tl_node_custom_name(it, node) : tl_builtin_get_name(node->builtin);
    if (node->builtin == BUILTIN_CUSTOM)
        snprintf(it->error, sizeof it->error, "%snode %ld (CUSTOM %s): %s: %s", where, index, name ? name : "?",
                 tl_status_message(status), detail);
    else if (name != NULL)
        snprintf(it->error, sizeof it->error, "%snode %ld (%s): %s: %s", where, index, name, tl_status_message(status),
                 detail);
    else
        snprintf(it->error, sizeof it->error, "%snode %ld (builtin code %ld): %s: %s", where, index,
                 (long)node->builtin, tl_status_message(status), detail);
    return status;
}

size_t tl_type_size(tl_type type) {
    switch (type) {
    case TL_TYPE_FLOAT32: case TL_TYPE_INT32: case TL_TYPE_UINT32: return 4;
    case TL_TYPE_FLOAT16: case TL_TYPE_INT16: case TL_TYPE_UINT16: return 2;
    case TL_TYPE_UINT8: case TL_TYPE_INT8: case TL_TYPE_BOOL: return 1;
    case TL_TYPE_INT64: case TL_TYPE_FLOAT64: case TL_TYPE_UINT64: return 8;
    case TL_TYPE_COMPLEX64: return 8; /* (real, imaginary) float32 pairs: RFFT2D, REAL, IMAG, COMPLEX_ABS */
    default: return 0;
    }
}

int64_t tl_tensor_numel(const tl_tensor *t) {
    int64_t n = 1;
    int32_t i;
    for (i = 0; i < t->ndim; i++) n *= t->dims[i];
    return n;
}

int tl_same_shape(const tl_tensor *a, const tl_tensor *b) {
    int32_t i;
    if (a->ndim != b->ndim) return 0;
    for (i = 0; i < a->ndim; i++)
        if (a->dims[i] != b->dims[i]) return 0;
    return 1;
}

float tl_tensor_scale(const tl_interpreter *it, const tl_tensor *t, int32_t channel) {
    tl_quantization q = tl_tensor_quantization(it, t);
    if (q.count > 1 && channel >= 0 && channel < q.count) return tl_load_f32(q.scales + 4 * channel);
    return t->scale;
}

int32_t tl_tensor_quant_count(const tl_interpreter *it, const tl_tensor *t) {
    return tl_tensor_quantization(it, t).count;
}

tl_status tl_node_on_reset(tl_interpreter *it, tl_node *node, tl_reset_fn reset) {
    tl_reset_link *r;
    if (it->allocated) return TL_STATUS_OK; /* prepared again at invoke (dynamic.c): its record stands */
    r = tl_alloc_persistent(it, sizeof *r);
    if (r == NULL) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "reset record");
    r->node = node;
    r->reset = reset;
    r->next = it->resets;
    it->resets = r;
    return TL_STATUS_OK;
}

int32_t tl_node_num_inputs(const tl_node *node) { return (int32_t)node->inputs.len; }
int32_t tl_node_num_outputs(const tl_node *node) { return (int32_t)node->outputs.len; }

tl_tensor *tl_node_tensor(tl_interpreter *it, const tl_node *node, int32_t index) {
    return tl_subgraph_tensor(tl_node_subgraph(it, node), index);
}

tl_tensor *tl_node_input(tl_interpreter *it, const tl_node *node, int32_t i) {
    if (i < 0 || (uint32_t)i >= node->inputs.len) return NULL;
    return tl_subgraph_tensor(tl_node_subgraph(it, node), tl_fb_vec_i32(&it->fb, node->inputs, (uint32_t)i));
}

tl_tensor *tl_node_output(tl_interpreter *it, const tl_node *node, int32_t i) {
    if (i < 0 || (uint32_t)i >= node->outputs.len) return NULL;
    return tl_subgraph_tensor(tl_node_subgraph(it, node), tl_fb_vec_i32(&it->fb, node->outputs, (uint32_t)i));
}

tl_interpreter *tl_interpreter_init(const tl_model *model, const tl_op_resolver *resolver, void *arena,
                                    size_t arena_bytes, tl_status *status) {
    tl_interpreter *it;
    uintptr_t a = (uintptr_t)arena, aligned = (a + 15u) & ~(uintptr_t)15u;
    tl_status st;
    if (status) *status = TL_STATUS_OK;
    if (arena == NULL || model == NULL || model->data == NULL || (resolver && resolver->count && !resolver->builtins)) {
        if (status) *status = TL_STATUS_BAD_ARGUMENT;
        return NULL;
    }
    if (arena_bytes < sizeof(tl_interpreter) + 64 + (aligned - a)) {
        if (status) *status = TL_STATUS_ARENA_TOO_SMALL;
        return NULL;
    }
    arena_bytes -= (size_t)(aligned - a);
    arena_bytes &= ~(size_t)15u;
    it = (tl_interpreter *)(aligned + arena_bytes - ((sizeof(tl_interpreter) + 15u) & ~(size_t)15u));
    memset(it, 0, sizeof *it);
    it->arena = (uint8_t *)aligned;
    it->arena_bytes = arena_bytes;
    it->tail = (size_t)((uintptr_t)it->arena + arena_bytes - (uintptr_t)it);
    it->fb.buf = model->data;
    it->fb.size = model->size;
    it->cpu = tl_cpu_detect();
#if defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'
    it->no_weight_packing = 1; /* microcontrollers: weights stay in flash, the arena is their RAM */
#endif
    if (resolver) {
        it->allowed = resolver->builtins;
        it->n_allowed = resolver->count;
    }
    st = tl_model_read_graph(it);
    if (st == TL_STATUS_OK && resolver) st = tl_custom_add_resolver_ops(it, resolver); /* custom.c */
    if (st != TL_STATUS_OK && it->error[0] == 0) tl_fail(it, NULL, st, "reading the model");
    if (status) *status = st;
    it->broken = st != TL_STATUS_OK;
    return it; /* on failure too, so tl_interpreter_error_message can say what is wrong */
}

static tl_status set_option(tl_interpreter *it, uint8_t *option, int enable) {
    if (it == NULL || it->broken) return TL_STATUS_BAD_ARGUMENT;
    if (it->allocated) return tl_fail(it, NULL, TL_STATUS_BAD_ARGUMENT, "options must be set before allocate_tensors");
    *option = (uint8_t)(enable != 0);
    return TL_STATUS_OK;
}

tl_status tl_interpreter_set_preserve_all_tensors(tl_interpreter *it, int enable) {
    return set_option(it, it ? &it->preserve_all_tensors : NULL, enable);
}

tl_status tl_interpreter_set_reference_kernels(tl_interpreter *it, int enable) {
    return set_option(it, it ? &it->reference_kernels : NULL, enable);
}

tl_status tl_interpreter_set_pack_weights(tl_interpreter *it, int enable) {
    return set_option(it, it ? &it->no_weight_packing : NULL, !enable);
}

uint32_t tl_cpu_features(void) { return tl_cpu_detect(); }

tl_status tl_interpreter_set_thread_pool(tl_interpreter *it, tl_thread_pool *pool) {
    if (it == NULL || it->broken || (pool && (pool->threads < 1 || !pool->parallel_for))) return TL_STATUS_BAD_ARGUMENT;
    if (it->allocated) return tl_fail(it, NULL, TL_STATUS_BAD_ARGUMENT, "options must be set before allocate_tensors");
    it->pool = pool;
    return TL_STATUS_OK;
}

int32_t tl_threads(const tl_interpreter *it) { return it->pool ? it->pool->threads : 1; }

void tl_parallel(tl_interpreter *it, int32_t tasks, void (*task)(void *ctx, int32_t index), void *ctx) {
    int32_t i;
    if (it->pool && tasks > 1) {
        it->pool->parallel_for(it->pool, tasks, task, ctx);
        return;
    }
    for (i = 0; i < tasks; i++) task(ctx, i);
}

tl_status tl_interpreter_set_node_hook(tl_interpreter *it, tl_node_hook hook, void *user) {
    if (it == NULL || it->broken) return TL_STATUS_BAD_ARGUMENT;
    it->node_hook = hook;
    it->node_hook_user = user;
    return TL_STATUS_OK;
}

tl_status tl_interpreter_set_cpu_features(tl_interpreter *it, uint32_t mask) {
    if (it == NULL || it->broken) return TL_STATUS_BAD_ARGUMENT;
    if (it->allocated) return tl_fail(it, NULL, TL_STATUS_BAD_ARGUMENT, "options must be set before allocate_tensors");
    it->cpu &= mask;
    return TL_STATUS_OK;
}

tl_status tl_interpreter_allocate_tensors(tl_interpreter *it) {
    if (it == NULL || it->broken) return TL_STATUS_BAD_ARGUMENT;
    if (it->allocated) return TL_STATUS_OK;
    if (it->tail_mark == 0) { /* each allocation (after a resize, or a failed one) starts from here */
        if (it->tail > 0xffffffffu) return tl_fail(it, NULL, TL_STATUS_MODEL_UNSUPPORTED, "tables of 4 GB or more");
        it->tail_mark = (uint32_t)it->tail;
    }
    it->tail = it->tail_mark;
    it->tail_slack = 0;
    tl_shapes_forget(it); /* shapes whose storage lay in the tail given back are the model's again */
    it->resets = NULL; /* they lay in the tail given back */
    tl_state_begin(it); /* the head: 0, or past the state kept from an earlier allocation (state.c) */
    tl_shapes_clear_folded(it);
    TRY(tl_shapes_restore(it));
    if (it->resized) TRY(tl_shapes_reset(it));
    TRY(tl_interpreter_prepare_all(it));
    tl_state_end(it);
    TRY(tl_interpreter_plan(it));
    TRY(tl_dynamic_after_plan(it));
    TRY(tl_delegate_apply(it));
    it->allocated = 1;
    return tl_interpreter_reset_variables(it);
}

tl_status tl_interpreter_set_max_while_iterations(tl_interpreter *it, uint32_t limit) {
    if (it == NULL || it->broken) return TL_STATUS_BAD_ARGUMENT;
    it->max_while_iterations = limit;
    return TL_STATUS_OK;
}

tl_status tl_interpreter_reset_variables(tl_interpreter *it) {
    const tl_reset_link *r;
    int32_t s, i;
    if (it == NULL || it->broken) return TL_STATUS_BAD_ARGUMENT;
    if (!it->allocated) return tl_fail(it, NULL, TL_STATUS_NOT_ALLOCATED, NULL);
    for (s = 0; s < it->n_subgraphs; s++)
        for (i = 0; i < it->subgraphs[s].n_tensors; i++) {
            const tl_tensor *t = &it->subgraphs[s].tensors[i];
            if (t->is_variable && !t->is_constant && t->data) /* int8 state starts at its zero point, as in LiteRT and TFLM */
                memset(t->data, t->type == TL_TYPE_INT8 ? (int)(t->zero_point & 0xFF) : 0, t->bytes);
        }
    for (r = it->resets; r; r = r->next) r->reset(it, r->node); /* state kernels keep in op data */
    return TL_STATUS_OK;
}

tl_status tl_interpreter_invoke_subgraph(tl_interpreter *it, int32_t subgraph) {
    if (it == NULL || it->broken) return TL_STATUS_BAD_ARGUMENT;
    if (!it->allocated) return tl_fail(it, NULL, TL_STATUS_NOT_ALLOCATED, NULL);
    if (subgraph < 0 || subgraph >= it->n_subgraphs || !it->subgraphs[subgraph].entry)
        return tl_fail(it, NULL, TL_STATUS_BAD_ARGUMENT,
                       "not an entry subgraph (subgraph 0 or one a SignatureDef names)");
    it->error[0] = 0; /* a kernel's message from an earlier invoke must not mask this one's */
    return tl_subgraph_invoke(it, &it->subgraphs[subgraph]);
}

tl_status tl_interpreter_invoke(tl_interpreter *it) { return tl_interpreter_invoke_subgraph(it, 0); }

/* ---- queries ---------------------------------------------------------------------------------- */

static int usable(const tl_interpreter *it) { return it != NULL && !it->broken; }

static const tl_subgraph *subgraph_at(const tl_interpreter *it, int32_t sg) {
    return (usable(it) && sg >= 0 && sg < it->n_subgraphs) ? &it->subgraphs[sg] : NULL;
}

static tl_tensor *tensor_at(tl_interpreter *it, int32_t index) {
    return usable(it) ? tl_subgraph_tensor(&it->subgraphs[0], index) : NULL;
}

int32_t tl_interpreter_get_input_count(const tl_interpreter *it) {
    return usable(it) ? (int32_t)it->subgraphs[0].inputs.len : 0;
}

int32_t tl_interpreter_get_output_count(const tl_interpreter *it) {
    return usable(it) ? (int32_t)it->subgraphs[0].outputs.len : 0;
}

int32_t tl_interpreter_get_input_tensor_index(const tl_interpreter *it, int32_t index) {
    if (!usable(it) || index < 0 || (uint32_t)index >= it->subgraphs[0].inputs.len) return -1;
    return tl_fb_vec_i32(&it->fb, it->subgraphs[0].inputs, (uint32_t)index);
}

int32_t tl_interpreter_get_output_tensor_index(const tl_interpreter *it, int32_t index) {
    if (!usable(it) || index < 0 || (uint32_t)index >= it->subgraphs[0].outputs.len) return -1;
    return tl_fb_vec_i32(&it->fb, it->subgraphs[0].outputs, (uint32_t)index);
}

tl_tensor *tl_interpreter_get_input(tl_interpreter *it, int32_t index) {
    return tensor_at(it, tl_interpreter_get_input_tensor_index(it, index));
}

tl_tensor *tl_interpreter_get_output(tl_interpreter *it, int32_t index) {
    return tensor_at(it, tl_interpreter_get_output_tensor_index(it, index));
}

int32_t tl_interpreter_get_subgraph_count(const tl_interpreter *it) { return usable(it) ? it->n_subgraphs : 0; }

int32_t tl_interpreter_get_subgraph_tensor_count(const tl_interpreter *it, int32_t sg) {
    const tl_subgraph *g = subgraph_at(it, sg);
    return g ? g->n_tensors : 0;
}

tl_tensor *tl_interpreter_get_subgraph_tensor(tl_interpreter *it, int32_t sg, int32_t index) {
    const tl_subgraph *g = subgraph_at(it, sg);
    return g ? tl_subgraph_tensor(g, index) : NULL;
}

int32_t tl_interpreter_get_tensor_count(const tl_interpreter *it) { return tl_interpreter_get_subgraph_tensor_count(it, 0); }

tl_tensor *tl_interpreter_get_tensor(tl_interpreter *it, int32_t index) {
    return tl_interpreter_get_subgraph_tensor(it, 0, index);
}

const char *tl_interpreter_error_message(const tl_interpreter *it) {
    if (it == NULL) return "no interpreter (creation failed: see the returned status)";
    return it->error[0] ? it->error : "ok";
}

static const tl_node *node_at(const tl_interpreter *it, int32_t sg, int32_t index) {
    const tl_subgraph *g = subgraph_at(it, sg);
    return (g && index >= 0 && index < g->n_nodes) ? &g->nodes[index] : NULL;
}

int32_t tl_interpreter_get_subgraph_node_count(const tl_interpreter *it, int32_t sg) {
    const tl_subgraph *g = subgraph_at(it, sg);
    return g ? g->n_nodes : 0;
}

int32_t tl_interpreter_get_subgraph_node_builtin(const tl_interpreter *it, int32_t sg, int32_t index) {
    const tl_node *node = node_at(it, sg, index);
    return node ? node->builtin : -1;
}

const char *tl_interpreter_get_subgraph_node_op_name(const tl_interpreter *it, int32_t sg, int32_t index) {
    const tl_node *node = node_at(it, sg, index);
    if (node == NULL) return NULL;
    return node->builtin == BUILTIN_CUSTOM ? tl_node_custom_name(it, node) : tl_builtin_get_name(node->builtin);
}

int32_t tl_interpreter_get_node_count(const tl_interpreter *it) { return tl_interpreter_get_subgraph_node_count(it, 0); }

int32_t tl_interpreter_get_node_builtin(const tl_interpreter *it, int32_t index) {
    return tl_interpreter_get_subgraph_node_builtin(it, 0, index);
}

const char *tl_interpreter_get_node_op_name(const tl_interpreter *it, int32_t index) {
    return tl_interpreter_get_subgraph_node_op_name(it, 0, index);
}

int32_t tl_interpreter_get_node_input_count(const tl_interpreter *it, int32_t index) {
    const tl_node *node = node_at(it, 0, index);
    return node ? (int32_t)node->inputs.len : 0;
}

int32_t tl_interpreter_get_node_output_count(const tl_interpreter *it, int32_t index) {
    const tl_node *node = node_at(it, 0, index);
    return node ? (int32_t)node->outputs.len : 0;
}

int32_t tl_interpreter_get_node_input(const tl_interpreter *it, int32_t index, int32_t k) {
    const tl_node *node = node_at(it, 0, index);
    if (node == NULL || k < 0 || (uint32_t)k >= node->inputs.len) return -1;
    return tl_fb_vec_i32(&it->fb, node->inputs, (uint32_t)k);
}

int32_t tl_interpreter_get_node_output(const tl_interpreter *it, int32_t index, int32_t k) {
    const tl_node *node = node_at(it, 0, index);
    if (node == NULL || k < 0 || (uint32_t)k >= node->outputs.len) return -1;
    return tl_fb_vec_i32(&it->fb, node->outputs, (uint32_t)k);
}
