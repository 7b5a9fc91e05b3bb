/* tensorlite.h — the portable C99 runtime for TFLite-format models.
 *
 * Usage:
 *     static uint8_t arena[64 * 1024];            // all memory the interpreter will use
 *     tl_model model;
 *     tl_status st = tl_model_init(&model, model_data, model_size);   // zero-copy: reads in place
 *     tl_interpreter *it = tl_interpreter_init(&model, NULL, arena, sizeof arena, &st);
 *     if (st == TL_STATUS_OK) st = tl_interpreter_allocate_tensors(it);
 *     if (st != TL_STATUS_OK) {
 *         puts(it ? tl_interpreter_error_message(it) : tl_status_message(st));
 *         ...                                     // e.g. "node 3 (CONV_2D): tensor type is ..."
 *     }
 *     tl_tensor *in = tl_interpreter_get_input(it, 0);       // or ..._get_input_by_name(it, NULL, "x")
 *     memcpy(in->data, features, in->bytes);
 *     if (tl_interpreter_invoke(it) != TL_STATUS_OK) { ... }
 *     const float *scores = (const float *)tl_interpreter_get_output(it, 0)->data;
 *
 *     int32_t batch4[4] = {4, 224, 224, 3};    // a -1 batch in the model's shape_signature, run at 4
 *     st = tl_interpreter_resize_input(it, 0, tl_interpreter_get_input_tensor_index(it, 0), batch4, 4, 1);
 *     if (st == TL_STATUS_OK) st = tl_interpreter_allocate_tensors(it);   // re-planned in the same arena
 *
 * Rules (DESIGN contract 6): no malloc, no global mutable state (several interpreters may live
 * side by side, each in its own arena); the model is read in place (it may live in flash) and
 * every byte of it is read through bounds-checked accessors, so a malformed file gives an error
 * status, never a crash. The model bytes must outlive the interpreter; the arena holds
 * everything else (the interpreter itself, tensor and node tables and kernel data at its tail,
 * planned activations at its head) and needs no freeing.
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
    TL_TYPE_STRING = 5, TL_TYPE_BOOL = 6, TL_TYPE_INT16 = 7, TL_TYPE_COMPLEX64 = 8, TL_TYPE_INT8 = 9,
    TL_TYPE_FLOAT64 = 10, TL_TYPE_UINT64 = 12, TL_TYPE_UINT32 = 15, TL_TYPE_UINT16 = 16
} tl_type;

/* One per tensor of the model, constants included, in the arena's tail: kept small (32 bytes with
 * 64-bit pointers, 24 with 32-bit ones), holding what kernels read at eval. What only prepare or the
 * application reads stays in the model and is read on demand: the name (tl_tensor_name), the
 * per-channel quantization (tl_tensor_quantization) and the shape signature
 * (tl_interpreter_get_subgraph_tensor_signature). */
typedef struct tl_tensor {
    void *data;              /* NULL until allocated; constants point into the model */
    /* dims[0..ndim-1], read only: the model's shape vector itself where the model is 4-aligned there,
     * else (and once the runtime gives the tensor another shape) the tensor's own storage in the arena.
     * Nothing is promised past dims[ndim - 1]. */
    const int32_t *dims;
    uint32_t bytes;          /* at most 2^31 - 1 (larger tensors are refused) */
    /* quantization: per-tensor scale/zero_point (the first channel's when per-channel; 0 when none) */
    float scale;
    int32_t zero_point;
    uint8_t type;            /* a tl_type */
    uint8_t ndim;
    int8_t quant_dim;        /* quantized_dimension for per-channel (-1 when the model's is not in 0..126) */
    unsigned int is_constant : 2; /* TL_CONSTANT_MODEL (1) or, for values computed at allocation, 2 */
    unsigned int is_variable : 1;
    unsigned int quantized : 1;   /* the model gives it scales (tl_tensor_quantization's count >= 1) */
    unsigned int own_dims : 1;    /* dims is its own storage in the arena (TL_MAX_DIMS int32), rewritten in place */
} tl_tensor;

