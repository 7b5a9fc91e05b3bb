/* Interpreter life cycle: create (read the model into tensor and node tables in the arena's
 * tail), allocate (resolve and prepare kernels, then plan activations at the arena's head),
 * invoke (run the nodes in order). Only subgraph 0 is executed. */
#include <stdio.h>
#include <string.h>

#include "kernel_api.h"
#include "planner.h"

/* TFLite schema field ids (schema.fbs). */
enum { MODEL_VERSION = 0, MODEL_OPCODES = 1, MODEL_SUBGRAPHS = 2, MODEL_BUFFERS = 4 };
enum { OPCODE_DEPRECATED = 0, OPCODE_CUSTOM = 1, OPCODE_VERSION = 2, OPCODE_BUILTIN = 3 };
enum { SG_TENSORS = 0, SG_INPUTS = 1, SG_OUTPUTS = 2, SG_OPERATORS = 3 };
enum { T_SHAPE = 0, T_TYPE = 1, T_BUFFER = 2, T_NAME = 3, T_QUANT = 4, T_IS_VARIABLE = 5 };
enum { Q_SCALE = 2, Q_ZERO_POINT = 3, Q_DIM = 6 };
enum { OP_OPCODE = 0, OP_INPUTS = 1, OP_OUTPUTS = 2, OP_OPTIONS_TYPE = 3, OP_OPTIONS = 4, OP_INTERMEDIATES = 8 };
enum { BUF_DATA = 0, BUF_OFFSET = 1 };
#define BUILTIN_CUSTOM 32

#define TRY(expr)                                  \
    do {                                           \
        tl_status st_ = (expr);                    \
        if (st_ != TL_STATUS_OK) return st_;       \
    } while (0)

void *tl_alloc_persistent(tl_interpreter *it, size_t bytes) {
    size_t need = (bytes + 15u) & ~(size_t)15u;
    size_t base = (size_t)(uintptr_t)it->arena;
    size_t end, start;
    if (need < bytes || need > it->arena_bytes - it->tail - it->head) return NULL;
    end = base + it->arena_bytes - it->tail;
    start = (end - need) & ~(size_t)15u;
    if (start < base + it->head) return NULL;
    it->tail = base + it->arena_bytes - start;
    memset((void *)(uintptr_t)start, 0, need);
    return (void *)(uintptr_t)start;
}

