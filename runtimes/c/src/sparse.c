/* Sparse constant tensors (TFLite's SparsityParameters), densified when the model is read.
 *
 * The format stores a tensor of rank n as a tree of L = n + b levels: the n dimensions, each
 * divided by its block size when one of the b block dimensions (block_map) splits it, then the
 * b block dimensions, visited in traversal_order. A DENSE level holds dense_size children per
 * position; a SPARSE_CSR level holds, for position p of the level above, the children
 * array_indices[array_segments[p] .. array_segments[p + 1]) (int32, uint16 or uint8 vectors).
 * The buffer holds one value per leaf, in traversal order.
 *
 * Everything is verified before a byte is written: the order is a permutation with the n
 * dimensions first and the block dimensions after them in block order (what the converter
 * writes and LiteRT's reader assumes), each dense_size equals its level's size, segments start
 * at 0, never decrease and end at the index count, every index is below its level's size, and
 * the leaves number exactly the buffer's values. The dense copy then lives in the arena's
 * persistent tail, so every kernel (FULLY_CONNECTED included, and DENSIFY, which copies it)
 * reads an ordinary constant; LiteRT's reference FULLY_CONNECTED densifies a sparse float filter
 * the same way before its dense loop. */
#include <string.h>

#include "sparse.h"

enum { SP_TRAVERSAL_ORDER = 0, SP_BLOCK_MAP = 1, SP_DIM_METADATA = 2 };
enum { DM_FORMAT = 0, DM_DENSE_SIZE = 1, DM_SEGMENTS_TYPE = 2, DM_SEGMENTS = 3, DM_INDICES_TYPE = 4, DM_INDICES = 5 };
enum { VECTOR_VALUES = 0 };
enum { FORMAT_DENSE = 0, FORMAT_SPARSE_CSR = 1 };
enum { INDEX_INT32 = 1, INDEX_UINT16 = 2, INDEX_UINT8 = 3 };
#define MAX_LEVELS (2 * TL_MAX_DIMS)

#define TRY(expr)                                  \
    do {                                           \
        tl_status st_ = (expr);                    \
        if (st_ != TL_STATUS_OK) return st_;       \
    } while (0)

typedef struct {
    tl_fb_vec v;
    uint8_t type;
} index_vec;

typedef struct {
    uint8_t format;
    int32_t size; /* the level's extent: its dimension (divided by its block) or its block size */
    index_vec segments, indices;
} level;

static tl_status bad(tl_interpreter *it, const char *what) {
    return tl_fail(it, NULL, TL_STATUS_MODEL_INVALID, what);
}

static int64_t index_at(const tl_fb *fb, index_vec x, uint32_t i) {
    const uint8_t *p;
    if (x.type == INDEX_INT32) return tl_fb_vec_i32(fb, x.v, i);
    p = fb->buf + x.v.pos;
    return x.type == INDEX_UINT16 ? (int64_t)(p[2 * i] | (p[2 * i + 1] << 8)) : (int64_t)p[i];
}

/* A SparseIndexVector union member: its type byte and its table's `values` vector. */
static tl_status read_index_vec(tl_interpreter *it, tl_fb_table dm, int type_id, int table_id, index_vec *out) {
    tl_fb_table t;
    TRY(tl_fb_u8(&it->fb, dm, type_id, 0, &out->type));
    TRY(tl_fb_table_field(&it->fb, dm, table_id, &t));
    if (out->type < INDEX_INT32 || out->type > INDEX_UINT8 || !t.pos)
        return bad(it, "sparse dimension without an int32, uint16 or uint8 index vector");
    return tl_fb_vec_field(&it->fb, t, VECTOR_VALUES, out->type == INDEX_INT32 ? 4 : (out->type == INDEX_UINT16 ? 2 : 1),
                           &out->v);
}

