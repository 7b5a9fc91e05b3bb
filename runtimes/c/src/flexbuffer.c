/* Bounds-checked FlexBuffer map reader; see flexbuffer.h. */
#include "flexbuffer.h"

#include <string.h>

/* FlexBuffers value types (the spec's FBT_* numbering). */
enum {
    FT_INT = 1, FT_UINT = 2, FT_FLOAT = 3, FT_KEY = 4, FT_INDIRECT_INT = 6, FT_INDIRECT_UINT = 7,
    FT_INDIRECT_FLOAT = 8, FT_MAP = 9, FT_VECTOR = 10, FT_VECTOR_INT = 11, FT_VECTOR_UINT = 12,
    FT_VECTOR_FLOAT = 13, FT_VECTOR_KEY = 14, FT_VECTOR_INT2 = 16, FT_VECTOR_FLOAT4 = 24, FT_BOOL = 26,
    FT_VECTOR_BOOL = 36
};

#define BAD TL_STATUS_MODEL_INVALID

/* A value: its type and where its bytes are. Inline scalars (INT, UINT, FLOAT, BOOL) sit where the
 * parent stores them, `width` being the parent's element width; everything else is reached through
 * an offset, `pos` then being the target and `width` the width the packed type gives. */
typedef struct {
    size_t pos;
    uint8_t type, width;
} ref;

static int fits(size_t size, size_t pos, uint64_t len) { return pos <= size && len <= size - pos; }

static int valid_width(uint64_t w) { return w == 1 || w == 2 || w == 4 || w == 8; }

/* Unsigned / signed little-endian integer of `w` bytes at pos (checked). */
static int read_u(const uint8_t *buf, size_t size, size_t pos, unsigned w, uint64_t *out) {
    unsigned k;
    uint64_t v = 0;
    if (!valid_width(w) || !fits(size, pos, w)) return 0;
    for (k = 0; k < w; k++) v |= (uint64_t)buf[pos + k] << (8 * k);
    *out = v;
    return 1;
}

static int read_i(const uint8_t *buf, size_t size, size_t pos, unsigned w, int64_t *out) {
    uint64_t u;
    if (!read_u(buf, size, pos, w, &u)) return 0;
    if (w < 8 && (u >> (8 * w - 1)) & 1) u |= ~(uint64_t)0 << (8 * w); /* sign-extend */
    *out = u <= (uint64_t)INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
    return 1;
}

/* The target of an offset stored at `pos` (`w` bytes): pos - offset, which must lie in the blob. */
static int follow(const uint8_t *buf, size_t size, size_t pos, unsigned w, size_t *out) {
    uint64_t off;
    if (!read_u(buf, size, pos, w, &off) || off > pos) return 0;
    *out = pos - (size_t)off;
    return 1;
}

/* The value stored at `pos` in a parent of element width `parent_width`, with packed type `packed`. */
static int make_ref(const uint8_t *buf, size_t size, size_t pos, unsigned parent_width, uint8_t packed, ref *out) {
    out->type = (uint8_t)(packed >> 2);
    switch (out->type) {
    case FT_INT: case FT_UINT: case FT_FLOAT: case FT_BOOL:
        if (!valid_width(parent_width) || !fits(size, pos, parent_width)) return 0;
        out->pos = pos;
        out->width = (uint8_t)parent_width;
        return 1;
    default:
        out->width = (uint8_t)(1u << (packed & 3));
        return follow(buf, size, pos, parent_width, &out->pos);
    }
}

static int ref_int(const uint8_t *buf, size_t size, const ref *r, int64_t *out) {
    uint64_t u;
    switch (r->type) {
    case FT_INT: case FT_INDIRECT_INT: return read_i(buf, size, r->pos, r->width, out);
    case FT_UINT: case FT_INDIRECT_UINT: case FT_BOOL:
        if (!read_u(buf, size, r->pos, r->width, &u) || u > (uint64_t)INT64_MAX) return 0;
        *out = (int64_t)u;
        return 1;
    default: return 0;
    }
}

static int ref_double(const uint8_t *buf, size_t size, const ref *r, double *out) {
    int64_t i;
    if (r->type == FT_FLOAT || r->type == FT_INDIRECT_FLOAT) {
        if (r->width == 4 && fits(size, r->pos, 4)) {
            float f;
            memcpy(&f, buf + r->pos, 4);
            *out = f;
            return 1;
        }
        if (r->width == 8 && fits(size, r->pos, 8)) {
            memcpy(out, buf + r->pos, 8);
            return 1;
        }
        return 0;
    }
    if (!ref_int(buf, size, r, &i)) return 0;
    *out = (double)i;
    return 1;
}

tl_status tl_flex_map_root(const uint8_t *buf, size_t size, tl_flex_map *out) {
    ref root;
    uint64_t keys_width, len, keys_len;
    size_t w;
    memset(out, 0, sizeof *out);
    if (buf == NULL || size < 3) return BAD;
    w = buf[size - 1];
    if (!valid_width(w) || size < 2 + w) return BAD;
    if (!make_ref(buf, size, size - 2 - w, (unsigned)w, buf[size - 2], &root) || root.type != FT_MAP) return BAD;
    /* before the values: keys offset, keys width, length (each `root.width` bytes) */
    w = root.width;
    if (root.pos < 3 * w) return BAD;
    if (!read_u(buf, size, root.pos - w, (unsigned)w, &len) ||
        !read_u(buf, size, root.pos - 2 * w, (unsigned)w, &keys_width) ||
        !follow(buf, size, root.pos - 3 * w, (unsigned)w, &out->keys))
        return BAD;
    /* values, then one type byte each */
    if (len > size || !fits(size, root.pos, len * (w + 1))) return BAD;
    if (!valid_width(keys_width) || out->keys < keys_width || !fits(size, out->keys, len * keys_width) ||
        !read_u(buf, size, out->keys - (size_t)keys_width, (unsigned)keys_width, &keys_len) || keys_len != len)
        return BAD;
    out->buf = buf;
    out->size = size;
    out->values = root.pos;
    out->len = (uint32_t)len;
    out->width = (uint8_t)w;
    out->key_width = (uint8_t)keys_width;
    return TL_STATUS_OK;
}