/* A tensor's quantization as the model gives it: count little-endian float32 scales and, unless
 * zero_points is NULL, count little-endian int64 zero points (count 0: none; 1: per-tensor; more:
 * per channel along quant_dim). Read from the model: for prepare and the application, not eval. */
typedef struct tl_quantization {
    const uint8_t *scales;
    const uint8_t *zero_points;
    int32_t count;
} tl_quantization;

/* A model read in place. Fill it with tl_model_init; the fields are for reading. */
typedef struct tl_model {
    const uint8_t *data;
    size_t size;
    uint32_t version;         /* schema version (3) */
    uint32_t subgraph_count;  /* 0 and signatures' subgraphs are invoked; WHILE / IF call the others */
    uint32_t signature_count;
} tl_model;

typedef struct tl_interpreter tl_interpreter;

/* Custom operators the application provides (as TFLite Micro's AddCustom). A CUSTOM node whose
 * custom_code equals `name` runs them: `prepare` (may be NULL) once per allocation, `eval` at each
 * invoke. They see the node only through the tl_custom_* functions below; `user` is the
 * application's pointer (tl_custom_user). Return TL_STATUS_OK, or an error status (with
 * tl_custom_fail for a message naming the node). */
struct tl_node;
typedef tl_status (*tl_custom_prepare_fn)(tl_interpreter *it, struct tl_node *node);
typedef tl_status (*tl_custom_eval_fn)(tl_interpreter *it, struct tl_node *node);
typedef struct tl_custom_op {
    const char *name;
    tl_custom_prepare_fn prepare;
    tl_custom_eval_fn eval;
    void *user;
} tl_custom_op;

/* Restricts the kernels an interpreter may use to these TFLite BuiltinOperator codes
 * (e.g. {9} for FULLY_CONNECTED only); a model needing another op fails to allocate. Listing 32
 * (CUSTOM) allows the custom kernels this build has (src/custom_ops.def); custom ops added with
 * tl_resolver_add_custom are allowed whatever the list. builtins NULL: every builtin kernel.
 * Pass NULL instead of a resolver for every builtin kernel of this build and no added custom op.
 * The builtins array must outlive the interpreter. */
typedef struct tl_op_resolver {
    const int32_t *builtins;
    int32_t count;
    tl_custom_op *customs;   /* caller-given storage for tl_resolver_add_custom: custom_capacity entries */
    int32_t custom_count;
    int32_t custom_capacity;
} tl_op_resolver;

/* Adds a custom operator to the resolver (before tl_interpreter_init), e.g.
 *     static tl_custom_op customs[4];
 *     tl_op_resolver r = {NULL, 0, customs, 0, 4};
 *     tl_resolver_add_custom(&r, "MaxUnpooling2D", unpool_prepare, unpool_eval, NULL);
 * BAD_ARGUMENT for a missing name or eval or a name added twice; ARENA_TOO_SMALL when the array is
 * full. tl_interpreter_init copies the registrations (names too) into the arena's tail. */
tl_status tl_resolver_add_custom(tl_op_resolver *resolver, const char *name, tl_custom_prepare_fn prepare,
                                 tl_custom_eval_fn eval, void *user);

/* Message for a status code (never NULL). */
const char *tl_status_message(tl_status status);

/* Checks the model's header (root table, schema version 3, at least one subgraph) without
 * copying anything: `data` must stay valid while the model is used. */
tl_status tl_model_init(tl_model *model, const uint8_t *data, size_t size);

/* Creates an interpreter for `model` inside `arena` (any alignment) and reads the model's
 * tables into it. Sets *status. When the model cannot be read the interpreter is still
 * returned, only for tl_interpreter_error_message (other calls refuse it); NULL only when the
 * arguments are invalid or the arena cannot hold the interpreter itself. */
