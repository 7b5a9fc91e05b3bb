/* The arena: one caller-given block, used from both ends (TFLite Micro's head/tail layout).
 *
 *   [ head: planned activations and scratch | free | tail: persistent data, interpreter ]
 *   0                                      head            arena_bytes - tail        arena_bytes
 *
 * The tail grows downwards while the model is read and the kernels are prepared: the
 * interpreter struct, tensor and node tables, each kernel's op data, scratch requests. It is
 * never freed piecemeal. The head is sized once, by the planner, after every kernel is
 * prepared; the planner's own scratch is borrowed from the tail and given back. */
#include <stddef.h>
#include <string.h>

#include "kernel_api.h"

/* The strictest alignment among the scalars kept in persistent data (pointers, double, int64): 8 on
 * LP64 and Arm's ILP32, 4 on i386. sizeof(T) is a multiple of T's alignment, so rounding each size up
 * to it keeps the tail aligned from one allocation to the next without padding. */
struct tl_align_probe {
    char c;
    union {
        void *p;
        double d;
        int64_t i;
    } u;
};
#define TL_PERSISTENT_ALIGN offsetof(struct tl_align_probe, u)

void *tl_alloc_persistent_aligned(tl_interpreter *it, size_t bytes, size_t align) {
    size_t need = (bytes + TL_PERSISTENT_ALIGN - 1) & ~(size_t)(TL_PERSISTENT_ALIGN - 1);
    size_t base = (size_t)(uintptr_t)it->arena;
    size_t end, start;
    if (need < bytes || need > it->arena_bytes - it->tail - it->head) return NULL;
    end = base + it->arena_bytes - it->tail;
    start = (end - need) & ~(align - 1); /* align: a power of two, at least TL_PERSISTENT_ALIGN */
    if (start < base + it->head) return NULL;
    /* The arena's end is 16-aligned (tl_interpreter_init), so padding up to 16 is the same at any address;
     * beyond that it depends on where the arena lies, which the "need an arena of" figure must allow for. */
    if (align > 16) it->tail_slack += (uint32_t)(align - 16);
    it->tail = base + it->arena_bytes - start;
    memset((void *)(uintptr_t)start, 0, need);
    return (void *)(uintptr_t)start;
}

void *tl_alloc_persistent(tl_interpreter *it, size_t bytes) {
    return tl_alloc_persistent_aligned(it, bytes, TL_PERSISTENT_ALIGN);
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
