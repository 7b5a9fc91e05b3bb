/* Threefry-2x32-20 (kernels/common/threefry.h) against the known-answer vectors its authors publish with
 * Random123 (kat_vectors: counter, key -> the block). */
#include <stdio.h>

#include "../kernels/common/threefry.h"

int main(void) {
    static const uint32_t kat[3][6] = { /* counter[2], key[2], block[2] */
        {0, 0, 0, 0, 0x6b200159u, 0x99ba4efeu},
        {0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x1cb996fcu, 0xbb002be7u},
        {0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xc4923a9cu, 0x483df7a0u},
    };
    int i, failures = 0;
    for (i = 0; i < 3; i++) {
        uint32_t out[2];
        tl_threefry2x32(kat[i], kat[i] + 2, out);
        if (out[0] != kat[i][4] || out[1] != kat[i][5]) {
            printf("threefry vector %d: %08x %08x, expected %08x %08x\n", i, (unsigned)out[0], (unsigned)out[1],
                   (unsigned)kat[i][4], (unsigned)kat[i][5]);
            failures++;
        }
    }
    if (failures) return 1;
    printf("threefry: ok\n");
    return 0;
}
