/* Threefry-2x32-20 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC 2011): a
 * 64-bit counter x0, x1 and key k0, k1 with the key schedule's third word 0x1BD11BDA ^ k0 ^ k1. The words start
 * as x + (k0, k1); each of 20 rounds adds x1 into x0, rotates x1 left by 13, 15, 26, 6, 17, 29, 16, 24 (in
 * turn) and XORs x0 into it; after every fourth round s (1..5) the schedule words s and s + 1 (mod 3) are
 * added, the second plus s. */
#ifndef TL_THREEFRY_H
#define TL_THREEFRY_H

#include <stdint.h>

static inline uint32_t tl_rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

static inline void tl_threefry2x32(const uint32_t counter[2], const uint32_t key[2], uint32_t out[2]) {
    static const int rot[8] = {13, 15, 26, 6, 17, 29, 16, 24};
    uint32_t ks[3], x0, x1;
    int r;
    ks[0] = key[0];
    ks[1] = key[1];
    ks[2] = 0x1BD11BDAu ^ key[0] ^ key[1];
    x0 = counter[0] + ks[0];
    x1 = counter[1] + ks[1];
    for (r = 0; r < 20; r++) {
        x0 += x1;
        x1 = tl_rotl32(x1, rot[r % 8]);
        x1 ^= x0;
        if (r % 4 == 3) {
            uint32_t s = (uint32_t)(r + 1) / 4;
            x0 += ks[s % 3];
            x1 += ks[(s + 1) % 3] + s;
        }
    }
    out[0] = x0;
    out[1] = x1;
}

#endif
