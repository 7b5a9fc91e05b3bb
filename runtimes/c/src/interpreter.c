/* Interpreter life cycle: init (the interpreter struct and the model's tables go to the arena's
 * tail, see arena.c and model.c), allocate_tensors (resolve and prepare every kernel, then plan
 * activations and scratch at the arena's head, see planner.c), invoke (run the nodes in order).
 * Only subgraph 0 is executed. */
#include <stdio.h>
#include <string.h>

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
    if (it == NULL) return status;
    detail = detail ? detail : "";
    if (node == NULL) {
        snprintf(it->error, sizeof it->error, "%s%s%s", tl_status_message(status), *detail ? ": " : "", detail);
        return status;
    }
    name = tl_interpreter_get_node_op_name(it, (int32_t)(node - it->nodes));
    if (node->builtin == BUILTIN_CUSTOM)
        snprintf(it->error, sizeof it->error, "node %ld (CUSTOM %s): %s: %s", (long)(node - it->nodes),
                 name ? name : "?", tl_status_message(status), detail);
    else if (name != NULL)
        snprintf(it->error, sizeof it->error, "node %ld (%s): %s: %s", (long)(node - it->nodes), name,
                 tl_status_message(status), detail);
    else
        snprintf(it->error, sizeof it->error, "node %ld (builtin code %ld): %s: %s", (long)(node - it->nodes),
                 (long)node->builtin, tl_status_message(status), detail);
    return status;
}

