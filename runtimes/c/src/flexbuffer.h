/* Bounds-checked reading of a FlexBuffer map: the custom_options of TFLite Micro's signal-library
 * CUSTOM operators (and of most other custom ops) are one FlexBuffer map, read here by key.
 *
 * Every position is checked against the blob before a byte is read: a truncated, corrupted or
 * hostile blob makes the accessors return TL_STATUS_MODEL_INVALID, never read outside it. A
 * missing key, a value of the wrong kind (a string where an int is asked for) and an integer out
 * of the asked type's range are errors too. Values are little-endian (FlexBuffers always are; the
 * runtime targets little-endian hosts). No allocation: views point into the blob.
 *
 * Format facts used (FlexBuffers spec): the last byte is the root's byte width, the byte before
 * is its packed type ((type << 2) | log2(width of the data it points to)); offsets are unsigned and
 * point backwards from the position they are stored at; a map's values are a vector (its length
 * just before the first element, a packed type byte per element after the last) preceded by the
 * offset to, and the byte width of, a typed vector of keys (NUL-terminated strings). */
#ifndef TL_FLEXBUFFER_H
#define TL_FLEXBUFFER_H

#include <stddef.h>
#include <stdint.h>

#include "tensorlite.h"

/* A map: `len` values of `width` bytes at `values` (type bytes follow them), keys at `keys`. */
typedef struct {
    const uint8_t *buf;
    size_t size;
    size_t values, keys;
    uint32_t len;
    uint8_t width, key_width;
} tl_flex_map;

/* A vector of numbers: `len` elements of `width` bytes at `pos`. Typed vectors (VECTOR_INT, ...)
 * have one element type (`types` == 0); untyped ones (VECTOR) a packed type byte per element at
 * `types`. */
typedef struct {
    const uint8_t *buf;
    size_t size;
    size_t pos, types;
    uint32_t len;
    uint8_t width, elem_type;
} tl_flex_vec;

/* The blob's root, which must be a map. */
tl_status tl_flex_map_root(const uint8_t *buf, size_t size, tl_flex_map *out);

/* 1 if the map has `key` (whatever its value), else 0. */
int tl_flex_map_has(const tl_flex_map *m, const char *key);

/* Scalars by key. Integers: INT, UINT, BOOL (and their indirect forms), in the asked range.
 * Bool: any integer or bool, != 0. Float: FLOAT (4 or 8 bytes, converted to float) or an integer. */
tl_status tl_flex_map_i64(const tl_flex_map *m, const char *key, int64_t *out);
tl_status tl_flex_map_i32(const tl_flex_map *m, const char *key, int32_t *out);
tl_status tl_flex_map_bool(const tl_flex_map *m, const char *key, int *out);
tl_status tl_flex_map_f32(const tl_flex_map *m, const char *key, float *out);

/* A vector by key (typed VECTOR_INT/UINT/BOOL/FLOAT, fixed-length VECTOR_INT2..FLOAT4, or an
 * untyped VECTOR), and its elements as integers (index must be < len; float elements refused). */
tl_status tl_flex_map_vec(const tl_flex_map *m, const char *key, tl_flex_vec *out);
tl_status tl_flex_vec_i64(const tl_flex_vec *v, uint32_t i, int64_t *out);

/* An integer vector by key copied into out[0..max): its length goes to *count; more than `max`
 * elements, or one outside int32, is an error. */
tl_status tl_flex_map_i32_vec(const tl_flex_map *m, const char *key, int32_t *out, uint32_t max, uint32_t *count);

#endif
