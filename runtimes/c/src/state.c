/* State that a new allocation keeps. LiteRT keeps resource variables and CALL_ONCE's "done" when
 * allocate_tensors runs again after a resize; here every allocation rebuilds op data in the tail,
 * so kernels keep such state with tl_alloc_state instead: it lies at the arena's start, below the planned
 * activations (plan.c places them after it), a header then items in the order prepare asks for them, each behind
 * a record of its key and size. The next allocation asks again in the same order and finds each item with its
 * values (fresh 0) as long as keys and sizes match; from the first mismatch on, items start fresh (zeroed).
 * A model whose kernels ask for none has no such area: nothing changes for it. */
#include <string.h>

#include "kernel_api.h"

typedef struct {
    uint32_t kept;   /* bytes of the area that hold an earlier allocation's items */
    uint32_t cursor; /* where the next item goes */
    uint32_t pad[2];
} state_header;

typedef struct {
    uint32_t key, bytes;
    uint32_t pad[2];
} state_item;

void tl_state_begin(tl_interpreter *it) {
    state_header *h = (state_header *)(void *)it->arena;
    it->head = 0;
    if (!it->state_kept) return;
    it->head = h->kept; /* reserved before any op data can reach it */
    h->cursor = sizeof *h;
}

void tl_state_end(tl_interpreter *it) {
    state_header *h = (state_header *)(void *)it->arena;
    if (it->head == 0) return;
    h->kept = h->cursor;
    it->state_kept = 1;
}

void *tl_alloc_state(tl_interpreter *it, uint32_t key, size_t bytes, int *fresh) {
    state_header *h = (state_header *)(void *)it->arena;
    state_item *item;
    size_t need = sizeof *item + ((bytes + 15u) & ~(size_t)15u), off;
    if (it->allocated || bytes > 0x7fffffffu) return NULL; /* only in an allocation's prepare */
    if (it->head == 0) { /* the first item of a model's first allocation */
        if (sizeof *h > it->arena_bytes - it->tail) return NULL;
        it->head = sizeof *h;
        memset(h, 0, sizeof *h);
        h->cursor = sizeof *h;
    }
    off = h->cursor;
    if (off + need > it->head) {
        if (off + need > it->arena_bytes - it->tail) return NULL;
        it->head = off + need;
    }
    item = (state_item *)(void *)(it->arena + off);
    *fresh = !(off + need <= h->kept && item->key == key && item->bytes == (uint32_t)bytes);
    if (*fresh) {
        if (h->kept > off) h->kept = (uint32_t)off; /* what follows no longer lines up */
        memset(item, 0, need);
        item->key = key;
        item->bytes = (uint32_t)bytes;
    }
    h->cursor = (uint32_t)(off + need);
    return item + 1;
}

uint32_t tl_state_key(const tl_interpreter *it, const tl_node *node) {
    return (uint32_t)node->subgraph * 65536u + (uint32_t)(node - tl_node_subgraph(it, node)->nodes);
}
