/* requant_wasm.h (WebAssembly SIMD128) against the scalar tl_multiply_by_quantized_multiplier: random
 * accumulators, multipliers and shifts in [-31, 31], small accumulators (whose products land on the
 * rounding's ties often), and the int32 extremes. Built and run under node by tests/wasm/test_c_kernels.py; on other
 * targets it only says so. */
#include <stdio.h>

#if defined(__wasm_simd128__)
#include "../kernels/common/quant_math.h"
#include "../kernels/opt/requant_wasm.h"

static uint32_t next(uint32_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

int main(void) {
    uint32_t seed = 12345;
    long bad = 0, runs = 0, i;
    int32_t acc[4], mult[4], shift[4], got[4], j;
    for (i = 0; i < 500000; i++) {
        tl_requant_wasm q;
        for (j = 0; j < 4; j++) {
            uint32_t kind = next(&seed) % 8;
            mult[j] = (int32_t)(0x40000000u + next(&seed) % 0x3FFFFFFFu); /* [2^30, 2^31): quantized multipliers */
            shift[j] = (int32_t)(next(&seed) % 63) - 31;
            if (kind == 0) acc[j] = (int32_t)next(&seed);
            else if (kind == 1) acc[j] = j & 1 ? INT32_MAX : INT32_MIN;
            else if (kind <= 4) acc[j] = (int32_t)(next(&seed) % 2001) - 1000;
            else acc[j] = (int32_t)(next(&seed) % 2000001) - 1000000;
        }
        q = tl_requant_wasm_setup(mult, shift);
        wasm_v128_store(got, tl_requant_wasm_apply(wasm_v128_load(acc), &q));
        for (j = 0; j < 4; j++, runs++) {
            int32_t want = tl_multiply_by_quantized_multiplier(acc[j], mult[j], shift[j]);
            if (got[j] != want && bad++ < 10)
                printf("requant_wasm: acc %d mult %d shift %d: %d, want %d\n", acc[j], mult[j], shift[j], got[j], want);
        }
    }
    printf("requant_wasm: %ld of %ld cases wrong\n", bad, runs);
    return bad != 0;
}

#else
int main(void) {
    puts("requant_wasm: not a WebAssembly SIMD build (tests/wasm/test_c_kernels.py runs it)");
    return 0;
}
#endif
