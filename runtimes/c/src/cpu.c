/* CPU feature detection: CPUID and XGETBV on x86-64 (a feature counts only when the OS also saves
 * its registers on context switches), NEON always on AArch64 and its dot-product instructions from
 * the kernel's hardware capabilities on Linux, SIMD128 in WebAssembly builds made with it, nothing
 * elsewhere. */
#include "cpu.h"

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>

static uint64_t xgetbv0(void) {
    uint32_t lo, hi;
    __asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

uint32_t tl_cpu_detect(void) {
    unsigned a, b, c, d;
    uint32_t features = 0;
    uint64_t xcr0;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27))) return 0; /* no OSXSAVE: no AVX state */
    xcr0 = xgetbv0();
    if ((xcr0 & 0x6) != 0x6 || !(c & (1u << 28)) || !(c & (1u << 12))) return 0; /* xmm+ymm, AVX, FMA */
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    if (b & (1u << 5)) features |= TL_CPU_AVX2;
    /* F (16), DQ (17), BW (30), VL (31); opmask and both zmm halves saved (XCR0 bits 5-7) */
    if ((features & TL_CPU_AVX2) && (b & 0xC0030000u) == 0xC0030000u && (xcr0 & 0xE0) == 0xE0)
        features |= TL_CPU_AVX512;
    if ((features & TL_CPU_AVX512) && (c & (1u << 11))) features |= TL_CPU_AVX512VNNI; /* leaf 7 ECX: AVX512_VNNI */
    if ((features & TL_CPU_AVX512) && (c & (1u << 1))) features |= TL_CPU_AVX512VBMI; /* leaf 7 ECX: AVX512_VBMI */
    return features;
}

#elif defined(__aarch64__)
#if defined(__linux__)
#include <sys/auxv.h>
#endif

uint32_t tl_cpu_detect(void) {
    uint32_t features = TL_CPU_NEON; /* Advanced SIMD is part of every AArch64 CPU */
#if defined(__linux__) && defined(AT_HWCAP)
    if (getauxval(AT_HWCAP) & (1ul << 20)) features |= TL_CPU_NEON_DOT; /* HWCAP_ASIMDDP: SDOT / UDOT */
#endif
    return features; /* other systems: NEON only (the dot-product kernels are not chosen) */
}

#elif defined(__wasm_simd128__)

/* A WebAssembly module with SIMD instructions only loads where the engine has them, so a -msimd128
 * build always has them (runtimes/wasm picks the build by feature detection). */
uint32_t tl_cpu_detect(void) { return TL_CPU_WASM_SIMD; }

#else

uint32_t tl_cpu_detect(void) { return 0; }

#endif