tl_interpreter *tl_interpreter_init(const tl_model *model, const tl_op_resolver *resolver, void *arena,
                                    size_t arena_bytes, tl_status *status);

/* Options, set between init and allocate. preserve_all_tensors: every activation keeps its own
 * memory (nothing is shared), so intermediate tensors can be read after invoke (LiteRT's
 * experimental_preserve_all_tensors). reference_kernels: forces the reference kernels (the
 * readable definitions) where an optimized variant would run. cpu_features: the instruction sets
 * the optimized kernels may use, detected at init, ANDed with `mask` (bits: 1 AVX2+FMA, 2 AVX-512,
 * 4 NEON, 8 NEON dot product, 16 AVX-512 VNNI; 0: portable C only), to run or test one tier.
 * pack_weights (default 1): the optimized CONV_2D and FULLY_CONNECTED kernels (float32, int8)
 * copy constant weights into the arena at allocation, repacked for their GEMM (person_detect:
 * 96 KB of arena with the reference kernels, 517 KB with its int8 filters packed as int16 pairs);
 * 0 keeps the weights in the model only: those nodes run the reference kernels, the other
 * optimized kernels still run. */
tl_status tl_interpreter_set_preserve_all_tensors(tl_interpreter *it, int enable);
tl_status tl_interpreter_set_reference_kernels(tl_interpreter *it, int enable);
tl_status tl_interpreter_set_cpu_features(tl_interpreter *it, uint32_t mask);
tl_status tl_interpreter_set_pack_weights(tl_interpreter *it, int enable);
/* In Cortex-M builds (Arm M profile) pack_weights starts at 0: the weights stay in flash there, and
 * the arena is the device's RAM. */
/* This CPU's features (the bits above), as interpreters detect them. */
uint32_t tl_cpu_features(void);

/* Threads (hosts): the optimized kernels split their work into independent tasks and hand them to a
 * caller-given pool; the runtime never creates threads itself. `parallel_for` must run
 * task(ctx, 0 .. tasks - 1), each exactly once, on up to `threads` threads, and return when all are
 * done. runtimes/c/threads/ has a pthreads pool (tl_pthread_pool_init). Set before allocate; the pool
 * must outlive the interpreter. Results do not depend on the number of threads. */
typedef struct tl_thread_pool {
    int32_t threads;
    void (*parallel_for)(struct tl_thread_pool *pool, int32_t tasks, void (*task)(void *ctx, int32_t index), void *ctx);
} tl_thread_pool;
tl_status tl_interpreter_set_thread_pool(tl_interpreter *it, tl_thread_pool *pool);

/* Profiling: `hook` is called before (end 0) and after (end 1) each node's eval, with the subgraph
 * and node indices, e.g. to time each operator with the host's clock (names:
 * tl_interpreter_get_subgraph_node_op_name). NULL removes it. */
typedef void (*tl_node_hook)(void *user, int32_t subgraph, int32_t node, int end);
tl_status tl_interpreter_set_node_hook(tl_interpreter *it, tl_node_hook hook, void *user);

/* Prepares every operator and plans activation memory in the arena (honouring the model's
 * "OfflineMemoryAllocation" metadata when present). ARENA_TOO_SMALL: retry with a bigger arena. */
tl_status tl_interpreter_allocate_tensors(tl_interpreter *it);