tl_status tl_fail(tl_interpreter *it, const tl_node *node, tl_status status, const char *detail) {
    if (it == NULL) return status;
    detail = detail ? detail : "";
    if (node == NULL) {
        snprintf(it->error, sizeof it->error, "%s%s%s", tl_status_message(status), *detail ? ": " : "", detail);
    } else if (node->builtin == BUILTIN_CUSTOM) {
        snprintf(it->error, sizeof it->error, "node %ld (CUSTOM %s): %s: %s", (long)(node - it->nodes),
                 node->custom_name ? node->custom_name : "?", tl_status_message(status), detail);
    } else if (tl_builtin_name(node->builtin) != NULL) {
        snprintf(it->error, sizeof it->error, "node %ld (%s): %s: %s", (long)(node - it->nodes),
                 tl_builtin_name(node->builtin), tl_status_message(status), detail);
    } else {
        snprintf(it->error, sizeof it->error, "node %ld (builtin code %ld): %s: %s", (long)(node - it->nodes),
                 (long)node->builtin, tl_status_message(status), detail);
    }
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
    if (t->quant_count > 1 && channel < t->quant_count) return tl_load_f32(t->scales + 4 * channel);
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

static tl_status read_tensor(tl_interpreter *it, tl_fb_table tt, tl_fb_vec buffers, tl_tensor *t) {
    const tl_fb *fb = &it->fb;
    tl_fb_vec shape, scales, zps, data;
    tl_fb_table q, buf;
    uint32_t i, bidx;
    int8_t type;
    uint8_t var;
    uint64_t n = 1, bytes;
    TRY(tl_fb_vec_field(fb, tt, T_SHAPE, 4, &shape));
    if (shape.len > TL_MAX_DIMS) return tl_fail(it, NULL, TL_STATUS_MODEL_UNSUPPORTED, "tensor rank above 6");
    t->ndim = (int32_t)shape.len;
    for (i = 0; i < shape.len; i++) {
        int32_t d = tl_fb_vec_i32(fb, shape, i);
        if (d < 0) return tl_fail(it, NULL, TL_STATUS_MODEL_UNSUPPORTED, "dynamic (-1) dimension in a tensor shape");
        t->dims[i] = d;
        n *= (uint64_t)d;
        if (n > 0x7fffffffu) return tl_fail(it, NULL, TL_STATUS_MODEL_INVALID, "tensor too large");
    }
    TRY(tl_fb_i8(fb, tt, T_TYPE, 0, &type));
    t->type = (tl_type)type;
    TRY(tl_fb_string_field(fb, tt, T_NAME, &t->name));
    TRY(tl_fb_u8(fb, tt, T_IS_VARIABLE, 0, &var));
    t->is_variable = var;
    bytes = n * tl_type_size(t->type);
    if (bytes > 0x7fffffffu) return tl_fail(it, NULL, TL_STATUS_MODEL_INVALID, "tensor too large");
    t->bytes = (size_t)bytes;

    TRY(tl_fb_table_field(fb, tt, T_QUANT, &q));
    if (q.pos) {
        TRY(tl_fb_vec_field(fb, q, Q_SCALE, 4, &scales));
        TRY(tl_fb_vec_field(fb, q, Q_ZERO_POINT, 8, &zps));
        TRY(tl_fb_i32(fb, q, Q_DIM, 0, &t->quant_dim));
        if (scales.len) {
            if (zps.len && zps.len != scales.len)
                return tl_fail(it, NULL, TL_STATUS_MODEL_INVALID, "zero_point and scale counts differ");
            t->quant_count = (int32_t)scales.len;
            t->scales = fb->buf + scales.pos;
            t->zero_points = zps.len ? fb->buf + zps.pos : NULL;
            t->scale = tl_fb_vec_f32(fb, scales, 0);
            t->zero_point = zps.len ? (int32_t)tl_fb_vec_i64(fb, zps, 0) : 0;
        }
    }

    TRY(tl_fb_u32(fb, tt, T_BUFFER, 0, &bidx));
    if (bidx != 0) {
        uint32_t off_lo = 0;
        if (bidx >= buffers.len) return tl_fail(it, NULL, TL_STATUS_MODEL_INVALID, "tensor buffer index out of range");
        TRY(tl_fb_vec_table(fb, buffers, bidx, &buf));
        TRY(tl_fb_u32(fb, buf, BUF_OFFSET, 0, &off_lo));
        if (off_lo > 1)
            return tl_fail(it, NULL, TL_STATUS_MODEL_UNSUPPORTED, "buffers stored outside the FlatBuffer (>2 GB models)");
        TRY(tl_fb_vec_field(fb, buf, BUF_DATA, 1, &data));
        if (data.len) {
            if (data.len != t->bytes)
                return tl_fail(it, NULL, TL_STATUS_MODEL_INVALID, "constant buffer size does not match its tensor");
            t->data = (void *)(uintptr_t)(fb->buf + data.pos); /* constants are never written */
            t->is_constant = 1;
        }
    }
    return TL_STATUS_OK;
}

static tl_status read_model(tl_interpreter *it) {
    const tl_fb *fb = &it->fb;
    tl_fb_table model, sg, tt, ot, code;
    tl_fb_vec codes, subgraphs, tensors, operators, buffers;
    uint32_t version, i;
    TRY(tl_fb_root(fb, &model));
    TRY(tl_fb_u32(fb, model, MODEL_VERSION, 0, &version));
    if (version != 3) return tl_fail(it, NULL, TL_STATUS_MODEL_INVALID, "schema version is not 3");
    TRY(tl_fb_vec_field(fb, model, MODEL_OPCODES, 4, &codes));
    TRY(tl_fb_vec_field(fb, model, MODEL_SUBGRAPHS, 4, &subgraphs));
    TRY(tl_fb_vec_field(fb, model, MODEL_BUFFERS, 4, &buffers));
    if (subgraphs.len == 0) return tl_fail(it, NULL, TL_STATUS_MODEL_INVALID, "no subgraphs");
    TRY(tl_fb_vec_table(fb, subgraphs, 0, &sg));
    TRY(tl_fb_vec_field(fb, sg, SG_TENSORS, 4, &tensors));
    TRY(tl_fb_vec_field(fb, sg, SG_INPUTS, 4, &it->inputs));
    TRY(tl_fb_vec_field(fb, sg, SG_OUTPUTS, 4, &it->outputs));
    TRY(tl_fb_vec_field(fb, sg, SG_OPERATORS, 4, &operators));
    if (tensors.len > 1000000u || operators.len > 1000000u)
        return tl_fail(it, NULL, TL_STATUS_MODEL_INVALID, "absurd tensor or operator count");

    it->n_tensors = (int32_t)tensors.len;
    it->n_nodes = (int32_t)operators.len;
    it->tensors = tl_alloc_persistent(it, sizeof(tl_tensor) * (tensors.len ? tensors.len : 1));
    it->nodes = tl_alloc_persistent(it, sizeof(tl_node) * (operators.len ? operators.len : 1));
    if (!it->tensors || !it->nodes) return tl_fail(it, NULL, TL_STATUS_ARENA_TOO_SMALL, "tensor and node tables");
    for (i = 0; i < tensors.len; i++) {
        TRY(tl_fb_vec_table(fb, tensors, i, &tt));
        TRY(read_tensor(it, tt, buffers, &it->tensors[i]));
    }
    for (i = 0; i < it->inputs.len; i++)
        if (!tensor_at(it, tl_fb_vec_i32(fb, it->inputs, i))) return tl_fail(it, NULL, TL_STATUS_MODEL_INVALID, "graph input index");
    for (i = 0; i < it->outputs.len; i++)
        if (!tensor_at(it, tl_fb_vec_i32(fb, it->outputs, i))) return tl_fail(it, NULL, TL_STATUS_MODEL_INVALID, "graph output index");
    for (i = 0; i < operators.len; i++) {
        tl_node *node = &it->nodes[i];
        uint32_t opcode, k;
        int8_t deprecated;
        int32_t builtin;
        TRY(tl_fb_vec_table(fb, operators, i, &ot));
        TRY(tl_fb_u32(fb, ot, OP_OPCODE, 0, &opcode));
        if (opcode >= codes.len) return tl_fail(it, NULL, TL_STATUS_MODEL_INVALID, "operator code index out of range");
        TRY(tl_fb_vec_table(fb, codes, opcode, &code));
        TRY(tl_fb_i8(fb, code, OPCODE_DEPRECATED, 0, &deprecated));
        TRY(tl_fb_i32(fb, code, OPCODE_BUILTIN, 0, &builtin));
        TRY(tl_fb_i32(fb, code, OPCODE_VERSION, 1, &node->version));
        TRY(tl_fb_string_field(fb, code, OPCODE_CUSTOM, &node->custom_name));
        /* Codes >= 127 live only in builtin_code; old files set only the deprecated byte. */
        node->builtin = builtin > deprecated ? builtin : deprecated;
        TRY(tl_fb_vec_field(fb, ot, OP_INPUTS, 4, &node->inputs));
        TRY(tl_fb_vec_field(fb, ot, OP_OUTPUTS, 4, &node->outputs));
        TRY(tl_fb_vec_field(fb, ot, OP_INTERMEDIATES, 4, &node->intermediates));
        TRY(tl_fb_u8(fb, ot, OP_OPTIONS_TYPE, 0, &node->options_type));
        TRY(tl_fb_table_field(fb, ot, OP_OPTIONS, &node->options));
        for (k = 0; k < node->inputs.len; k++) {
            int32_t idx = tl_fb_vec_i32(fb, node->inputs, k);
            if (idx != -1 && !tensor_at(it, idx)) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "input tensor index");
        }
        for (k = 0; k < node->outputs.len; k++) {
            const tl_tensor *t = tensor_at(it, tl_fb_vec_i32(fb, node->outputs, k));
            if (!t) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "output tensor index");
            if (t->is_constant) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "writes into a constant tensor");
        }
    }
    return TL_STATUS_OK;
}

