/* TFLite string buffers (see string_tensor.h). Offsets are read and written byte by byte: buffers may be
 * unaligned (a model's constant) and the format is little-endian on every host. */
#include "string_tensor.h"

#include <string.h>

static uint32_t rd32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

size_t tl_string_default_bytes(int64_t n) { /* the reserve stops at 2^31 - 1 bytes; a header past it stays too big */
    uint64_t header = TL_STRING_HEADER_BYTES(n), all = header + (uint64_t)n * TL_STRING_ELEMENT_BYTES;
    return (size_t)(header <= 0x7fffffffu && all > 0x7fffffffu ? 0x7fffffffu : all);
}

const char *tl_string_check(const uint8_t *buf, size_t bytes, int64_t count) {
    int64_t n, i;
    uint32_t prev;
    if (bytes < 4) return "string buffer shorter than its count";
    n = (int32_t)rd32(buf);
    if (n < 0) return "string buffer with a negative count";
    if (count >= 0 && n != count) return "string buffer's count differs from its tensor's element count";
    if ((uint64_t)TL_STRING_HEADER_BYTES(n) > bytes) return "string buffer shorter than its offsets";
    prev = (uint32_t)TL_STRING_HEADER_BYTES(n);
    if (rd32(buf + 4) != prev) return "string buffer's first offset is not the end of its offsets";
    for (i = 1; i <= n; i++) {
        uint32_t off = rd32(buf + 4 + 4 * (size_t)i);
        if (off < prev || off > bytes) return "string buffer's offsets out of range or decreasing";
        prev = off;
    }
    return NULL;
}

int32_t tl_string_count(const uint8_t *buf) { return (int32_t)rd32(buf); }

const uint8_t *tl_string_at(const uint8_t *buf, int32_t i, int32_t *len) {
    uint32_t lo = rd32(buf + 4 + 4 * (size_t)i), hi = rd32(buf + 8 + 4 * (size_t)i);
    *len = (int32_t)(hi - lo);
    return buf + lo;
}

void tl_string_begin(uint8_t *out, int32_t n) {
    wr32(out, (uint32_t)n);
    wr32(out + 4, (uint32_t)TL_STRING_HEADER_BYTES(n));
}

void tl_string_put(uint8_t *out, int32_t k, uint32_t *pos, const uint8_t *s, size_t len) {
    if (len) memcpy(out + *pos, s, len);
    *pos += (uint32_t)len;
    tl_string_end(out, k, *pos);
}

void tl_string_end(uint8_t *out, int32_t k, uint32_t end) { wr32(out + 8 + 4 * (size_t)k, end); }
