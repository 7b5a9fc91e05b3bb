/* tl_wasm.h — the functions the WebAssembly module exports to src/tensorlite.js (build.sh reads the
 * TLW_EXPORT lines below to export them). A tlw_model owns a model's bytes, its arena and its
 * interpreter; tensors are the runtime's tl_tensor, read through accessors. */
#ifndef TL_WASM_H
#define TL_WASM_H

#include <stddef.h>
#include <stdint.h>

#include "tensorlite.h"

#define TLW_EXPORT __attribute__((visibility("default"), used))

typedef struct tlw_model tlw_model;

/* Takes `bytes` (malloc'ed by the caller; freed with the model). cpu_mask narrows the optimized
 * kernels' instruction sets (tl_interpreter_set_cpu_features; 0: portable C); flags bit 0 forces the
 * reference kernels. NULL only when out of memory for the handle; otherwise see tlw_model_status. */
#define TLW_REFERENCE_KERNELS 1u
TLW_EXPORT tlw_model *tlw_model_load(uint8_t *bytes, size_t size, uint32_t cpu_mask, uint32_t flags);
TLW_EXPORT void tlw_model_free(tlw_model *m);
TLW_EXPORT int32_t tlw_model_status(const tlw_model *m);
TLW_EXPORT const char *tlw_model_message(const tlw_model *m);
TLW_EXPORT tl_interpreter *tlw_model_interpreter(tlw_model *m);
TLW_EXPORT int32_t tlw_model_invoke(tlw_model *m);
TLW_EXPORT int32_t tlw_model_reset_variables(tlw_model *m);
TLW_EXPORT size_t tlw_model_arena_bytes(const tlw_model *m);
TLW_EXPORT void *tlw_tensor_data(const tl_tensor *t);
TLW_EXPORT const char *tlw_tensor_name(const tl_interpreter *it, const tl_tensor *t);
TLW_EXPORT int32_t tlw_tensor_type(const tl_tensor *t);
TLW_EXPORT int32_t tlw_tensor_ndim(const tl_tensor *t);
TLW_EXPORT int32_t tlw_tensor_dim(const tl_tensor *t, int32_t i);
TLW_EXPORT uint32_t tlw_tensor_bytes(const tl_tensor *t);
TLW_EXPORT int32_t tlw_tensor_quant_count(const tl_interpreter *it, const tl_tensor *t);
TLW_EXPORT int32_t tlw_tensor_quant_dim(const tl_tensor *t);
TLW_EXPORT float tlw_tensor_scale(const tl_interpreter *it, const tl_tensor *t, int32_t c);
TLW_EXPORT int32_t tlw_tensor_zero_point(const tl_interpreter *it, const tl_tensor *t, int32_t c);
TLW_EXPORT uint32_t tlw_cpu_features(void);
/* Profiling: with it on, each invoke adds every subgraph-0 node's wall time (the host's clock, imported
 * as env.tlw_now, in ms) into a per-node array (tlw_model_profile_ms); 0 when out of memory. */
TLW_EXPORT int32_t tlw_model_set_profiling(tlw_model *m, int32_t enable);
TLW_EXPORT double *tlw_model_profile_ms(tlw_model *m);
TLW_EXPORT const char *tlw_model_node_op_name(tlw_model *m, int32_t node);

#endif