tl_interpreter *tl_interpreter_create(const uint8_t *model, size_t size, const tl_op_resolver *resolver,
                                      void *arena, size_t arena_bytes, tl_status *status) {
    tl_interpreter *it;
    uintptr_t a = (uintptr_t)arena, aligned = (a + 15u) & ~(uintptr_t)15u;
    tl_status st;
    if (status) *status = TL_STATUS_OK;
    if (arena == NULL || model == NULL || (resolver && resolver->count && !resolver->builtins)) {
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
    it->fb.buf = model;
    it->fb.size = size;
    if (resolver) {
        it->allowed = resolver->builtins;
        it->n_allowed = resolver->count;
    }
    st = read_model(it);
    if (status) *status = st;
    it->broken = st != TL_STATUS_OK;
    return it; /* on failure too, so tl_interpreter_error_message can say what is wrong */
}

static int allowed(const tl_interpreter *it, int32_t builtin) {
    int32_t i;
    if (it->allowed == NULL) return 1;
    for (i = 0; i < it->n_allowed; i++)
        if (it->allowed[i] == builtin) return 1;
    return 0;
}

static tl_status plan(tl_interpreter *it) {
    /* Scratch for the planner comes from the tail and is given back afterwards. */
    size_t saved_tail = it->tail;
    int32_t n = it->n_tensors, i, k, count = 0;
    tl_plan_buffer *bufs = tl_alloc_persistent(it, sizeof(tl_plan_buffer) * (size_t)(n ? n : 1));
    int32_t *order = tl_alloc_persistent(it, sizeof(int32_t) * (size_t)(n ? n : 1));
    int32_t *slot = tl_alloc_persistent(it, sizeof(int32_t) * (size_t)(n ? n : 1));
    size_t total;
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
    }
    for (k = 0; k < (int32_t)it->outputs.len; k++)
        USE(tl_fb_vec_i32(&it->fb, it->outputs, (uint32_t)k), it->n_nodes);
#undef USE
    for (i = 0; i < n; i++) /* recurrent state lives for the whole run */
        if (slot[i] >= 0 && it->tensors[i].is_variable) {
            bufs[slot[i]].first = 0;
            bufs[slot[i]].last = it->n_nodes;
        }
    total = tl_plan_greedy(bufs, count, order);
    if (total > it->arena_bytes - saved_tail) {
        it->tail = saved_tail;
        return tl_fail(it, NULL, TL_STATUS_ARENA_TOO_SMALL, "activations do not fit");
    }
    for (i = 0; i < n; i++)
        if (slot[i] >= 0) it->tensors[i].data = it->arena + bufs[slot[i]].offset;
    it->tail = saved_tail;
    it->head = total;
    return TL_STATUS_OK;
}

