/* Philox-4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC 2011): a
 * 128-bit counter c0..c3 and a 64-bit key k0, k1. One round multiplies c0 and c2 by 0xD2511F53 and 0xCD9E8D57
 * into 64-bit products and gives (hi(c2 product) ^ c1 ^ k0, lo(c2 product), hi(c0 product) ^ c3 ^ k1,
 * lo(c0 product)); the key then grows by the Weyl constants 0x9E3779B9, 0xBB67AE85; ten rounds. Each block
 * gives four 32-bit words and the counter then steps by one.
 *
 * The random builtins seed it as LiteRT does (checked on its output): seed and seed2, truncated to int32 and
 * sign-extended to 64 bits, are the key and the counter's upper half. Words become floats as TensorFlow's
 * generators make them: 23 random mantissa bits under the exponent of 1.0, less 1.0 ([0, 1) float), and
 * doubles from two words (the first the upper 32 bits) with 52 random mantissa bits. */
#ifndef TL_PHILOX_H
#define TL_PHILOX_H

#include <stdint.h>
#include <string.h>

typedef struct {
    uint32_t counter[4];
    uint32_t key[2];
} tl_philox;

static inline void tl_philox_seed(tl_philox *p, int64_t seed, int64_t seed2) {
    uint64_t k = (uint64_t)(int64_t)(int32_t)(uint32_t)(uint64_t)seed;
    uint64_t c = (uint64_t)(int64_t)(int32_t)(uint32_t)(uint64_t)seed2;
    p->key[0] = (uint32_t)k;
    p->key[1] = (uint32_t)(k >> 32);
    p->counter[0] = p->counter[1] = 0;
    p->counter[2] = (uint32_t)c;
    p->counter[3] = (uint32_t)(c >> 32);
}

/* The counter advanced by n blocks (128-bit addition). */
static inline void tl_philox_skip(tl_philox *p, uint64_t n) {
    uint64_t lo = (uint64_t)p->counter[0] | (uint64_t)p->counter[1] << 32, sum = lo + n;
    p->counter[0] = (uint32_t)sum;
    p->counter[1] = (uint32_t)(sum >> 32);
    if (sum < lo) {
        uint64_t hi = ((uint64_t)p->counter[2] | (uint64_t)p->counter[3] << 32) + 1;
        p->counter[2] = (uint32_t)hi;
        p->counter[3] = (uint32_t)(hi >> 32);
    }
}

/* The block of the current counter, then the counter steps by one. */
static inline void tl_philox_next(tl_philox *p, uint32_t out[4]) {
    uint32_t c[4], k0 = p->key[0], k1 = p->key[1];
    int round;
    memcpy(c, p->counter, sizeof c);
    for (round = 0; round < 10; round++) {
        uint64_t a = (uint64_t)0xD2511F53u * c[0], b = (uint64_t)0xCD9E8D57u * c[2];
        uint32_t n0 = (uint32_t)(b >> 32) ^ c[1] ^ k0, n2 = (uint32_t)(a >> 32) ^ c[3] ^ k1;
        c[0] = n0;
        c[1] = (uint32_t)b;
        c[2] = n2;
        c[3] = (uint32_t)a;
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
    memcpy(out, c, sizeof c);
    tl_philox_skip(p, 1);
}

static inline float tl_philox_float(uint32_t x) {
    uint32_t bits = (x & 0x7fffffu) | 0x3f800000u;
    float f;
    memcpy(&f, &bits, sizeof f);
    return f - 1.0f;
}

static inline double tl_philox_double(uint32_t hi, uint32_t lo) {
    uint64_t bits = (((uint64_t)hi << 32 | lo) & 0xFFFFFFFFFFFFFull) | 0x3FF0000000000000ull;
    double d;
    memcpy(&d, &bits, sizeof d);
    return d - 1.0;
}

#endif
