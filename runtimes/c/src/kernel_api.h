/* The interface between the interpreter and the kernels (see KERNELS.md).
 *
 * A kernel is one TFLite builtin: `prepare` validates types and shapes, computes what eval
 * needs (quantized multipliers, ...) into persistent op data taken from the arena's tail and
 * picks the eval for the node's types; `eval` is pure computation with nothing left to check.
 * Neither allocates otherwise. */
#ifndef TL_KERNEL_API_H
#define TL_KERNEL_API_H

#include <stddef.h>
#include <stdint.h>

#include "fb_reader.h"
#include "flexbuffer.h"
#include "tensorlite.h"

/* Control flow limits: subgraphs one node may run (WHILE: cond and body; IF: then and else),
 * and how deeply subgraph calls may nest (bounds the C stack in prepare, plan and eval). */
#define TL_MAX_CALLEES 2
#define TL_MAX_SUBGRAPH_DEPTH 16

struct tl_node;
/* A kernel's computation for one node: prepare picks it (into node->eval) for the node's types. */
typedef tl_status (*tl_eval_fn)(tl_interpreter *it, struct tl_node *node);
/* A kernel's entry point, tl_<stem>_prepare in kernels/<stem>.c (declared below from the op tables). */
typedef tl_status (*tl_prepare_fn)(tl_interpreter *it, struct tl_node *node);

/* One per operator of the model, in the arena's tail (48 bytes with 64-bit pointers, 40 with
 * 32-bit ones): what eval needs. Kept small, as every operator has one: what only some nodes need
 * is read from the model when asked for (intermediates, a CUSTOM op's code and options: tl_node_*
 * below) or kept in a list beside the nodes (subgraphs a control flow node runs, a re-prepared
 * node's record in dynamic.c, a kernel's reset: tl_node_on_reset). */
typedef struct tl_node {
    /* The eval prepare chose for this node's types (e.g. tl_fully_connected_eval_s8, or an
     * optimized variant picked by a shape check); every prepare sets it. */
    tl_eval_fn eval;
    void *op_data;          /* persistent data written by prepare */
    tl_fb_vec inputs, outputs;
    tl_fb_table options;    /* builtin_options, or builtin_options_2 (STABLEHLO_*, REDUCE_WINDOW); pos 0: absent */
    int16_t builtin;        /* the schema's codes are below 256; read_node refuses any above 32767 */
    uint16_t subgraph;      /* index of the subgraph holding this node (its tensor indices refer to it) */
    uint8_t dynamic;        /* TL_NODE_VALUE_SHAPED | TL_NODE_RESHAPED (dynamic.c), set in prepare */
} tl_node;

/* Kernels that keep state in op data across invokes (not in variable tensors) register this in
 * prepare: tl_interpreter_reset_variables (also run at the end of allocation) calls it. */
typedef void (*tl_reset_fn)(tl_interpreter *it, tl_node *node);
typedef struct tl_reset_link {
    tl_node *node;
    tl_reset_fn reset;
    struct tl_reset_link *next;
} tl_reset_link;

/* What only a few nodes have, in a list beside the node tables (it->notes): a subgraph a control flow node runs
 * (WHILE: cond and body, IF, CALL_ONCE, STABLEHLO_COMPOSITE; recorded by tl_subgraph_prepare), or, with callee
 * -1, the head of the record of a node prepared again at invoke (dynamic.c). */
typedef struct tl_node_note {
    const struct tl_node *node;
    struct tl_node_note *next;
    int32_t callee;
} tl_node_note;

/* Scratch memory a kernel asks for in prepare and uses in eval: planned with the activations
 * (live only while its node runs), so its contents do not survive between invokes. */
typedef struct tl_scratch {
    size_t bytes;
    const struct tl_node *node;
    void *data;             /* set by allocate; valid in eval */
    struct tl_scratch *next;
} tl_scratch;

/* One subgraph of the model: its tensor and node tables (read at init) and its inputs/outputs. Its index in
 * the model is its place in it->subgraphs (tl_subgraph_index). */