/* Checks one CSR level below `positions` parents; returns the number of its children. */
static tl_status check_csr(tl_interpreter *it, const level *lv, int64_t positions, int64_t *children) {
    const tl_fb *fb = &it->fb;
    int64_t p, prev = 0;
    uint32_t i;
    if ((int64_t)lv->segments.v.len != positions + 1) return bad(it, "sparse array_segments length");
    for (p = 0; p <= positions; p++) {
        int64_t s = index_at(fb, lv->segments, (uint32_t)p);
        if ((p == 0 && s != 0) || s < prev) return bad(it, "sparse array_segments do not start at 0 and increase");
        prev = s;
    }
    if (prev != (int64_t)lv->indices.v.len) return bad(it, "sparse array_segments do not end at the index count");
    for (i = 0; i < lv->indices.v.len; i++) {
        int64_t x = index_at(fb, lv->indices, i);
        if (x < 0 || x >= lv->size) return bad(it, "sparse array_indices out of range");
    }
    *children = prev;
    return TL_STATUS_OK;
}

/* Walks the tree depth first, writing leaf j (value j of `values`) at its dense position. */
static void populate(const tl_fb *fb, const tl_tensor *t, const level *lv, int32_t n_levels, const int32_t *order,
                     const int32_t *block_map, const uint8_t *values, uint8_t *dense) {
    int64_t hi[MAX_LEVELS], k[MAX_LEVELS], parent[MAX_LEVELS], coord[MAX_LEVELS], leaf = 0;
    size_t elem = tl_type_size(t->type);
    int32_t i, l = 0, rank = t->ndim;
    parent[0] = 0;
    k[0] = 0;
    hi[0] = lv[0].format == FORMAT_DENSE ? lv[0].size : index_at(fb, lv[0].segments, 1);
    while (l >= 0) {
        if (k[l] >= hi[l]) { /* level done: on to the next sibling above */
            if (--l >= 0) k[l]++;
            continue;
        }
        coord[l] = lv[l].format == FORMAT_DENSE ? k[l] : index_at(fb, lv[l].indices, (uint32_t)k[l]);
        if (l == n_levels - 1) {
            int64_t orig[TL_MAX_DIMS], flat = 0;
            for (i = 0; i < rank; i++) orig[order[i]] = coord[i];
            for (i = rank; i < n_levels; i++) orig[block_map[i - rank]] = orig[block_map[i - rank]] * lv[i].size + coord[i];
            for (i = 0; i < rank; i++) flat = flat * t->dims[i] + orig[i];
            memcpy(dense + (size_t)flat * elem, values + (size_t)leaf * elem, elem);
            leaf++;
            k[l]++;
            continue;
        }
        parent[l + 1] = lv[l].format == FORMAT_DENSE ? parent[l] * lv[l].size + k[l] : k[l];
        l++;
        if (lv[l].format == FORMAT_DENSE) {
            k[l] = 0;
            hi[l] = lv[l].size;
        } else {
            k[l] = index_at(fb, lv[l].segments, (uint32_t)parent[l]);
            hi[l] = index_at(fb, lv[l].segments, (uint32_t)parent[l] + 1);
        }
    }
}

