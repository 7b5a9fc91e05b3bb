/* FarmHash Fingerprint64 (see fingerprint64.h). All arithmetic is on uint64_t, wrapping as the definition's. */
#include "fingerprint64.h"

#define K0 0xc3a5c85c97cb3127ull
#define K1 0xb492b66fbe98f273ull
#define K2 0x9ae16a3b2f90404full

static uint64_t load64(const uint8_t *p) {
    uint64_t v = 0;
    int i;
    for (i = 7; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}

static uint64_t load32(const uint8_t *p) {
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24;
}

static uint64_t rot(uint64_t v, int n) { return n == 0 ? v : (v >> n) | (v << (64 - n)); }

static uint64_t shift_mix(uint64_t v) { return v ^ (v >> 47); }

/* Two words into one with multiplier mul. */
static uint64_t mix16(uint64_t u, uint64_t v, uint64_t mul) {
    uint64_t a = (u ^ v) * mul, b;
    a ^= a >> 47;
    b = (v ^ a) * mul;
    b ^= b >> 47;
    return b * mul;
}

static uint64_t len0to16(const uint8_t *s, size_t len) {
    uint64_t mul = K2 + (uint64_t)len * 2;
    if (len >= 8) {
        uint64_t a = load64(s) + K2, b = load64(s + len - 8);
        uint64_t c = rot(b, 37) * mul + a, d = (rot(a, 25) + b) * mul;
        return mix16(c, d, mul);
    }
    if (len >= 4) return mix16(len + (load32(s) << 3), load32(s + len - 4), mul);
    if (len > 0) {
        uint32_t y = (uint32_t)s[0] + ((uint32_t)s[len >> 1] << 8), z = (uint32_t)len + ((uint32_t)s[len - 1] << 2);
        return shift_mix(y * K2 ^ z * K0) * K2;
    }
    return K2;
}

static uint64_t len17to32(const uint8_t *s, size_t len) {
    uint64_t mul = K2 + (uint64_t)len * 2;
    uint64_t a = load64(s) * K1, b = load64(s + 8), c = load64(s + len - 8) * mul, d = load64(s + len - 16) * K2;
    return mix16(rot(a + b, 43) + rot(c, 30) + d, a + rot(b + K2, 18) + c, mul);
}

static uint64_t len33to64(const uint8_t *s, size_t len) {
    uint64_t mul = K2 + (uint64_t)len * 2;
    uint64_t a = load64(s) * K2, b = load64(s + 8), c = load64(s + len - 8) * mul, d = load64(s + len - 16) * K2;
    uint64_t y = rot(a + b, 43) + rot(c, 30) + d, z = mix16(y, a + rot(b + K2, 18) + c, mul);
    uint64_t e = load64(s + 16) * mul, f = load64(s + 24);
    uint64_t g = (y + load64(s + len - 32)) * mul, h = (z + load64(s + len - 24)) * mul;
    return mix16(rot(e + f, 43) + rot(g, 30) + h, e + rot(f + a, 18) + g, mul);
}

/* The 32-byte step of the block loop: (first, second) from four words of s and two seeds. */
static void weak32(const uint8_t *s, uint64_t a, uint64_t b, uint64_t out[2]) {
    uint64_t w = load64(s), x = load64(s + 8), y = load64(s + 16), z = load64(s + 24), c;
    a += w;
    b = rot(b + a + z, 21);
    c = a;
    a += x;
    a += y;
    b += rot(a, 44);
    out[0] = a + z;
    out[1] = b + c;
}

uint64_t tl_fingerprint64(const uint8_t *s, size_t len) {
    const uint64_t seed = 81;
    uint64_t x, y, z, mul, t, v[2] = {0, 0}, w[2] = {0, 0};
    const uint8_t *end, *last64;
    if (len <= 16) return len0to16(s, len);
    if (len <= 32) return len17to32(s, len);
    if (len <= 64) return len33to64(s, len);
    x = seed * K2 + load64(s);
    y = seed * K1 + 113;
    z = shift_mix(y * K2 + 113) * K2;
    end = s + ((len - 1) / 64) * 64;
    last64 = end + ((len - 1) & 63) - 63;
    do { /* every whole 64-byte block but the last bytes */
        x = rot(x + y + v[0] + load64(s + 8), 37) * K1;
        y = rot(y + v[1] + load64(s + 48), 42) * K1;
        x ^= w[1];
        y += v[0] + load64(s + 40);
        z = rot(z + w[0], 33) * K1;
        weak32(s, v[1] * K1, x + w[0], v);
        weak32(s + 32, z + w[1], y + load64(s + 16), w);
        t = z;
        z = x;
        x = t;
        s += 64;
    } while (s != end);
    /* the last 64 bytes (overlapping the previous block), with a multiplier from z */
    mul = K1 + ((z & 0xff) << 1);
    s = last64;
    w[0] += (len - 1) & 63;
    v[0] += w[0];
    w[0] += v[0];
    x = rot(x + y + v[0] + load64(s + 8), 37) * mul;
    y = rot(y + v[1] + load64(s + 48), 42) * mul;
    x ^= w[1] * 9;
    y += v[0] * 9 + load64(s + 40);
    z = rot(z + w[0], 33) * mul;
    weak32(s, v[1] * mul, x + w[0], v);
    weak32(s + 32, z + w[1], y + load64(s + 16), w);
    t = z;
    z = x;
    x = t;
    return mix16(mix16(v[0], w[0], mul) + shift_mix(y) * K0 + z, mix16(v[1], w[1], mul) + x, mul);
}