typedef struct tl_subgraph {
    tl_tensor *tensors;
    tl_node *nodes;
    tl_fb_vec inputs, outputs;
    int32_t n_tensors;
    int32_t n_nodes;
    int32_t tensor_base;    /* position of tensor 0 in the planner's table of all subgraphs' tensors */
    uint8_t state;          /* 0: not prepared, 1: being prepared (a call back into it is recursion), 2: prepared */
    uint8_t entry;          /* invoked directly: subgraph 0, or a subgraph a SignatureDef names */
    uint8_t height;         /* longest chain of nested subgraph calls starting here (1: calls none; at most 17) */
} tl_subgraph;
#define tl_subgraph_index(it, sg) ((int32_t)((sg) - (it)->subgraphs))

struct tl_interpreter { /* in the arena's tail: small fields packed together */
    tl_fb fb;               /* the model's bytes */
    uint8_t *arena;
    size_t arena_bytes;
    size_t tail;            /* persistent data occupies arena[arena_bytes - tail, arena_bytes) */
    size_t head;            /* planned activations occupy arena[0, head) after allocate */
    tl_subgraph *subgraphs; /* every subgraph of the model; subgraph 0 is the one invoked */
    int32_t n_subgraphs;
    uint32_t max_while_iterations; /* 0: unlimited */
    const int32_t *allowed;  /* op resolver restriction (NULL: all builtins) */
    int32_t n_allowed;
    uint32_t cpu;           /* instruction sets the optimized kernels may use (src/cpu.h) */
    tl_scratch *scratch;    /* requests made in prepare, newest first */
    tl_reset_link *resets;  /* kernels' resets registered in prepare (tl_node_on_reset), newest first */
    tl_node_note *notes;    /* what only a few nodes have (tl_node_note), newest first */
    tl_thread_pool *pool;   /* optimized kernels' tasks run there (NULL: in the calling thread) */
    tl_node_hook node_hook; /* called around each node's eval (profiling); NULL: none */
    void *node_hook_user;
    struct tl_delegate *delegate; /* takes runs of subgraph 0's nodes after planning (src/delegate.c) */
    struct custom_link *custom_ops; /* the application's custom ops, resolver's and interpreter's (custom.c) */
    /* position of the int32 offsets per tensor of every subgraph, subgraph 0 first (-1: plan online); 0: none */
    uint32_t offline_plan;
    uint32_t tail_mark;     /* the tail before the first allocation (tables: far below 4 GB); each starts again from it */
    uint32_t tail_slack;    /* bytes the allocation's tail may pad more in an arena at another address (arena.c) */
    uint8_t allocated;
    uint8_t preserve_all_tensors;
    uint8_t reference_kernels;
    uint8_t no_weight_packing; /* tl_interpreter_set_pack_weights(it, 0): optimized kernels that repack weights step aside */
    uint8_t broken;         /* the model could not be read: only the error message is valid */
    uint8_t resized;        /* an input was resized: allocation propagates shapes (resize.c) */
    uint8_t state_kept;     /* the arena's start holds kernels' state from an earlier allocation (state.c) */
    uint8_t prepare_depth;  /* nesting of tl_subgraph_prepare calls in progress (at most TL_MAX_SUBGRAPH_DEPTH) */
    char error[192];
};

/* Every kernel's prepare, named after its file by the op tables: a builtin's code and name are
 * written once, in builtin_ops.def (a CUSTOM operator's code in custom_ops.def). */
#define X(code, name, stem) tl_status tl_##stem##_prepare(tl_interpreter *it, tl_node *node);
#include "builtin_ops.def"
#undef X
#define X(code, stem) tl_status tl_##stem##_prepare(tl_interpreter *it, tl_node *node);
#include "custom_ops.def"
#undef X

/* Custom ops the application registered (custom.c): copying a resolver's at init, the registration
 * for a custom code (NULL: none), and the kernel that runs any of them. */
tl_status tl_custom_add_resolver_ops(tl_interpreter *it, const tl_op_resolver *resolver);
const tl_custom_op *tl_find_registered_custom(const tl_interpreter *it, const char *code);
tl_status tl_registered_custom_prepare(tl_interpreter *it, tl_node *node);

