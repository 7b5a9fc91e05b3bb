/* See signal_math.h. */
#include "signal_math.h"

uint32_t tl_signal_msb32(uint32_t x) {
    uint32_t n = 0;
    if (x == 0) return 32;
    while (x) {
        x >>= 1;
        n++;
    }
    return n;
}

uint32_t tl_signal_msb64(uint64_t x) {
    uint32_t n = 0;
    if (x == 0) return 64;
    while (x) {
        x >>= 1;
        n++;
    }
    return n;
}

uint16_t tl_signal_sqrt32(uint32_t x) {
    uint32_t root = 0, bit;
    int start, steps;
    if (x == 0) return 0;
    start = (int)(32 - tl_signal_msb32(x)) | 1; /* leading zeros, made odd */
    bit = (uint32_t)1 << (31 - start);
    for (steps = (31 - start) / 2 + 1; steps > 0; steps--, bit >>= 2) {
        if (x >= root + bit) {
            x -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
    }
    if (x > root && root != 0xFFFFu) root++; /* round up when the remainder says so */
    return (uint16_t)root;
}

uint32_t tl_signal_sqrt64(uint64_t x) {
    uint64_t root = 0, bit;
    int start, steps;
    if ((x >> 32) == 0) return tl_signal_sqrt32((uint32_t)x);
    start = (int)(64 - tl_signal_msb64(x)) | 1;
    bit = (uint64_t)1 << (63 - start);
    for (steps = (63 - start) / 2 + 1; steps > 0; steps--, bit >>= 2) {
        if (x >= root + bit) {
            x -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
    }
    if (x > root && root != 0xFFFFFFFFu) root++;
    return (uint32_t)root;
}

/* Correction added to the linear fraction of log2 over 128 segments of [1, 2), in Q16 (TFLM's
 * table; the last two entries close the interpolation). */
static const uint16_t log2_correction[130] = {
    0,    224,  442,  654,  861,  1063, 1259, 1450, 1636, 1817, 1992, 2163, 2329, 2490, 2646, 2797,
    2944, 3087, 3224, 3358, 3487, 3611, 3732, 3848, 3960, 4068, 4172, 4272, 4368, 4460, 4549, 4633,
    4714, 4791, 4864, 4934, 5001, 5063, 5123, 5178, 5231, 5280, 5326, 5368, 5408, 5444, 5477, 5507,
    5533, 5557, 5578, 5595, 5610, 5622, 5631, 5637, 5640, 5641, 5638, 5633, 5626, 5615, 5602, 5586,
    5568, 5547, 5524, 5498, 5470, 5439, 5406, 5370, 5332, 5291, 5249, 5203, 5156, 5106, 5054, 5000,
    4944, 4885, 4825, 4762, 4697, 4630, 4561, 4490, 4416, 4341, 4264, 4184, 4103, 4020, 3935, 3848,
    3759, 3668, 3575, 3481, 3384, 3286, 3186, 3084, 2981, 2875, 2768, 2659, 2549, 2437, 2323, 2207,
    2090, 1971, 1851, 1729, 1605, 1480, 1353, 1224, 1094, 963,  830,  695,  559,  421,  282,  142,
    0,    0};

uint32_t tl_signal_log32(uint32_t x, uint32_t out_scale) {
    const uint32_t half = 1u << 15; /* rounding, in Q16 */
    uint32_t whole = tl_signal_msb32(x) - 1, seg, log2_q16, ln_q16;
    int32_t frac = (int32_t)(x - ((uint32_t)1 << whole)), c0, c1, interp;
    /* the bits below the leading one as a Q16 fraction */
    if (whole < 16) frac = (int32_t)((uint32_t)frac << (16 - whole));
    else frac >>= whole - 16;
    seg = (uint32_t)frac >> 9; /* 128 segments of 512 */
    c0 = log2_correction[seg];
    c1 = log2_correction[seg + 1];
    interp = ((c1 - c0) * (frac - (int32_t)(seg << 9))) >> 16;
    log2_q16 = (whole << 16) + (uint32_t)(frac + c0 + interp);
    ln_q16 = (uint32_t)(((uint64_t)45426 * log2_q16 + half) >> 16); /* 45426 = ln(2) in Q16 */
    return (out_scale * ln_q16 + half) >> 16;
}