tl_status tl_interpreter_allocate(tl_interpreter *it) {
    int32_t i;
    if (it == NULL || it->broken) return TL_STATUS_BAD_ARGUMENT;
    if (it->allocated) return TL_STATUS_OK;
    for (i = 0; i < it->n_nodes; i++) {
        tl_node *node = &it->nodes[i];
        node->kernel = allowed(it, node->builtin) ? tl_find_kernel(node->builtin) : NULL;
        if (node->kernel == NULL)
            return tl_fail(it, node, TL_STATUS_OP_UNSUPPORTED,
                           node->builtin == BUILTIN_CUSTOM ? "custom operator" : "no kernel for this builtin");
    }
    for (i = 0; i < it->n_nodes; i++) {
        tl_node *node = &it->nodes[i];
        if (node->kernel->prepare) TRY(node->kernel->prepare(it, node));
    }
    TRY(plan(it));
    it->allocated = 1;
    return tl_interpreter_reset_variables(it);
}

tl_status tl_interpreter_reset_variables(tl_interpreter *it) {
    int32_t i;
    if (it == NULL) return TL_STATUS_BAD_ARGUMENT;
    if (!it->allocated) return tl_fail(it, NULL, TL_STATUS_NOT_ALLOCATED, NULL);
    for (i = 0; i < it->n_tensors; i++)
        if (it->tensors[i].is_variable && !it->tensors[i].is_constant && it->tensors[i].data)
            memset(it->tensors[i].data, 0, it->tensors[i].bytes);
    return TL_STATUS_OK;
}