size_t tl_type_size(tl_type type) {
    switch (type) {
    case TL_TYPE_FLOAT32: case TL_TYPE_INT32: return 4;
    case TL_TYPE_FLOAT16: case TL_TYPE_INT16: return 2;
    case TL_TYPE_UINT8: case TL_TYPE_INT8: case TL_TYPE_BOOL: return 1;
    case TL_TYPE_INT64: case TL_TYPE_FLOAT64: return 8;
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

float tl_tensor_scale(const tl_tensor *t, int32_t channel) {
    if (t->quant_count > 1 && channel >= 0 && channel < t->quant_count) return tl_load_f32(t->scales + 4 * channel);
    return t->scale;
}

int32_t tl_node_num_inputs(const tl_node *node) { return (int32_t)node->inputs.len; }
int32_t tl_node_num_outputs(const tl_node *node) { return (int32_t)node->outputs.len; }

static tl_tensor *tensor_at(tl_interpreter *it, int32_t index) {
    return (index >= 0 && index < it->n_tensors) ? &it->tensors[index] : NULL;
}

tl_tensor *tl_node_input(tl_interpreter *it, const tl_node *node, int32_t i) {
    if (i < 0 || (uint32_t)i >= node->inputs.len) return NULL;
    return tensor_at(it, tl_fb_vec_i32(&it->fb, node->inputs, (uint32_t)i));
}

tl_tensor *tl_node_output(tl_interpreter *it, const tl_node *node, int32_t i) {
    if (i < 0 || (uint32_t)i >= node->outputs.len) return NULL;
    return tensor_at(it, tl_fb_vec_i32(&it->fb, node->outputs, (uint32_t)i));
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
    it->model = *model;
    it->arena = (uint8_t *)aligned;
    it->arena_bytes = arena_bytes;
    it->tail = (size_t)((uintptr_t)it->arena + arena_bytes - (uintptr_t)it);
    it->fb.buf = model->data;
    it->fb.size = model->size;
    if (resolver) {
        it->allowed = resolver->builtins;
        it->n_allowed = resolver->count;
    }
    st = tl_model_read_graph(it);
    if (st != TL_STATUS_OK && it->error[0] == 0) tl_fail(it, NULL, st, "reading the model");
    if (status) *status = st;
    it->broken = st != TL_STATUS_OK;
    return it; /* on failure too, so tl_interpreter_error_message can say what is wrong */
}

static tl_status set_option(tl_interpreter *it, int *option, int enable) {
    if (it == NULL || it->broken) return TL_STATUS_BAD_ARGUMENT;
    if (it->allocated) return tl_fail(it, NULL, TL_STATUS_BAD_ARGUMENT, "options must be set before allocate_tensors");
    *option = enable != 0;
    return TL_STATUS_OK;
}

tl_status tl_interpreter_set_preserve_all_tensors(tl_interpreter *it, int enable) {
    return set_option(it, it ? &it->preserve_all_tensors : NULL, enable);
}

tl_status tl_interpreter_set_reference_kernels(tl_interpreter *it, int enable) {
    return set_option(it, it ? &it->reference_kernels : NULL, enable);
}

static int allowed(const tl_interpreter *it, int32_t builtin) {
    int32_t i;
    if (it->allowed == NULL) return 1;
    for (i = 0; i < it->n_allowed; i++)
        if (it->allowed[i] == builtin) return 1;
    return 0;
}

/* Lifetimes of every non-constant tensor and scratch buffer (see planner.c), then the plan. */
static tl_status plan(tl_interpreter *it) {
    size_t saved_tail = it->tail; /* the planner's scratch is borrowed from the tail */
    int32_t n = it->n_tensors, n_scratch = 0, i, k, count = 0, first_scratch;
    tl_plan_buffer *bufs;
    int32_t *order, *slot;
    tl_scratch *s;
    size_t total;
    for (s = it->scratch; s; s = s->next) n_scratch++;
    bufs = tl_alloc_persistent(it, sizeof(tl_plan_buffer) * (size_t)(n + n_scratch + 1));
    order = tl_alloc_persistent(it, sizeof(int32_t) * (size_t)(n + n_scratch + 1));
    slot = tl_alloc_persistent(it, sizeof(int32_t) * (size_t)(n + 1));
    if (!bufs || !order || !slot) return tl_fail(it, NULL, TL_STATUS_ARENA_TOO_SMALL, "planner scratch");
    for (i = 0; i < n; i++) slot[i] = -1;
#define USE(idx, at)                                                                         \
    do {                                                                                     \
        int32_t t_ = (idx);                                                                  \
        if (t_ >= 0 && t_ < n && !it->tensors[t_].is_constant) {                             \
            if (slot[t_] < 0) {                                                              \
                slot[t_] = count;                                                            \
                bufs[count].bytes = it->tensors[t_].bytes;                                   \
                bufs[count].first = bufs[count].last = (at);                                 \
                count++;                                                                     \
            }                                                                                \
            if ((at) < bufs[slot[t_]].first) bufs[slot[t_]].first = (at);                    \
            if ((at) > bufs[slot[t_]].last) bufs[slot[t_]].last = (at);                      \
        }                                                                                    \
    } while (0)
    for (k = 0; k < (int32_t)it->inputs.len; k++) USE(tl_fb_vec_i32(&it->fb, it->inputs, (uint32_t)k), 0);
    for (i = 0; i < it->n_nodes; i++) {
        const tl_node *node = &it->nodes[i];
        for (k = 0; k < (int32_t)node->inputs.len; k++) USE(tl_fb_vec_i32(&it->fb, node->inputs, (uint32_t)k), i);
        for (k = 0; k < (int32_t)node->outputs.len; k++) USE(tl_fb_vec_i32(&it->fb, node->outputs, (uint32_t)k), i);
        for (k = 0; k < (int32_t)node->intermediates.len; k++)
            USE(tl_fb_vec_i32(&it->fb, node->intermediates, (uint32_t)k), i);
    }
    for (k = 0; k < (int32_t)it->outputs.len; k++)
        USE(tl_fb_vec_i32(&it->fb, it->outputs, (uint32_t)k), it->n_nodes);
#undef USE
    for (i = 0; i < n; i++) {
        tl_plan_buffer *b = slot[i] >= 0 ? &bufs[slot[i]] : NULL;
        if (b == NULL) continue;
        if (it->tensors[i].is_variable || it->preserve_all_tensors) { /* state, or kept for reading */
            b->first = 0;
            b->last = it->n_nodes;
        }
        if (it->offline_plan.len) {
            int32_t off = tl_fb_vec_i32(&it->fb, it->offline_plan, (uint32_t)i);
            if (off != -1) {
                if (off < 0 || (uint32_t)off % TL_PLAN_ALIGN)
                    return tl_fail(it, NULL, TL_STATUS_MODEL_UNSUPPORTED, "offline plan offset negative or not 16-aligned");
                b->fixed = 1;
                b->offset = (size_t)off;
            }
        }
    }
    if (tl_plan_overlaps(bufs, count, 1))
        return tl_fail(it, NULL, TL_STATUS_MODEL_UNSUPPORTED, "offline memory plan overlaps tensors that are live together");
    first_scratch = count;
    for (s = it->scratch; s; s = s->next, count++) {
        memset(&bufs[count], 0, sizeof bufs[count]);
        bufs[count].bytes = s->bytes;
        bufs[count].first = bufs[count].last = s->node;
    }
    total = tl_plan_greedy(bufs, count, order);
    if (total > it->arena_bytes - saved_tail) {
        it->tail = saved_tail;
        return tl_fail(it, NULL, TL_STATUS_ARENA_TOO_SMALL, "activations do not fit");
    }
    for (i = 0; i < n; i++)
        if (slot[i] >= 0) it->tensors[i].data = it->arena + bufs[slot[i]].offset;
    for (s = it->scratch, k = first_scratch; s; s = s->next, k++) s->data = it->arena + bufs[k].offset;
    it->tail = saved_tail;
    it->head = total;
    return TL_STATUS_OK;
}

tl_status tl_interpreter_allocate_tensors(tl_interpreter *it) {
    int32_t i;
    if (it == NULL || it->broken) return TL_STATUS_BAD_ARGUMENT;
    if (it->allocated) return TL_STATUS_OK;
    for (i = 0; i < it->n_nodes; i++) {
        tl_node *node = &it->nodes[i];
        node->kernel = allowed(it, node->builtin) ? tl_find_kernel(node->builtin) : NULL;
        if (node->kernel == NULL)
            return tl_fail(it, node, TL_STATUS_OP_UNSUPPORTED,
                           node->builtin == BUILTIN_CUSTOM ? "custom operator" :
                           tl_builtin_has_kernel(node->builtin) ? "not in the op resolver" : "no kernel for this builtin");
    }
    for (i = 0; i < it->n_nodes; i++) {
        tl_node *node = &it->nodes[i];
        if (node->kernel->prepare) {
            tl_status st = node->kernel->prepare(it, node);
            if (st != TL_STATUS_OK) {
                if (it->error[0] == 0) tl_fail(it, node, st, "prepare");
                return st;
            }
        }
    }
    TRY(plan(it));
    it->allocated = 1;
    return tl_interpreter_reset_variables(it);
}

tl_status tl_interpreter_reset_variables(tl_interpreter *it) {
    int32_t i;
    if (it == NULL || it->broken) return TL_STATUS_BAD_ARGUMENT;
    if (!it->allocated) return tl_fail(it, NULL, TL_STATUS_NOT_ALLOCATED, NULL);
    for (i = 0; i < it->n_tensors; i++)
        if (it->tensors[i].is_variable && !it->tensors[i].is_constant && it->tensors[i].data) {
            const tl_tensor *t = &it->tensors[i]; /* int8 state starts at its zero point, as in LiteRT and TFLM */
            memset(t->data, t->type == TL_TYPE_INT8 ? (int)(t->zero_point & 0xFF) : 0, t->bytes);
        }
    return TL_STATUS_OK;
}

tl_status tl_interpreter_invoke(tl_interpreter *it) {
    int32_t i;
    if (it == NULL || it->broken) return TL_STATUS_BAD_ARGUMENT;
    if (!it->allocated) return tl_fail(it, NULL, TL_STATUS_NOT_ALLOCATED, NULL);
    for (i = 0; i < it->n_nodes; i++) {
        tl_node *node = &it->nodes[i];
        tl_status st = node->eval ? node->eval(it, node) : node->kernel->eval(it, node);
        if (st != TL_STATUS_OK) {
            if (it->error[0] == 0) tl_fail(it, node, st, "eval");
            return st;
        }
    }
    return TL_STATUS_OK;
}

/* ---- queries ---------------------------------------------------------------------------------- */

static int usable(const tl_interpreter *it) { return it != NULL && !it->broken; }

int32_t tl_interpreter_get_input_count(const tl_interpreter *it) { return usable(it) ? (int32_t)it->inputs.len : 0; }
int32_t tl_interpreter_get_output_count(const tl_interpreter *it) { return usable(it) ? (int32_t)it->outputs.len : 0; }

int32_t tl_interpreter_get_input_tensor_index(const tl_interpreter *it, int32_t index) {
    if (!usable(it) || index < 0 || (uint32_t)index >= it->inputs.len) return -1;
    return tl_fb_vec_i32(&it->fb, it->inputs, (uint32_t)index);
}

int32_t tl_interpreter_get_output_tensor_index(const tl_interpreter *it, int32_t index) {
    if (!usable(it) || index < 0 || (uint32_t)index >= it->outputs.len) return -1;
    return tl_fb_vec_i32(&it->fb, it->outputs, (uint32_t)index);
}

tl_tensor *tl_interpreter_get_input(tl_interpreter *it, int32_t index) {
    return usable(it) ? tensor_at(it, tl_interpreter_get_input_tensor_index(it, index)) : NULL;
}

tl_tensor *tl_interpreter_get_output(tl_interpreter *it, int32_t index) {
    return usable(it) ? tensor_at(it, tl_interpreter_get_output_tensor_index(it, index)) : NULL;
}

int32_t tl_interpreter_get_tensor_count(const tl_interpreter *it) { return usable(it) ? it->n_tensors : 0; }

tl_tensor *tl_interpreter_get_tensor(tl_interpreter *it, int32_t index) {
    return usable(it) ? tensor_at(it, index) : NULL;
}

const char *tl_interpreter_error_message(const tl_interpreter *it) {
    if (it == NULL) return "no interpreter (creation failed: see the returned status)";
    return it->error[0] ? it->error : "ok";
}

static const tl_node *node_at(const tl_interpreter *it, int32_t index) {
    return (usable(it) && index >= 0 && index < it->n_nodes) ? &it->nodes[index] : NULL;
}

int32_t tl_interpreter_get_node_count(const tl_interpreter *it) { return usable(it) ? it->n_nodes : 0; }

int32_t tl_interpreter_get_node_builtin(const tl_interpreter *it, int32_t index) {
    const tl_node *node = node_at(it, index);
    return node ? node->builtin : -1;
}

const char *tl_interpreter_get_node_op_name(const tl_interpreter *it, int32_t index) {
    const tl_node *node = (it && index >= 0 && index < it->n_nodes) ? &it->nodes[index] : NULL;
    if (node == NULL) return NULL;
    return node->builtin == BUILTIN_CUSTOM ? node->custom_name : tl_builtin_get_name(node->builtin);
}

int32_t tl_interpreter_get_node_input_count(const tl_interpreter *it, int32_t index) {
    const tl_node *node = node_at(it, index);
    return node ? (int32_t)node->inputs.len : 0;
}

int32_t tl_interpreter_get_node_output_count(const tl_interpreter *it, int32_t index) {
    const tl_node *node = node_at(it, index);
    return node ? (int32_t)node->outputs.len : 0;
}

int32_t tl_interpreter_get_node_input(const tl_interpreter *it, int32_t index, int32_t k) {
    const tl_node *node = node_at(it, index);
    if (node == NULL || k < 0 || (uint32_t)k >= node->inputs.len) return -1;
    return tl_fb_vec_i32(&it->fb, node->inputs, (uint32_t)k);
}

int32_t tl_interpreter_get_node_output(const tl_interpreter *it, int32_t index, int32_t k) {
    const tl_node *node = node_at(it, index);
    if (node == NULL || k < 0 || (uint32_t)k >= node->outputs.len) return -1;
    return tl_fb_vec_i32(&it->fb, node->outputs, (uint32_t)k);
}
