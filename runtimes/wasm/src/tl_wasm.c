/* tl_wasm.c — the C side of the JS bundle: one handle per loaded model owning the model bytes, the
 * arena and the interpreter, so JavaScript makes one call to load and one to free. The arena is
 * grown (doubled) until allocation succeeds, as the Python binding does; the core runtime itself
 * never allocates. Tensor fields are read through small accessors, so the JS side does not depend on
 * the struct layout. Every entry point checks its handle: a bad file or a misuse gives a status and
 * a message, never a trap. */
#include <stdlib.h>
#include <string.h>

#include "tl_wasm.h"

#define TLW_MAX_ARENA ((size_t)1 << 30)

struct tlw_model {
    tl_model model;
    uint8_t *bytes;     /* the model, owned: the interpreter reads it in place */
    size_t size;
    uint8_t *arena;
    size_t arena_size;
    tl_interpreter *it; /* NULL until allocated, or when loading failed */
    tl_status status;   /* of the last failing call */
    const char *message;
    double *profile_ms; /* per node of subgraph 0, when profiling */
    double node_start;
};

/* imported from JavaScript (src/tensorlite.js: performance.now()) */
__attribute__((import_module("env"), import_name("tlw_now"))) double tlw_now(void);

static void tlw_profile_hook(void *user, int32_t subgraph, int32_t node, int end) {
    tlw_model *m = (tlw_model *)user;
    if (subgraph != 0) return;
    if (!end) m->node_start = tlw_now();
    else m->profile_ms[node] += tlw_now() - m->node_start;
}

static tl_status tlw_try_arena(tlw_model *m, uint32_t cpu_mask, uint32_t flags) {
    tl_status st = TL_STATUS_OK;
    free(m->arena);
    m->it = NULL;
    m->arena = (uint8_t *)malloc(m->arena_size);
    if (!m->arena) {
        m->message = "out of memory: the arena could not be allocated";
        return TL_STATUS_ARENA_TOO_SMALL;
    }
    m->it = tl_interpreter_init(&m->model, NULL, m->arena, m->arena_size, &st);
    if (!m->it) {
        m->message = tl_status_message(st);
        return st;
    }
    if (st == TL_STATUS_OK) st = tl_interpreter_set_cpu_features(m->it, cpu_mask);
    if (st == TL_STATUS_OK) st = tl_interpreter_set_reference_kernels(m->it, (flags & TLW_REFERENCE_KERNELS) != 0);
    if (st == TL_STATUS_OK) st = tl_interpreter_allocate_tensors(m->it);
    if (st != TL_STATUS_OK) m->message = tl_interpreter_error_message(m->it);
    return st;
}

tlw_model *tlw_model_load(uint8_t *bytes, size_t size, uint32_t cpu_mask, uint32_t flags) {
    tlw_model *m = (tlw_model *)calloc(1, sizeof *m);
    if (!m) {
        free(bytes);
        return NULL;
    }
    m->bytes = bytes;
    m->size = size;
    m->status = tl_model_init(&m->model, bytes, size);
    if (m->status != TL_STATUS_OK) {
        m->message = tl_status_message(m->status);
        return m;
    }
    m->arena_size = 2 * size > 64 * 1024 ? 2 * size : 64 * 1024;
    for (;;) {
        m->status = tlw_try_arena(m, cpu_mask, flags);
        if (m->status != TL_STATUS_ARENA_TOO_SMALL || !m->arena || m->arena_size >= TLW_MAX_ARENA) break;
        m->arena_size *= 2;
    }
    if (m->status != TL_STATUS_OK) m->it = NULL; /* only the message is kept */
    else m->message = "";
    return m;
}

void tlw_model_free(tlw_model *m) {
    if (!m) return;
    free(m->profile_ms);
    free(m->arena);
    free(m->bytes);
    free(m);
}

int32_t tlw_model_status(const tlw_model *m) { return m ? (int32_t)m->status : (int32_t)TL_STATUS_BAD_ARGUMENT; }
const char *tlw_model_message(const tlw_model *m) { return m ? m->message : "out of memory"; }
tl_interpreter *tlw_model_interpreter(tlw_model *m) { return m ? m->it : NULL; }

int32_t tlw_model_invoke(tlw_model *m) {
    if (!m || !m->it) return TL_STATUS_NOT_ALLOCATED;
    m->status = tl_interpreter_invoke(m->it);
    m->message = m->status == TL_STATUS_OK ? "" : tl_interpreter_error_message(m->it);
    return (int32_t)m->status;
}

int32_t tlw_model_reset_variables(tlw_model *m) {
    if (!m || !m->it) return TL_STATUS_NOT_ALLOCATED;
    return (int32_t)tl_interpreter_reset_variables(m->it);
}

size_t tlw_model_arena_bytes(const tlw_model *m) { return m && m->it ? m->arena_size : 0; }

/* Tensor fields (NULL-safe). */
void *tlw_tensor_data(const tl_tensor *t) { return t ? t->data : NULL; }
const char *tlw_tensor_name(const tl_interpreter *it, const tl_tensor *t) {
    const char *name = tl_tensor_name(it, t);
    return name ? name : "";
}
int32_t tlw_tensor_type(const tl_tensor *t) { return t ? (int32_t)t->type : -1; }
int32_t tlw_tensor_ndim(const tl_tensor *t) { return t ? t->ndim : 0; }
int32_t tlw_tensor_dim(const tl_tensor *t, int32_t i) {
    return t && i >= 0 && i < t->ndim ? t->dims[i] : 0;
}
uint32_t tlw_tensor_bytes(const tl_tensor *t) { return t ? t->bytes : 0; }
int32_t tlw_tensor_quant_count(const tl_interpreter *it, const tl_tensor *t) {
    return tl_tensor_quantization(it, t).count;
}
int32_t tlw_tensor_quant_dim(const tl_tensor *t) { return t ? t->quant_dim : 0; }
/* Channel c's scale and zero point (the model stores them little-endian, unaligned). */
float tlw_tensor_scale(const tl_interpreter *it, const tl_tensor *t, int32_t c) {
    tl_quantization q = tl_tensor_quantization(it, t);
    float s;
    if (c < 0 || c >= q.count) return 0.0f;
    memcpy(&s, q.scales + 4 * c, 4);
    return s;
}
int32_t tlw_tensor_zero_point(const tl_interpreter *it, const tl_tensor *t, int32_t c) {
    tl_quantization q = tl_tensor_quantization(it, t);
    int64_t z;
    if (c < 0 || c >= q.count || !q.zero_points) return 0;
    memcpy(&z, q.zero_points + 8 * c, 8);
    return (int32_t)z;
}

uint32_t tlw_cpu_features(void) { return tl_cpu_features(); }

int32_t tlw_model_set_profiling(tlw_model *m, int32_t enable) {
    int32_t nodes;
    if (!m || !m->it) return 0;
    if (!enable) {
        tl_interpreter_set_node_hook(m->it, NULL, NULL);
        return 1;
    }
    nodes = tl_interpreter_get_node_count(m->it);
    free(m->profile_ms);
    m->profile_ms = (double *)calloc(nodes > 0 ? (size_t)nodes : 1, sizeof(double));
    if (!m->profile_ms) return 0;
    tl_interpreter_set_node_hook(m->it, tlw_profile_hook, m);
    return 1;
}

double *tlw_model_profile_ms(tlw_model *m) { return m ? m->profile_ms : NULL; }

const char *tlw_model_node_op_name(tlw_model *m, int32_t node) {
    const char *name = m && m->it ? tl_interpreter_get_node_op_name(m->it, node) : NULL;
    return name ? name : "";
}