tl_status tl_interpreter_invoke(tl_interpreter *it) {
    int32_t i;
    if (it == NULL) return TL_STATUS_BAD_ARGUMENT;
    if (!it->allocated) return tl_fail(it, NULL, TL_STATUS_NOT_ALLOCATED, NULL);
    for (i = 0; i < it->n_nodes; i++) {
        tl_node *node = &it->nodes[i];
        tl_status st = node->kernel->eval(it, node);
        if (st != TL_STATUS_OK) {
            if (it->error[0] == 0) tl_fail(it, node, st, "eval");
            return st;
        }
    }
    return TL_STATUS_OK;
}

int32_t tl_interpreter_input_count(const tl_interpreter *it) { return it ? (int32_t)it->inputs.len : 0; }
int32_t tl_interpreter_output_count(const tl_interpreter *it) { return it ? (int32_t)it->outputs.len : 0; }

int32_t tl_interpreter_input_tensor_index(const tl_interpreter *it, int32_t index) {
    if (!it || index < 0 || (uint32_t)index >= it->inputs.len) return -1;
    return tl_fb_vec_i32(&it->fb, it->inputs, (uint32_t)index);
}

int32_t tl_interpreter_output_tensor_index(const tl_interpreter *it, int32_t index) {
    if (!it || index < 0 || (uint32_t)index >= it->outputs.len) return -1;
    return tl_fb_vec_i32(&it->fb, it->outputs, (uint32_t)index);
}

tl_tensor *tl_interpreter_input(tl_interpreter *it, int32_t index) {
    return it ? tensor_at(it, tl_interpreter_input_tensor_index(it, index)) : NULL;
}

tl_tensor *tl_interpreter_output(tl_interpreter *it, int32_t index) {
    return it ? tensor_at(it, tl_interpreter_output_tensor_index(it, index)) : NULL;
}

int32_t tl_interpreter_tensor_count(const tl_interpreter *it) { return it ? it->n_tensors : 0; }

tl_tensor *tl_interpreter_tensor(tl_interpreter *it, int32_t index) { return it ? tensor_at(it, index) : NULL; }

size_t tl_interpreter_arena_bytes_used(const tl_interpreter *it) { return it ? it->head + it->tail : 0; }

const char *tl_interpreter_error_message(const tl_interpreter *it) {
    if (it == NULL) return "no interpreter (creation failed: see the returned status)";
    return it->error[0] ? it->error : "ok";
}

int32_t tl_interpreter_node_count(const tl_interpreter *it) { return it ? it->n_nodes : 0; }

int32_t tl_interpreter_node_builtin(const tl_interpreter *it, int32_t index) {
    return (it && index >= 0 && index < it->n_nodes) ? it->nodes[index].builtin : -1;
}

void tl_interpreter_use_reference_kernels(tl_interpreter *it, int enable) {
    (void)it;
    (void)enable;
}