tl_status tl_sparse_densify(tl_interpreter *it, tl_fb_table sparsity, tl_fb_vec values, tl_tensor *t) {
    const tl_fb *fb = &it->fb;
    tl_fb_vec order_v, block_v, meta_v;
    level lv[MAX_LEVELS];
    int32_t order[MAX_LEVELS], block_map[TL_MAX_DIMS], block_of[TL_MAX_DIMS];
    int32_t i, rank = t->ndim, n_levels, n_blocks;
    int64_t positions = 1;
    size_t elem = tl_type_size(t->type);
    uint8_t *dense;
    TRY(tl_fb_vec_field(fb, sparsity, SP_TRAVERSAL_ORDER, 4, &order_v));
    TRY(tl_fb_vec_field(fb, sparsity, SP_BLOCK_MAP, 4, &block_v));
    TRY(tl_fb_vec_field(fb, sparsity, SP_DIM_METADATA, 4, &meta_v));
    if (elem == 0 || rank == 0) return bad(it, "sparse tensor of an unsized type or rank 0");
    if (order_v.len > MAX_LEVELS || block_v.len > (uint32_t)rank || order_v.len != (uint32_t)rank + block_v.len ||
        meta_v.len != order_v.len)
        return bad(it, "sparsity traversal_order, block_map and dim_metadata lengths do not fit the tensor's rank");
    n_levels = (int32_t)order_v.len;
    n_blocks = (int32_t)block_v.len;
    for (i = 0; i < rank; i++) block_of[i] = -1;
    for (i = 0; i < n_levels; i++) {
        order[i] = tl_fb_vec_i32(fb, order_v, (uint32_t)i);
        if (i < rank ? (order[i] < 0 || order[i] >= rank) : order[i] != i)
            return bad(it, "sparsity traversal_order is not the dimensions then the blocks in order");
    }
    for (i = 0; i < rank; i++) {
        int32_t j;
        for (j = 0; j < i; j++)
            if (order[j] == order[i]) return bad(it, "sparsity traversal_order repeats a dimension");
    }
    for (i = 0; i < n_blocks; i++) {
        block_map[i] = tl_fb_vec_i32(fb, block_v, (uint32_t)i);
        if (block_map[i] < 0 || block_map[i] >= rank || block_of[block_map[i]] >= 0)
            return bad(it, "sparsity block_map names a dimension twice or out of range");
        block_of[block_map[i]] = i;
    }
    for (i = 0; i < n_levels; i++) {
        tl_fb_table dm;
        TRY(tl_fb_vec_table(fb, meta_v, (uint32_t)i, &dm));
        TRY(tl_fb_u8(fb, dm, DM_FORMAT, FORMAT_DENSE, &lv[i].format));
        TRY(tl_fb_i32(fb, dm, DM_DENSE_SIZE, 0, &lv[i].size));
        if (lv[i].format > FORMAT_SPARSE_CSR) return bad(it, "sparse dimension format is neither DENSE nor SPARSE_CSR");
        if (lv[i].format == FORMAT_SPARSE_CSR) {
            TRY(read_index_vec(it, dm, DM_SEGMENTS_TYPE, DM_SEGMENTS, &lv[i].segments));
            TRY(read_index_vec(it, dm, DM_INDICES_TYPE, DM_INDICES, &lv[i].indices));
        }
    }
    /* each level's extent: a block's dense_size, a dimension's size over its block's */
    for (i = rank; i < n_levels; i++) {
        int32_t d = block_map[i - rank];
        if (lv[i].format != FORMAT_DENSE || lv[i].size <= 0 || t->dims[d] % lv[i].size != 0)
            return bad(it, "sparse block dimension is not dense or does not divide its dimension");
    }
    for (i = 0; i < rank; i++) {
        int32_t d = order[i], b = block_of[d];
        int32_t size = b >= 0 ? t->dims[d] / lv[rank + b].size : t->dims[d];
        if (lv[i].format == FORMAT_DENSE && lv[i].size != size) return bad(it, "sparsity dense_size differs from the shape");
        lv[i].size = size;
    }
    for (i = 0; i < n_levels; i++) {
        if (lv[i].format == FORMAT_DENSE)
            positions *= lv[i].size; /* the product of extents is the tensor's size: no overflow */
        else
            TRY(check_csr(it, &lv[i], positions, &positions));
    }
    if ((uint64_t)values.len != (uint64_t)positions * elem)
        return bad(it, "sparse tensor's buffer does not hold one value per stored element");
    dense = tl_alloc_persistent(it, t->bytes ? t->bytes : 1);
    if (!dense) return tl_fail(it, NULL, TL_STATUS_ARENA_TOO_SMALL, "densified sparse tensor");
    if (positions) populate(fb, t, lv, n_levels, order, block_map, fb->buf + values.pos, dense);
    t->data = dense;
    t->is_constant = 1;
    return TL_STATUS_OK;
}