/* Gives input `tensor` (a tensor index, as tl_interpreter_get_input_tensor_index returns) of entry
 * subgraph `subgraph` (0, or one a SignatureDef names) the shape dims[0..ndim-1] (ndim 0..6, each
 * dimension >= 1), as LiteRT's ResizeInputTensor; a variable tensor of that subgraph too (an LSTM's
 * state, which a new batch needs resized with the input, as in LiteRT). strict: only dimensions the model's
 * shape_signature marks -1 may change, and the rank must stay (ResizeInputTensorStrict); otherwise
 * any shape the operators accept. The interpreter is then unallocated: call
 * tl_interpreter_allocate_tensors again, which starts over from the arena's state before the first
 * allocation, computes every tensor's shape from the inputs' in node order (shape computations
 * such as SHAPE -> STRIDED_SLICE -> PACK feeding a RESHAPE are evaluated then, their small results
 * kept at the arena's tail), prepares the kernels again and plans memory in the same arena. When
 * the new shapes do not fit it returns ARENA_TOO_SMALL, and the error message gives the bytes they
 * need: create the interpreter again in a bigger arena and repeat the resize. Tensor data does not
 * survive: write the inputs after allocating; resource variables and CALL_ONCE's flags do, as in LiteRT. An output shape that depends on values known only at
 * invoke (a RESHAPE whose shape is computed from input data) is refused at allocation, naming the
 * tensor. Resizing to the current shape changes nothing. BAD_ARGUMENT, with a message, for a tensor
 * that is neither an input nor a variable tensor, a rank above 6, a dimension below 1, or a strict mismatch. */
tl_status tl_interpreter_resize_input(tl_interpreter *it, int32_t subgraph, int32_t tensor, const int32_t *dims,
                                      int32_t ndim, int strict);

/* STRING tensors hold TFLite's string buffer (int32 count, count + 1 int32 offsets from the buffer's start, the
 * bytes; little-endian), written by the application into an input's data and read back from outputs. Memory is
 * planned before invoke, so a STRING input has a capacity: by default 1024 bytes per element besides the header
 * (4 * (count + 2) bytes; a resize gives the default again); this sets it, in bytes, for an input of an entry
 * subgraph, before tl_interpreter_allocate_tensors (as a resize, it needs that call again). The input's `bytes`
 * field is its capacity; a kernel reading it checks the buffer (count, offsets within the capacity) and fails the
 * invoke, naming itself, when it is malformed. A STRING output's `bytes` is the bound its kernel planned; its
 * dims are set at invoke. */
tl_status tl_interpreter_set_string_capacity(tl_interpreter *it, int32_t subgraph, int32_t tensor, uint32_t bytes);

/* Adds a custom operator to this interpreter (between init and the first allocate; the name is
 * copied to the arena's tail). It takes precedence over the build's own custom kernel of that
 * code; a name the resolver or an earlier call registered is refused (BAD_ARGUMENT). */
tl_status tl_interpreter_add_custom(tl_interpreter *it, const char *name, tl_custom_prepare_fn prepare,
                                    tl_custom_eval_fn eval, void *user);

/* For custom operators' prepare and eval: the node's tensors (NULL for an absent optional input or
 * an index out of range), its custom_options bytes (NULL and *size 0 when none) and, when they are
 * a FlexBuffer map (as most are), its values by key (MODEL_INVALID, with a message, for a missing
 * key, another type, or a malformed blob). In prepare only: persistent memory for the node (zeroed,
 * 16-byte aligned; NULL when the arena is full; tl_custom_data returns it later), and output
 * shapes (a prepare that computes them lets a resized model run through the op). */
int32_t tl_custom_input_count(const struct tl_node *node);
int32_t tl_custom_output_count(const struct tl_node *node);
tl_tensor *tl_custom_input(tl_interpreter *it, const struct tl_node *node, int32_t i);
tl_tensor *tl_custom_output(tl_interpreter *it, const struct tl_node *node, int32_t i);
const uint8_t *tl_custom_options(const tl_interpreter *it, const struct tl_node *node, size_t *size);
int tl_custom_option_has(tl_interpreter *it, const struct tl_node *node, const char *key);
tl_status tl_custom_option_i32(tl_interpreter *it, const struct tl_node *node, const char *key, int32_t *out);
tl_status tl_custom_option_f32(tl_interpreter *it, const struct tl_node *node, const char *key, float *out);
tl_status tl_custom_option_i32_vec(tl_interpreter *it, const struct tl_node *node, const char *key, int32_t *out,
                                   uint32_t max, uint32_t *count);
