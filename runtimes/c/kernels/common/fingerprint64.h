/* FarmHash's Fingerprint64 (its "na" 64-bit hash, seed-free), the hash LiteRT's LSH_PROJECTION applies to its
 * keys. Written from the function's definition: the length classes 0-16, 17-32, 33-64 and the 64-byte block loop,
 * reading bytes little-endian whatever the host's byte order, so the value is the same everywhere. */
#ifndef TL_FINGERPRINT64_H
#define TL_FINGERPRINT64_H

#include <stddef.h>
#include <stdint.h>

uint64_t tl_fingerprint64(const uint8_t *s, size_t len);

#endif