/* Kernel lookup (op_table.c): builtins by code, CUSTOM operators by custom code (NULL: none). */
tl_prepare_fn tl_find_kernel(int32_t builtin);
tl_prepare_fn tl_find_custom_kernel(const char *code);

/* Tensors of all subgraphs (the planner's table). */
int32_t tl_tensors_total(const tl_interpreter *it);

/* Reads every subgraph's tensor and node tables, the signatures and the offline memory plan
 * into the interpreter (model.c); errors are recorded with tl_fail. */
tl_status tl_model_read_graph(tl_interpreter *it);

/* The subgraph holding the node. Read from the model's Operator table (model.c; not for eval's hot path):
 * the node's custom_code (CUSTOM operators; NULL: none), its intermediate tensors' indices (int32; len 0:
 * none), its custom_options bytes (len 0: none). */
#define tl_node_subgraph(it, node) (&(it)->subgraphs[(node)->subgraph])
const char *tl_node_custom_name(const tl_interpreter *it, const tl_node *node);
tl_fb_vec tl_node_intermediates(const tl_interpreter *it, const tl_node *node);
tl_fb_vec tl_node_custom_options(const tl_interpreter *it, const tl_node *node);
/* Registers the node's reset (see tl_reset_fn) in prepare, after the prepare's last tl_alloc_persistent (a node
 * prepared again at invoke allocates its op data again in the same place; this record must lie below it). */
tl_status tl_node_on_reset(tl_interpreter *it, tl_node *node, tl_reset_fn reset);

/* Tensors of a node; NULL for an optional input given as -1 or an index out of range. */
int32_t tl_node_num_inputs(const tl_node *node);
int32_t tl_node_num_outputs(const tl_node *node);
tl_tensor *tl_node_input(tl_interpreter *it, const tl_node *node, int32_t i);
tl_tensor *tl_node_output(tl_interpreter *it, const tl_node *node, int32_t i);
/* Any tensor of the node's subgraph by index (intermediates, ...); NULL when out of range. */
tl_tensor *tl_node_tensor(tl_interpreter *it, const tl_node *node, int32_t index);

/* Control flow (WHILE, IF; see planner.c for the memory plan). In prepare,
 * tl_subgraph_prepare checks `index` (in range, no recursion, nesting at most
 * TL_MAX_SUBGRAPH_DEPTH), resolves and prepares the subgraph's kernels the first time it is
 * called, and records it as run by `node`, so its tensors are planned to be live only while
 * `node` runs. In eval, tl_subgraph_invoke runs it: the caller copies data into its input
 * tensors before and out of its output tensors after (their contents do not survive the
 * caller's node). */
tl_status tl_subgraph_prepare(tl_interpreter *it, tl_node *node, int32_t index, tl_subgraph **out);
/* The subgraphs `node` runs, in the order its prepare asked for them, into callees[TL_MAX_CALLEES] (NULL: only
 * count them); returns how many (0 for all but control flow nodes). */
int32_t tl_node_callees(const tl_interpreter *it, const tl_node *node, int32_t *callees);
tl_status tl_subgraph_invoke(tl_interpreter *it, tl_subgraph *sg);
int32_t tl_subgraph_num_inputs(const tl_subgraph *sg);
int32_t tl_subgraph_num_outputs(const tl_subgraph *sg);
tl_tensor *tl_subgraph_input(tl_interpreter *it, const tl_subgraph *sg, int32_t i);
tl_tensor *tl_subgraph_output(tl_interpreter *it, const tl_subgraph *sg, int32_t i);
/* Its tensor `index`, NULL when out of range. */
tl_tensor *tl_subgraph_tensor(const tl_subgraph *sg, int32_t index);

/* Resolves and prepares the entry subgraphs (0 and those SignatureDefs name) and, through
 * control flow kernels, what they call; then plans memory (subgraph.c and plan.c). */
tl_status tl_interpreter_prepare_all(tl_interpreter *it);
tl_status tl_interpreter_plan(tl_interpreter *it);
/* Partitions subgraph 0 between the interpreter's delegate and the CPU (delegate.c), after planning. */
tl_status tl_delegate_apply(tl_interpreter *it);

