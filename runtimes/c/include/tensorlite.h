/* tensorlite.h — the portable C99 runtime for TFLite-format models.
 *
 * Usage:
 *     static uint8_t arena[64 * 1024];            // all memory the interpreter will use
 *     tl_status st;
 *     tl_interpreter *it = tl_interpreter_create(model_data, model_size, NULL, arena, sizeof arena, &st);
 *     if (st != TL_STATUS_OK || tl_interpreter_allocate(it) != TL_STATUS_OK) {
 *         puts(tl_interpreter_error_message(it));    // says which node, op and what is wrong
 *         ...
 *     }
 *     tl_tensor *in = tl_interpreter_input(it, 0);
 *     memcpy(in->data, features, in->bytes);
 *     if (tl_interpreter_invoke(it) != TL_STATUS_OK) { ... }
 *     const float *scores = (const float *)tl_interpreter_output(it, 0)->data;
 *
 * Rules (DESIGN contract 6): no malloc, no global mutable state (several interpreters may live
 * side by side, each in its own arena); the model is read in place (it may live in flash) and
 * every byte of it is read through bounds-checked accessors, so a malformed file gives an error
 * status, never a crash. The model buffer must outlive the interpreter.
 */
#ifndef TENSORLITE_H
#define TENSORLITE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TL_MAX_DIMS 6

typedef enum {
#define X(name, msg) TL_STATUS_##name,
#include "tl_status.def"
#undef X
    TL_STATUS_COUNT
} tl_status;

/* Element types, with the TFLite schema's TensorType values. */
typedef enum {
    TL_TYPE_FLOAT32 = 0, TL_TYPE_FLOAT16 = 1, TL_TYPE_INT32 = 2, TL_TYPE_UINT8 = 3, TL_TYPE_INT64 = 4,
    TL_TYPE_STRING = 5, TL_TYPE_BOOL = 6, TL_TYPE_INT16 = 7, TL_TYPE_INT8 = 9, TL_TYPE_FLOAT64 = 10
} tl_type;

typedef struct tl_tensor {
    tl_type type;
    int32_t ndim;
    int32_t dims[TL_MAX_DIMS];
    void *data;              /* NULL until allocated; constants point into the model */
    size_t bytes;
    const char *name;        /* NUL-terminated, inside the model */
    /* quantization: per-tensor scale/zero_point (the first channel's when per-channel) */
    float scale;
    int32_t zero_point;
    int32_t quant_count;     /* number of scales: 0 (float), 1 (per-tensor) or channels */
    int32_t quant_dim;       /* quantized_dimension for per-channel */
    const uint8_t *scales;   /* quant_count little-endian float32 values inside the model */
    const uint8_t *zero_points; /* quant_count little-endian int64 values inside the model */
    uint8_t is_constant;
    uint8_t is_variable;
} tl_tensor;

typedef struct tl_interpreter tl_interpreter;

/* Restricts the kernels an interpreter may use to these TFLite BuiltinOperator codes
 * (e.g. {9} for FULLY_CONNECTED only); a model needing another op fails to allocate. */
typedef struct tl_op_resolver {
    const int32_t *builtins;
    int32_t count;
} tl_op_resolver;

/* Message for a status code (never NULL). */
const char *tl_status_message(tl_status status);

/* Creates an interpreter for `model` (size bytes) inside `arena`. `resolver` NULL means every
 * builtin kernel of this build. Sets *status. When the model cannot be read the interpreter is
 * still returned, only for tl_interpreter_error_message (other calls refuse it); NULL only when
 * the arguments are invalid or the arena cannot hold the interpreter itself. The arena must
 * stay valid while the interpreter is used; it needs no freeing. */
tl_interpreter *tl_interpreter_create(const uint8_t *model, size_t size, const tl_op_resolver *resolver,
                                      void *arena, size_t arena_bytes, tl_status *status);

/* Prepares every operator and plans activation memory in the arena. */
tl_status tl_interpreter_allocate(tl_interpreter *it);

/* Runs the model once. Inputs must be written first; outputs are valid until the next invoke. */
tl_status tl_interpreter_invoke(tl_interpreter *it);

/* Zeroes variable tensors (recurrent state), as after allocation. */
tl_status tl_interpreter_reset_variables(tl_interpreter *it);

int32_t tl_interpreter_input_count(const tl_interpreter *it);
int32_t tl_interpreter_output_count(const tl_interpreter *it);
tl_tensor *tl_interpreter_input(tl_interpreter *it, int32_t index);   /* NULL if out of range */
tl_tensor *tl_interpreter_output(tl_interpreter *it, int32_t index);
int32_t tl_interpreter_input_tensor_index(const tl_interpreter *it, int32_t index);
int32_t tl_interpreter_output_tensor_index(const tl_interpreter *it, int32_t index);

/* All tensors of the main subgraph, by index (for inspection and the Python binding). */
int32_t tl_interpreter_tensor_count(const tl_interpreter *it);
tl_tensor *tl_interpreter_tensor(tl_interpreter *it, int32_t index);

/* Arena bytes in use: persistent data plus planned activations (after allocate). */
size_t tl_interpreter_arena_bytes_used(const tl_interpreter *it);

/* The last error in words, with the node index and operator name when one is at fault. */
const char *tl_interpreter_error_message(const tl_interpreter *it);

/* Operator builtin code of node `index` (TFLite BuiltinOperator value), -1 if out of range. */
int32_t tl_interpreter_node_count(const tl_interpreter *it);
int32_t tl_interpreter_node_builtin(const tl_interpreter *it, int32_t index);

/* Name of a TFLite builtin ("CONV_2D"), or NULL when this build has no kernel for it. */
const char *tl_builtin_name(int32_t builtin_code);

/* Forces the reference kernels (there are no optimized variants yet: a no-op kept for the API). */
void tl_interpreter_use_reference_kernels(tl_interpreter *it, int enable);

#ifdef __cplusplus
}
#endif
#endif /* TENSORLITE_H */