/* Index of `key` in the map (-1 if absent or the map is malformed there). Keys are compared
 * linearly: a hostile blob need not keep them sorted. */
static int64_t find(const tl_flex_map *m, const char *key) {
    uint32_t i;
    size_t klen = strlen(key);
    if (m->buf == NULL) return -1;
    for (i = 0; i < m->len; i++) {
        size_t at;
        if (!follow(m->buf, m->size, m->keys + (size_t)i * m->key_width, m->key_width, &at)) return -1;
        /* the key and its NUL terminator must lie in the blob */
        if (fits(m->size, at, (uint64_t)klen + 1) && memcmp(m->buf + at, key, klen) == 0 && m->buf[at + klen] == 0)
            return i;
    }
    return -1;
}

static int lookup(const tl_flex_map *m, const char *key, ref *out) {
    int64_t i = find(m, key);
    if (i < 0) return 0;
    return make_ref(m->buf, m->size, m->values + (size_t)i * m->width, m->width,
                    m->buf[m->values + (size_t)m->len * m->width + (size_t)i], out);
}

int tl_flex_map_has(const tl_flex_map *m, const char *key) { return find(m, key) >= 0; }

tl_status tl_flex_map_i64(const tl_flex_map *m, const char *key, int64_t *out) {
    ref r;
    return lookup(m, key, &r) && ref_int(m->buf, m->size, &r, out) ? TL_STATUS_OK : BAD;
}

tl_status tl_flex_map_i32(const tl_flex_map *m, const char *key, int32_t *out) {
    int64_t v;
    if (tl_flex_map_i64(m, key, &v) != TL_STATUS_OK || v < INT32_MIN || v > INT32_MAX) return BAD;
    *out = (int32_t)v;
    return TL_STATUS_OK;
}

tl_status tl_flex_map_bool(const tl_flex_map *m, const char *key, int *out) {
    int64_t v;
    if (tl_flex_map_i64(m, key, &v) != TL_STATUS_OK) return BAD;
    *out = v != 0;
    return TL_STATUS_OK;
}

tl_status tl_flex_map_f32(const tl_flex_map *m, const char *key, float *out) {
    ref r;
    double d;
    if (!lookup(m, key, &r) || !ref_double(m->buf, m->size, &r, &d)) return BAD;
    *out = (float)d;
    return TL_STATUS_OK;
}

tl_status tl_flex_map_vec(const tl_flex_map *m, const char *key, tl_flex_vec *out) {
    ref r;
    uint64_t len;
    memset(out, 0, sizeof *out);
    if (!lookup(m, key, &r)) return BAD;
    if (r.type >= FT_VECTOR_INT2 && r.type <= FT_VECTOR_FLOAT4) { /* fixed length 2, 3 or 4, no prefix */
        len = (uint64_t)(r.type - FT_VECTOR_INT2) / 3 + 2;
        out->elem_type = (uint8_t)(FT_INT + (r.type - FT_VECTOR_INT2) % 3);
    } else {
        if (r.pos < r.width || !read_u(m->buf, m->size, r.pos - r.width, r.width, &len)) return BAD;
        switch (r.type) {
        case FT_VECTOR: out->elem_type = 0; break;
        case FT_VECTOR_INT: out->elem_type = FT_INT; break;
        case FT_VECTOR_UINT: out->elem_type = FT_UINT; break;
        case FT_VECTOR_FLOAT: out->elem_type = FT_FLOAT; break;
        case FT_VECTOR_BOOL: out->elem_type = FT_BOOL; break;
        default: return BAD;
        }
    }
    if (len > m->size || !fits(m->size, r.pos, len * (r.width + (r.type == FT_VECTOR ? 1u : 0u)))) return BAD;
    out->buf = m->buf;
    out->size = m->size;
    out->pos = r.pos;
    out->types = r.type == FT_VECTOR ? r.pos + (size_t)len * r.width : 0;
    out->len = (uint32_t)len;
    out->width = r.width;
    return TL_STATUS_OK;
}

tl_status tl_flex_vec_i64(const tl_flex_vec *v, uint32_t i, int64_t *out) {
    ref r;
    size_t at;
    if (v->buf == NULL || i >= v->len) return BAD;
    at = v->pos + (size_t)i * v->width;
    if (v->types) {
        if (!make_ref(v->buf, v->size, at, v->width, v->buf[v->types + i], &r)) return BAD;
    } else {
        r.type = v->elem_type;
        r.pos = at;
        r.width = v->width;
    }
    return ref_int(v->buf, v->size, &r, out) ? TL_STATUS_OK : BAD;
}

tl_status tl_flex_map_i32_vec(const tl_flex_map *m, const char *key, int32_t *out, uint32_t max, uint32_t *count) {
    tl_flex_vec v;
    uint32_t i;
    *count = 0;
    if (tl_flex_map_vec(m, key, &v) != TL_STATUS_OK || v.len > max) return BAD;
    for (i = 0; i < v.len; i++) {
        int64_t x;
        if (tl_flex_vec_i64(&v, i, &x) != TL_STATUS_OK || x < INT32_MIN || x > INT32_MAX) return BAD;
        out[i] = (int32_t)x;
    }
    *count = v.len;
    return TL_STATUS_OK;
}