/* Resizable inputs (resize.c). is_constant is TL_CONSTANT_MODEL for the model's constants and
 * TL_CONSTANT_FOLDED for values computed at allocation (kept in the tail, cleared by the next one).
 * tl_shapes_reset gives every tensor but entry inputs its model shape back; tl_node_infer_shapes
 * sets a node's output shapes from its inputs' (before its prepare); tl_node_fold computes a
 * shape-giving node's small integer outputs at allocation (after its prepare). */
#define TL_CONSTANT_MODEL 1
#define TL_CONSTANT_FOLDED 2
void tl_shapes_clear_folded(tl_interpreter *it);
tl_status tl_shapes_reset(tl_interpreter *it);
tl_status tl_node_infer_shapes(tl_interpreter *it, tl_node *node);
tl_status tl_node_fold(tl_interpreter *it, tl_node *node);
/* Sets a tensor's dims, rank and bytes (SHAPE_MISMATCH for a negative dimension, MODEL_UNSUPPORTED
 * for rank above 6 or 2^31 bytes and more; ARENA_TOO_SMALL when it needs storage and the arena is
 * full, INVOKE_FAILED when it needs storage at invoke): every change of a tensor's shape goes through
 * it (tensor_shape.c). A tensor whose shape is set at invoke gets its storage in prepare first,
 * tl_tensor_own_dims. tl_shapes_forget and tl_shapes_restore give the model's shape back to tensors
 * whose storage lay in the tail an allocation gave back. The rule for a node's output shapes
 * (shape_rules.c): *has_rule 0 when the builtin has none. */
tl_status tl_tensor_set_dims(tl_interpreter *it, tl_tensor *t, const int32_t *dims, int32_t ndim);
/* The bytes a tensor of that shape holds (its checks and statuses, without setting anything). */
tl_status tl_tensor_shape_bytes(const tl_tensor *t, const int32_t *dims, int32_t ndim, uint32_t *bytes);
tl_status tl_tensor_own_dims(tl_interpreter *it, tl_tensor *t);
void tl_shapes_forget(tl_interpreter *it);
tl_status tl_shapes_restore(tl_interpreter *it);
/* The model's shape vector of a tensor when it can be read in place (4-aligned, little-endian host), with its
 * length in *rank; NULL otherwise (model.c). */
const int32_t *tl_model_dims_in_place(const tl_interpreter *it, const tl_tensor *t, int32_t *rank);
tl_status tl_shape_rule(tl_interpreter *it, tl_node *node, int *has_rule);
/* The shape (signature 0) or shape_signature (1; the shape when absent) the model gives tensor
 * `index` of `subgraph`, into dims[TL_MAX_DIMS]; returns the rank, -1 when out of range (model.c). */
int32_t tl_model_tensor_shape(const tl_interpreter *it, int32_t subgraph, int32_t index, int signature, int32_t *dims);

/* Tensors whose shape depends on values (dynamic.c). A node whose outputs get their shape at invoke
 * (WHERE, UNIQUE: tl_value_shaped_output) is TL_NODE_VALUE_SHAPED; a node reading such an output, or
 * an output of a TL_NODE_RESHAPED node, is TL_NODE_RESHAPED: prepared at the upper-bound shapes its shape rule
 * gives (what the planner places), then at invoke its shape rule runs again and its kernel is prepared
 * again in the op data and scratch it had, before its eval. */
#define TL_NODE_VALUE_SHAPED 1
#define TL_NODE_RESHAPED 2
tl_status tl_dynamic_prepare(tl_interpreter *it, tl_node *node, tl_prepare_fn prepare);
tl_status tl_dynamic_after_plan(tl_interpreter *it);
tl_status tl_dynamic_reprepare(tl_interpreter *it, tl_node *node);
/* tl_request_scratch after allocation: the next of the buffers planned for a TL_NODE_RESHAPED node (NULL: none
 * left, or too small). */
tl_scratch *tl_dynamic_scratch(tl_interpreter *it, const tl_node *node, size_t bytes);

/* State a new allocation keeps (state.c): resource variables' values, CALL_ONCE's flag. In prepare,
 * tl_alloc_state gives `bytes` (16-byte aligned) at the arena's start for the item `key` (tl_state_key: the node's
 * place); *fresh 1 when it is new (zeroed), 0 when an earlier allocation left it with its values. NULL when the
 * arena is full. tl_state_begin and tl_state_end frame an allocation (interpreter.c). */
