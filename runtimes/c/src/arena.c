/* The arena: one caller-given block, used from both ends (TFLite Micro's head/tail layout).
 *
 *   [ head: planned activations and scratch | free | tail: persistent data, interpreter ]
 *   0                                      head            arena_bytes - tail        arena_bytes
 *
 * The tail grows downwards while the model is read and the kernels are prepared: the
 * interpreter struct, tensor and node tables, each kernel's op data, scratch requests. It is
 * never freed piecemeal. The head is sized once, by the planner, after every kernel is
 * prepared; the planner's own scratch is borrowed from the tail and given back. */
#include <string.h>

#include "kernel_api.h"

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

tl_scratch *tl_request_scratch(tl_interpreter *it, const tl_node *node, size_t bytes) {
    tl_scratch *s;
    if (it->allocated && node && (node->dynamic & TL_NODE_RESHAPED)) /* prepared again at invoke (dynamic.c) */
        return tl_dynamic_scratch(it, node, bytes);
    if (it->allocated || bytes > 0x7fffffffu) return NULL; /* only during prepare */
    s = tl_alloc_persistent(it, sizeof *s);
    if (s == NULL) return NULL;
    s->bytes = bytes;
    s->node = node;
    s->next = it->scratch;
    it->scratch = s;
    return s;
}

size_t tl_interpreter_arena_bytes_used(const tl_interpreter *it) { return it ? it->head + it->tail : 0; }