void *tl_custom_user(const struct tl_node *node);
void *tl_custom_alloc_persistent(tl_interpreter *it, struct tl_node *node, size_t bytes);
void *tl_custom_data(const struct tl_node *node);
tl_status tl_custom_set_output_shape(tl_interpreter *it, struct tl_node *node, int32_t output, const int32_t *dims,
                                     int32_t ndim);
/* Records `detail` as the error, naming the node ("node 3 (CUSTOM MaxUnpooling2D): ..."); returns
 * `status` (INVOKE_FAILED for TL_STATUS_OK). */
tl_status tl_custom_fail(tl_interpreter *it, const struct tl_node *node, tl_status status, const char *detail);

/* Runs the model once. Inputs must be written first; outputs are valid until the next invoke. */
tl_status tl_interpreter_invoke(tl_interpreter *it);

/* Runs an entry subgraph: 0 (what tl_interpreter_invoke runs) or one a SignatureDef names
 * (tl_interpreter_get_signature_subgraph); its tensors are tl_interpreter_get_subgraph_tensor's.
 * With several entries, each entry's inputs and outputs keep their own memory, so invoking one
 * leaves the others' inputs and outputs as they were. BAD_ARGUMENT for any other subgraph. */
tl_status tl_interpreter_invoke_subgraph(tl_interpreter *it, int32_t subgraph);

/* A watchdog for WHILE loops: invoke fails (INVOKE_FAILED, naming the node) when one loop runs
 * more than `limit` iterations. 0 (the default, as in LiteRT) never stops a loop. */
tl_status tl_interpreter_set_max_while_iterations(tl_interpreter *it, uint32_t limit);

/* Resets variable tensors (recurrent state) to zero (int8 ones to their zero point, as LiteRT
 * does), as after allocation. */
tl_status tl_interpreter_reset_variables(tl_interpreter *it);

/* Graph inputs and outputs by position; NULL / -1 when out of range. */
int32_t tl_interpreter_get_input_count(const tl_interpreter *it);
int32_t tl_interpreter_get_output_count(const tl_interpreter *it);
tl_tensor *tl_interpreter_get_input(tl_interpreter *it, int32_t index);
tl_tensor *tl_interpreter_get_output(tl_interpreter *it, int32_t index);
int32_t tl_interpreter_get_input_tensor_index(const tl_interpreter *it, int32_t index);
int32_t tl_interpreter_get_output_tensor_index(const tl_interpreter *it, int32_t index);

/* SignatureDefs. `signature_key` NULL means the first signature. A signature's tensor indices
 * refer to its own subgraph (tl_interpreter_get_signature_subgraph; run it with
 * tl_interpreter_invoke_subgraph), and the by-name lookups return that subgraph's tensors.
 * NULL / -1 when absent. */
int32_t tl_interpreter_get_signature_count(const tl_interpreter *it);
const char *tl_interpreter_get_signature_key(const tl_interpreter *it, int32_t signature);
int32_t tl_interpreter_get_signature_subgraph(const tl_interpreter *it, int32_t signature);
int32_t tl_interpreter_get_signature_input_count(const tl_interpreter *it, int32_t signature);
int32_t tl_interpreter_get_signature_output_count(const tl_interpreter *it, int32_t signature);
const char *tl_interpreter_get_signature_input_name(const tl_interpreter *it, int32_t signature, int32_t k);
const char *tl_interpreter_get_signature_output_name(const tl_interpreter *it, int32_t signature, int32_t k);
int32_t tl_interpreter_get_signature_input_tensor_index(const tl_interpreter *it, int32_t signature, int32_t k);
int32_t tl_interpreter_get_signature_output_tensor_index(const tl_interpreter *it, int32_t signature, int32_t k);
tl_tensor *tl_interpreter_get_input_by_name(tl_interpreter *it, const char *signature_key, const char *name);
tl_tensor *tl_interpreter_get_output_by_name(tl_interpreter *it, const char *signature_key, const char *name);

