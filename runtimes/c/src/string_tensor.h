/* STRING tensors in TFLite's buffer format: int32 count, count + 1 int32 offsets from the buffer's start (the
 * first just past them, the last the end of the bytes), then the strings' bytes, little-endian. A string tensor's
 * `bytes` is its buffer's capacity: a constant's buffer size, an input's reserve (TL_STRING_ELEMENT_BYTES per
 * element unless tl_interpreter_set_string_capacity says otherwise), the bound a kernel's prepare gives its output. */
#ifndef TL_STRING_TENSOR_H
#define TL_STRING_TENSOR_H

#include <stddef.h>
#include <stdint.h>

#include "tensorlite.h"

#define TL_STRING_ELEMENT_BYTES 1024u /* an input's default reserve per element, besides its header */

/* Bytes of the header (count and offsets) of n strings. */
#define TL_STRING_HEADER_BYTES(n) ((uint64_t)4 * ((uint64_t)(n) + 2))

/* The default capacity of a string tensor of n elements (header + TL_STRING_ELEMENT_BYTES each). */
size_t tl_string_default_bytes(int64_t n);

/* NULL when buf[0, bytes) is a well-formed buffer of `count` strings (count < 0: any count), else what is wrong. */
const char *tl_string_check(const uint8_t *buf, size_t bytes, int64_t count);

/* String i of a checked buffer: its bytes and length. */
int32_t tl_string_count(const uint8_t *buf);
const uint8_t *tl_string_at(const uint8_t *buf, int32_t i, int32_t *len);

/* Writing a buffer of n strings into out[0, capacity): tl_string_begin writes the count; then each string in order
 * with tl_string_put (k = 0, 1, ...; `pos` holds the next byte's offset, start it at TL_STRING_HEADER_BYTES(n));
 * the caller has checked that everything fits. Each tl_string_put writes the offset that ends its string. */
void tl_string_begin(uint8_t *out, int32_t n);
void tl_string_put(uint8_t *out, int32_t k, uint32_t *pos, const uint8_t *s, size_t len);
/* Ends string k at offset `end` (its bytes written in place by the caller). */
void tl_string_end(uint8_t *out, int32_t k, uint32_t end);

#endif