void *tl_alloc_state(tl_interpreter *it, uint32_t key, size_t bytes, int *fresh);
uint32_t tl_state_key(const tl_interpreter *it, const tl_node *node);
void tl_state_begin(tl_interpreter *it);
void tl_state_end(tl_interpreter *it);

/* The threads a kernel may split its work into (1 without a pool), and running task(ctx, i) for
 * i in [0, tasks): on the pool when there is one, else in order in this thread. */
int32_t tl_threads(const tl_interpreter *it);
void tl_parallel(tl_interpreter *it, int32_t tasks, void (*task)(void *ctx, int32_t index), void *ctx);

/* Persistent arena memory (zeroed, aligned for any scalar: 8 bytes on 64-bit and Arm targets); NULL when the
 * arena is full. The _aligned form takes a larger power-of-two alignment (custom ops' data: 16; the optimized
 * tier's packed weights: 16, or 64 for whole cache lines). */
void *tl_alloc_persistent(tl_interpreter *it, size_t bytes);
void *tl_alloc_persistent_aligned(tl_interpreter *it, size_t bytes, size_t align);

/* Scratch for `node`, 16-byte aligned, planned at the arena's head: call in prepare, keep the
 * handle in op data, use handle->data in eval. NULL when the arena is full. */
tl_scratch *tl_request_scratch(tl_interpreter *it, const tl_node *node, size_t bytes);

/* Records an error naming the node and op; returns `status` so kernels can `return tl_fail(...)`. */
tl_status tl_fail(tl_interpreter *it, const tl_node *node, tl_status status, const char *detail);

size_t tl_type_size(tl_type type);
int64_t tl_tensor_numel(const tl_tensor *t);
int tl_same_shape(const tl_tensor *a, const tl_tensor *b);
/* Prepare-time reads of the model's quantization (tl_tensor_quantization): channel c's scale (the
 * per-tensor one when the tensor has one scale, or c is out of range) and the number of scales. */
float tl_tensor_scale(const tl_interpreter *it, const tl_tensor *t, int32_t channel);
int32_t tl_tensor_quant_count(const tl_interpreter *it, const tl_tensor *t);

/* A CUSTOM node's custom_options as a FlexBuffer map (error, and a message naming the node, when
 * absent or malformed); read its values with tl_flex_map_i32 & co. */
tl_status tl_node_flex_options(tl_interpreter *it, const tl_node *node, tl_flex_map *out);

/* Fused activations (TFLite ActivationFunctionType): NONE=0, RELU=1, RELU_N1_TO_1=2, RELU6=3. */
tl_status tl_activation_range_f32(int8_t act, float *lo, float *hi);
tl_status tl_activation_range_quant(int8_t act, const tl_tensor *out, int32_t *lo, int32_t *hi);
/* Plain integers (int32, int64) within [type_lo, type_hi], as LiteRT's CalculateActivationRange. */
tl_status tl_activation_range_int(int8_t act, int64_t type_lo, int64_t type_hi, int64_t *lo, int64_t *hi);

/* A quantized tensor's parameters are usable: scales positive and finite, zero point in range. */
tl_status tl_check_quantized(tl_interpreter *it, const tl_node *node, const tl_tensor *t);

/* tl_quantize_multiplier, refusing scales whose shift would overflow the fixed-point path. */
tl_status tl_quantize_multiplier_checked(tl_interpreter *it, const tl_node *node, double real, int32_t *multiplier,
                                         int32_t *shift);

/* For int8 conv-like kernels: checks the tensors' quantization and fills per-output-channel
 * multipliers for in_scale * w_scale[c] / out_scale (per-tensor weights repeat one scale), in one
 * allocation: the int32 multipliers, then the shifts as bytes (*shift = (int8_t *)(*mult + channels)). */
tl_status tl_prepare_channel_multipliers(tl_interpreter *it, const tl_node *node, const tl_tensor *in,
                                         const tl_tensor *w, const tl_tensor *out, int32_t channels,
                                         int32_t **mult, int8_t **shift);

#endif