/* All tensors of subgraph 0, by index (for inspection and the Python binding). */
int32_t tl_interpreter_get_tensor_count(const tl_interpreter *it);
tl_tensor *tl_interpreter_get_tensor(tl_interpreter *it, int32_t index);

/* Every subgraph: tensors (data is NULL for subgraphs no control flow node calls, and for
 * tensors no node uses) and nodes. 0 / NULL / -1 when out of range. */
int32_t tl_interpreter_get_subgraph_count(const tl_interpreter *it);
int32_t tl_interpreter_get_subgraph_tensor_count(const tl_interpreter *it, int32_t subgraph);
tl_tensor *tl_interpreter_get_subgraph_tensor(tl_interpreter *it, int32_t subgraph, int32_t index);
/* A tensor's shape_signature (-1 marks a dynamic dimension; the shape itself when the model has
 * none) into dims[TL_MAX_DIMS]; returns the rank, or -1 when out of range. */
int32_t tl_interpreter_get_subgraph_tensor_signature(const tl_interpreter *it, int32_t subgraph, int32_t index,
                                                     int32_t *dims);
/* A tensor's name (NUL-terminated, inside the model; NULL if the model names none) and quantization
 * (above), found from its place in its subgraph's table; NULL / count 0 for a pointer that is not one
 * of this interpreter's tensors. */
const char *tl_tensor_name(const tl_interpreter *it, const tl_tensor *t);
tl_quantization tl_tensor_quantization(const tl_interpreter *it, const tl_tensor *t);
int32_t tl_interpreter_get_subgraph_node_count(const tl_interpreter *it, int32_t subgraph);
int32_t tl_interpreter_get_subgraph_node_builtin(const tl_interpreter *it, int32_t subgraph, int32_t node);
const char *tl_interpreter_get_subgraph_node_op_name(const tl_interpreter *it, int32_t subgraph, int32_t node);

/* Nodes (operators) of subgraph 0 in execution order. op_name: the builtin's name ("CONV_2D"),
 * or the custom code for CUSTOM ops. Tensor indices: -1 for an absent optional input. */
int32_t tl_interpreter_get_node_count(const tl_interpreter *it);
int32_t tl_interpreter_get_node_builtin(const tl_interpreter *it, int32_t node);
const char *tl_interpreter_get_node_op_name(const tl_interpreter *it, int32_t node);
int32_t tl_interpreter_get_node_input_count(const tl_interpreter *it, int32_t node);
int32_t tl_interpreter_get_node_output_count(const tl_interpreter *it, int32_t node);
int32_t tl_interpreter_get_node_input(const tl_interpreter *it, int32_t node, int32_t k);
int32_t tl_interpreter_get_node_output(const tl_interpreter *it, int32_t node, int32_t k);

/* Arena bytes in use: persistent data (tail) plus planned activations (head, after allocate). */
size_t tl_interpreter_arena_bytes_used(const tl_interpreter *it);

/* The last error in words, with the node index and operator name when one is at fault. */
const char *tl_interpreter_error_message(const tl_interpreter *it);

/* Name of a TFLite BuiltinOperator code ("CONV_2D"), NULL for an unknown code; and whether this
 * build has a kernel for it (1) or not (0). */
const char *tl_builtin_get_name(int32_t builtin_code);
int tl_builtin_has_kernel(int32_t builtin_code);
/* 1 if this build has a kernel for the CUSTOM operator with this custom code (e.g. "SignalRfft"). */
int tl_custom_has_kernel(const char *custom_code);

#ifdef __cplusplus
}
#endif
#endif /* TENSORLITE_H */
