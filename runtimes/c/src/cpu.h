/* What the host CPU can run, detected per interpreter at init (no global state): optimized
 * kernels choose their instruction set from it in prepare, one binary for every x86-64 (or AArch64) CPU.
 * tl_interpreter_set_cpu_features narrows it (tests run each tier this machine has). */
#ifndef TL_CPU_H
#define TL_CPU_H

#include <stdint.h>

#define TL_CPU_AVX2 (1u << 0)   /* x86-64 AVX2 + FMA3, with the OS saving the ymm registers */
#define TL_CPU_AVX512 (1u << 1) /* x86-64 AVX-512 F, BW, DQ, VL, with the OS saving the zmm registers */
#define TL_CPU_NEON (1u << 2)   /* AArch64 Advanced SIMD */
#define TL_CPU_NEON_DOT (1u << 3) /* AArch64 dot product (SDOT, FEAT_DotProd; Linux: HWCAP_ASIMDDP), with NEON */
#define TL_CPU_AVX512VNNI (1u << 4) /* x86-64 AVX-512 VNNI (vpdpbusd), with TL_CPU_AVX512 */
#define TL_CPU_WASM_SIMD (1u << 5) /* WebAssembly SIMD128: set in builds compiled with -msimd128 */
#define TL_CPU_AVX512VBMI (1u << 6) /* x86-64 AVX-512 VBMI (vpermi2b: 128-entry byte tables), with TL_CPU_AVX512 */

uint32_t tl_cpu_detect(void);

#endif
