/* Bounds-checked FlatBuffer accessors; see fb_reader.h. Layout facts (FlatBuffers spec): a
 * table starts with an int32 offset back to its vtable; the vtable holds uint16 vtable size,
 * uint16 table size, then one uint16 offset per field (0 = absent); offset fields hold a
 * uint32 forward offset from the field's own position; vectors and strings start with a
 * uint32 length (strings are NUL-terminated). */
#include "fb_reader.h"

#include <string.h>

static uint32_t load_u32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static int fits(const tl_fb *fb, uint64_t pos, uint64_t len) {
    return pos <= fb->size && len <= fb->size - pos;
}

float tl_load_f32(const uint8_t *p) {
    float v;
    memcpy(&v, p, 4);
    return v;
}

int64_t tl_load_i64(const uint8_t *p) {
    int64_t v;
    memcpy(&v, p, 8);
    return v;
}

tl_status tl_fb_table_at(const tl_fb *fb, uint32_t pos, tl_fb_table *out) {
    int32_t soff;
    int64_t vt;
    uint16_t vt_size, table_size;
    memset(out, 0, sizeof *out);
    if (pos == 0 || !fits(fb, pos, 4)) return TL_STATUS_MODEL_TRUNCATED;
    memcpy(&soff, fb->buf + pos, 4);
    vt = (int64_t)pos - (int64_t)soff;
    if (vt < 0 || !fits(fb, (uint64_t)vt, 4)) return TL_STATUS_MODEL_TRUNCATED;
    memcpy(&vt_size, fb->buf + vt, 2);
    memcpy(&table_size, fb->buf + vt + 2, 2);
    if (vt_size < 4 || (vt_size & 1) || table_size < 4) return TL_STATUS_MODEL_INVALID;
    if (!fits(fb, (uint64_t)vt, vt_size) || !fits(fb, pos, table_size)) return TL_STATUS_MODEL_TRUNCATED;
    out->pos = pos;
    out->vt = (uint32_t)vt;
    return TL_STATUS_OK;
}

tl_status tl_fb_root(const tl_fb *fb, tl_fb_table *out) {
    if (fb->buf == NULL || fb->size < 8 || fb->size > 0x7fffffffu) return TL_STATUS_MODEL_TRUNCATED;
    return tl_fb_table_at(fb, load_u32(fb->buf), out);
}

/* Position of field `id` holding `size` bytes, or 0 when absent. */
static tl_status field(const tl_fb *fb, tl_fb_table t, int id, uint32_t size, uint32_t *pos) {
    uint16_t off, vt_size, table_size;
    uint32_t slot = 4u + 2u * (uint32_t)id;
    *pos = 0;
    if (t.pos == 0 || id < 0) return TL_STATUS_OK;
    memcpy(&vt_size, fb->buf + t.vt, 2); /* tl_fb_table_at checked both sizes against the buffer */
    memcpy(&table_size, fb->buf + t.vt + 2, 2);
    if (slot + 2u > vt_size) return TL_STATUS_OK;
    memcpy(&off, fb->buf + t.vt + slot, 2);
    if (off == 0) return TL_STATUS_OK;
    if ((uint32_t)off + size > table_size) return TL_STATUS_MODEL_INVALID;
    *pos = t.pos + off;
    return TL_STATUS_OK;
}

#define SCALAR_READER(fn, type)                                                                 \
    tl_status fn(const tl_fb *fb, tl_fb_table t, int id, type dflt, type *out) {               \
        uint32_t pos;                                                                         \
        tl_status st = field(fb, t, id, (uint32_t)sizeof(type), &pos);                        \
        *out = dflt;                                                                          \
        if (st == TL_STATUS_OK && pos) memcpy(out, fb->buf + pos, sizeof(type));              \
        return st;                                                                            \
    }
SCALAR_READER(tl_fb_u8, uint8_t)
SCALAR_READER(tl_fb_i8, int8_t)
SCALAR_READER(tl_fb_u32, uint32_t)
SCALAR_READER(tl_fb_i32, int32_t)
SCALAR_READER(tl_fb_f32, float)
SCALAR_READER(tl_fb_i64, int64_t)

/* Follows the uoffset stored at `pos`; checks that 4 bytes exist at the target. */
static tl_status follow(const tl_fb *fb, uint32_t pos, uint32_t *target) {
    uint64_t t = (uint64_t)pos + load_u32(fb->buf + pos);
    if (!fits(fb, t, 4)) return TL_STATUS_MODEL_TRUNCATED;
    *target = (uint32_t)t;
    return TL_STATUS_OK;
}

tl_status tl_fb_table_field(const tl_fb *fb, tl_fb_table t, int id, tl_fb_table *out) {
    uint32_t pos, target;
    tl_status st = field(fb, t, id, 4, &pos);
    memset(out, 0, sizeof *out);
    if (st != TL_STATUS_OK || pos == 0) return st;
    st = follow(fb, pos, &target);
    return st != TL_STATUS_OK ? st : tl_fb_table_at(fb, target, out);
}

tl_status tl_fb_vec_field(const tl_fb *fb, tl_fb_table t, int id, uint32_t elem_size, tl_fb_vec *out) {
    uint32_t pos, target, len;
    tl_status st = field(fb, t, id, 4, &pos);
    out->pos = out->len = 0;
    if (st != TL_STATUS_OK || pos == 0) return st;
    st = follow(fb, pos, &target);
    if (st != TL_STATUS_OK) return st;
    len = load_u32(fb->buf + target);
    if (!fits(fb, (uint64_t)target + 4, (uint64_t)len * elem_size)) return TL_STATUS_MODEL_TRUNCATED;
    out->pos = target + 4;
    out->len = len;
    return TL_STATUS_OK;
}

tl_status tl_fb_string_field(const tl_fb *fb, tl_fb_table t, int id, const char **out) {
    tl_fb_vec v;
    tl_status st = tl_fb_vec_field(fb, t, id, 1, &v);
    *out = NULL;
    if (st != TL_STATUS_OK || v.pos == 0) return st;
    if (!fits(fb, (uint64_t)v.pos + v.len, 1) || fb->buf[v.pos + v.len] != 0) return TL_STATUS_MODEL_INVALID;
    *out = (const char *)fb->buf + v.pos;
    return TL_STATUS_OK;
}

tl_status tl_fb_vec_table(const tl_fb *fb, tl_fb_vec v, uint32_t i, tl_fb_table *out) {
    uint32_t target;
    tl_status st;
    memset(out, 0, sizeof *out);
    if (i >= v.len) return TL_STATUS_INDEX_OUT_OF_RANGE;
    st = follow(fb, v.pos + 4u * i, &target);
    return st != TL_STATUS_OK ? st : tl_fb_table_at(fb, target, out);
}

int32_t tl_fb_vec_i32(const tl_fb *fb, tl_fb_vec v, uint32_t i) {
    int32_t x;
    memcpy(&x, fb->buf + v.pos + 4u * i, 4);
    return x;
}

float tl_fb_vec_f32(const tl_fb *fb, tl_fb_vec v, uint32_t i) {
    return tl_load_f32(fb->buf + v.pos + 4u * i);
}

int64_t tl_fb_vec_i64(const tl_fb *fb, tl_fb_vec v, uint32_t i) {
    return tl_load_i64(fb->buf + v.pos + 8u * i);
}
