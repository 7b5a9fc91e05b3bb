/* Bounds-checked FlatBuffer reading (flatcc verifier style): every accessor checks offsets and
 * lengths against the buffer before touching a byte and reports a status, so a hostile model
 * can only produce an error. Values are read with memcpy (no alignment assumptions) and are
 * little-endian, as FlatBuffers are; the runtime targets little-endian hosts. */
#ifndef TL_FB_READER_H
#define TL_FB_READER_H

#include <stddef.h>
#include <stdint.h>

#include "tensorlite.h"

typedef struct {
    const uint8_t *buf;
    size_t size;
} tl_fb;

/* A table: its position and its vtable's (whose first two uint16 are the vtable's and the table's sizes,
 * checked against the buffer when the table was found). pos == 0 means "absent" (no table starts at 0). */
typedef struct {
    uint32_t pos;
    uint32_t vt;
} tl_fb_table;

/* A vector: position of element 0 and length. len == 0 for an absent vector. */
typedef struct {
    uint32_t pos;
    uint32_t len;
} tl_fb_vec;

tl_status tl_fb_root(const tl_fb *fb, tl_fb_table *out);
tl_status tl_fb_table_at(const tl_fb *fb, uint32_t pos, tl_fb_table *out);

/* Scalars: the field's value, or `dflt` when absent. Fail if the field lies outside the table. */
tl_status tl_fb_u8(const tl_fb *fb, tl_fb_table t, int id, uint8_t dflt, uint8_t *out);
tl_status tl_fb_i8(const tl_fb *fb, tl_fb_table t, int id, int8_t dflt, int8_t *out);
tl_status tl_fb_u32(const tl_fb *fb, tl_fb_table t, int id, uint32_t dflt, uint32_t *out);
tl_status tl_fb_i32(const tl_fb *fb, tl_fb_table t, int id, int32_t dflt, int32_t *out);
tl_status tl_fb_f32(const tl_fb *fb, tl_fb_table t, int id, float dflt, float *out);
tl_status tl_fb_i64(const tl_fb *fb, tl_fb_table t, int id, int64_t dflt, int64_t *out);

/* Offset fields: sub-table (pos 0 if absent), vector of elem_size-byte elements, string. */
tl_status tl_fb_table_field(const tl_fb *fb, tl_fb_table t, int id, tl_fb_table *out);
tl_status tl_fb_vec_field(const tl_fb *fb, tl_fb_table t, int id, uint32_t elem_size, tl_fb_vec *out);
tl_status tl_fb_string_field(const tl_fb *fb, tl_fb_table t, int id, const char **out);

/* Elements of a checked vector (the index must be < len: callers loop on len). */
tl_status tl_fb_vec_table(const tl_fb *fb, tl_fb_vec v, uint32_t i, tl_fb_table *out);
int32_t tl_fb_vec_i32(const tl_fb *fb, tl_fb_vec v, uint32_t i);
float tl_fb_vec_f32(const tl_fb *fb, tl_fb_vec v, uint32_t i);
int64_t tl_fb_vec_i64(const tl_fb *fb, tl_fb_vec v, uint32_t i);

/* Raw little-endian loads (for pointers the reader already checked). */
float tl_load_f32(const uint8_t *p);
int64_t tl_load_i64(const uint8_t *p);

#endif
