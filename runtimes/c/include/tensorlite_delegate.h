/* tensorlite_delegate.h — handing runs of nodes to another backend (a GPU, an NPU, a CPU library).
 *
 * Usage (runtimes/gpu/tl_gpu_delegate.h is one such delegate):
 *     tl_delegate *gpu = tl_gpu_delegate_create(&options, err, sizeof err);
 *     tl_interpreter *it = tl_interpreter_init(&model, NULL, arena, sizeof arena, &st);
 *     tl_interpreter_set_delegate(it, gpu);          // before allocate
 *     st = tl_interpreter_allocate_tensors(it);      // CPU prepare, plan, then partitioning
 *     ...invoke as usual; tl_interpreter_get_node_partition(it, i) says where node i runs...
 *     tl_gpu_delegate_delete(gpu);                   // after every interpreter using it is gone
 *
 * How the runtime uses a delegate, at the end of tl_interpreter_allocate_tensors (every kernel is
 * prepared on the CPU first, so shapes are known, the memory plan stays valid and a node the
 * delegate refuses simply keeps its CPU kernel):
 *  1. `claim` is asked about each node of subgraph 0 in execution order; it answers 1 to take it,
 *     or 0 with a short reason (shown by reports: "int8 tensors stay on the CPU").
 *  2. Each maximal run of consecutive claimed nodes becomes a partition. Its boundary is computed
 *     by the runtime: `inputs` are the non-constant tensors its nodes read that no node of the run
 *     writes; `outputs` are the tensors its nodes write that a node outside the run reads, or that
 *     are outputs of subgraph 0. `prepare` is called once per partition and returns the
 *     delegate's state for it (device buffers, compiled kernels: the delegate allocates these
 *     itself and frees them in its own destroy function, never through the arena).
 *  3. At invoke the first node of a partition calls `invoke`, which copies the boundary inputs
 *     from their tensors' data (arena memory, written by CPU nodes or the caller), runs the
 *     partition and writes the boundary outputs back into their tensors' data; the other nodes of
 *     the run do nothing. Tensors inside a run keep their arena memory but are not written (read
 *     them on the CPU with no delegate, e.g. with preserve_all_tensors).
 * The runtime allocates nothing for this outside the arena: the partitions' records and their
 * boundary lists live in its tail. Nodes of other subgraphs (WHILE/IF bodies, other signatures)
 * stay on the CPU. An interpreter takes one delegate; one delegate may serve many interpreters.
 * A delegate reads node options and tensors through the kernel interface (src/kernel_api.h). */
#ifndef TENSORLITE_DELEGATE_H
#define TENSORLITE_DELEGATE_H

#include <stddef.h>
#include <stdint.h>

#include "tensorlite.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A run of consecutive claimed nodes of subgraph 0, and its boundary (tensor indices). */
typedef struct tl_delegate_partition {
    int32_t index;           /* 0, 1, ... in execution order */
    int32_t first_node, n_nodes;
    const int32_t *inputs;   /* read by the run, written before it (or by the caller) */
    int32_t n_inputs;
    const int32_t *outputs;  /* written by the run, read after it (or a graph output) */
    int32_t n_outputs;
} tl_delegate_partition;

typedef struct tl_delegate {
    const char *name;        /* "gpu": shown in reports and error messages */
    void *user;              /* the delegate's own data */
    /* 1: the delegate runs node `node` of subgraph 0; 0: it does not, and `why` (why_size bytes,
     * NUL-terminated) says why. Must not change the interpreter. */
    int (*claim)(struct tl_delegate *d, tl_interpreter *it, int32_t node, char *why, size_t why_size);
    /* Prepares a partition; *state is handed back to invoke. On failure write a message into
     * `error` (error_size bytes): allocation fails with it. */
    tl_status (*prepare)(struct tl_delegate *d, tl_interpreter *it, const tl_delegate_partition *p, void **state,
                         char *error, size_t error_size);
    /* Runs a prepared partition: boundary inputs in from their tensors' data, outputs out to theirs. */
    tl_status (*invoke)(struct tl_delegate *d, tl_interpreter *it, const tl_delegate_partition *p, void *state,
                        char *error, size_t error_size);
} tl_delegate;

/* Sets the interpreter's delegate (NULL: none), between init and allocate; the delegate must
 * outlive the interpreter. */
tl_status tl_interpreter_set_delegate(tl_interpreter *it, tl_delegate *delegate);

/* After allocate: how many partitions the delegate took, where node `node` of subgraph 0 runs
 * (its partition's index, or -1 on the CPU) and a partition's record (NULL when out of range). */
int32_t tl_interpreter_get_partition_count(const tl_interpreter *it);
int32_t tl_interpreter_get_node_partition(const tl_interpreter *it, int32_t node);
const tl_delegate_partition *tl_interpreter_get_partition(const tl_interpreter *it, int32_t partition);

/* Asks the interpreter's delegate again why it does or does not take node `node` (the reason in
 * `why`); returns its answer, or -1 without a delegate. For reports. */
int tl_interpreter_explain_node(tl_interpreter *it, int32_t node, char *why, size_t why_size);

#ifdef __cplusplus
}
#endif
#endif /* TENSORLITE_DELEGATE_H */
