/* Philox-4x32-10 (kernels/common/philox.h) against the known-answer vectors its authors publish with Random123
 * (kat_vectors: counter, key -> the block), the 128-bit counter's carries, and the word-to-float conversions. */
#include <stdio.h>

#include "../kernels/common/philox.h"

static int failures;

static void check(const char *what, const uint32_t got[4], const uint32_t want[4]) {
    int i;
    for (i = 0; i < 4; i++)
        if (got[i] != want[i]) {
            printf("philox %s: word %d is %08x, expected %08x\n", what, i, (unsigned)got[i], (unsigned)want[i]);
            failures++;
        }
}

int main(void) {
    static const struct {
        uint32_t counter[4], key[2], block[4];
    } kat[3] = {
        {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}},
        {{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}, {0xffffffffu, 0xffffffffu},
         {0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}},
        {{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}, {0xa4093822u, 0x299f31d0u},
         {0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}},
    };
    tl_philox p;
    uint32_t block[4];
    int i;
    for (i = 0; i < 3; i++) {
        memcpy(p.counter, kat[i].counter, sizeof p.counter);
        memcpy(p.key, kat[i].key, sizeof p.key);
        tl_philox_next(&p, block);
        check("known answer", block, kat[i].block);
    }
    { /* a block steps the counter by one; the all-ones counter wraps to zero through every word */
        static const uint32_t zero[4] = {0, 0, 0, 0}, next[4] = {0x243f6a89u, 0x85a308d3u, 0x13198a2eu, 0x03707344u};
        static const uint32_t carried[4] = {0x00000001u, 0x00000000u, 0x00000001u, 0x00000000u};
        check("counter step", p.counter, next);
        memcpy(p.counter, kat[1].counter, sizeof p.counter);
        tl_philox_skip(&p, 1);
        check("counter wrap", p.counter, zero);
        p.counter[0] = p.counter[1] = 0xffffffffu;
        p.counter[2] = p.counter[3] = 0;
        tl_philox_skip(&p, 2);
        check("counter carry", p.counter, carried);
    }
    tl_philox_seed(&p, -3, (int64_t)1 << 35); /* seeds are truncated to int32 and sign-extended */
    if (p.key[0] != 0xfffffffdu || p.key[1] != 0xffffffffu || p.counter[2] != 0 || p.counter[3] != 0) {
        printf("philox seed: key %08x %08x counter %08x %08x\n", (unsigned)p.key[0], (unsigned)p.key[1],
               (unsigned)p.counter[2], (unsigned)p.counter[3]);
        failures++;
    }
    if (tl_philox_float(0) != 0.0f || tl_philox_float(0xffffffffu) != 1.0f - 1.0f / 8388608.0f ||
        tl_philox_double(0, 0) != 0.0 || tl_philox_double(0xffffffffu, 0xffffffffu) != 1.0 - 1.0 / 4503599627370496.0) {
        printf("philox: word to float conversions\n");
        failures++;
    }
    if (failures) return 1;
    printf("philox: ok\n");
    return 0;
}
