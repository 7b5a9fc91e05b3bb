"""cffi (API mode) build of the C runtime as `tensorlite.runtime._tl_c`; setup.py runs it at
`pip install`. The C sources are compiled as they are, with -std=c99."""
import glob
import os

from cffi import FFI

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)  # runtimes/c
GPU = os.path.join(os.path.dirname(ROOT), "gpu")  # runtimes/gpu

CDEF = """
typedef int tl_status;
typedef struct tl_tensor {
    void *data;
    const int32_t *dims;
    uint32_t bytes;
    float scale;
    int32_t zero_point;
    uint8_t type;
    uint8_t ndim;
    int8_t quant_dim;
    unsigned int is_constant : 2;
    unsigned int is_variable : 1;
    unsigned int quantized : 1;
    unsigned int own_dims : 1;
} tl_tensor;
typedef struct tl_quantization { const uint8_t *scales; const uint8_t *zero_points; int32_t count; } tl_quantization;
typedef struct tl_model {
    const uint8_t *data;
    size_t size;
    uint32_t version;
    uint32_t subgraph_count;
    uint32_t signature_count;
} tl_model;
typedef struct tl_interpreter tl_interpreter;
const char *tl_tensor_name(const tl_interpreter *it, const tl_tensor *t);
tl_quantization tl_tensor_quantization(const tl_interpreter *it, const tl_tensor *t);
struct tl_node;
typedef tl_status (*tl_custom_prepare_fn)(tl_interpreter *it, struct tl_node *node);
typedef tl_status (*tl_custom_eval_fn)(tl_interpreter *it, struct tl_node *node);
typedef struct tl_custom_op { const char *name; tl_custom_prepare_fn prepare; tl_custom_eval_fn eval; void *user; }
    tl_custom_op;
typedef struct tl_op_resolver { const int32_t *builtins; int32_t count; tl_custom_op *customs; int32_t custom_count;
    int32_t custom_capacity; } tl_op_resolver;
tl_status tl_resolver_add_custom(tl_op_resolver *resolver, const char *name, tl_custom_prepare_fn prepare,
                                 tl_custom_eval_fn eval, void *user);
tl_status tl_interpreter_add_custom(tl_interpreter *it, const char *name, tl_custom_prepare_fn prepare,
                                    tl_custom_eval_fn eval, void *user);
int32_t tl_custom_input_count(const struct tl_node *node);
int32_t tl_custom_output_count(const struct tl_node *node);
tl_tensor *tl_custom_input(tl_interpreter *it, const struct tl_node *node, int32_t i);
tl_tensor *tl_custom_output(tl_interpreter *it, const struct tl_node *node, int32_t i);
const uint8_t *tl_custom_options(const tl_interpreter *it, const struct tl_node *node, size_t *size);
void *tl_custom_user(const struct tl_node *node);
tl_status tl_custom_set_output_shape(tl_interpreter *it, struct tl_node *node, int32_t output, const int32_t *dims,
                                     int32_t ndim);
tl_status tl_custom_fail(tl_interpreter *it, const struct tl_node *node, tl_status status, const char *detail);
extern "Python" tl_status tl_py_custom_prepare(tl_interpreter *it, struct tl_node *node);
extern "Python" tl_status tl_py_custom_eval(tl_interpreter *it, struct tl_node *node);
const char *tl_status_message(tl_status status);
tl_status tl_model_init(tl_model *model, const uint8_t *data, size_t size);
tl_interpreter *tl_interpreter_init(const tl_model *model, const tl_op_resolver *resolver, void *arena,
                                    size_t arena_bytes, tl_status *status);
tl_status tl_interpreter_set_preserve_all_tensors(tl_interpreter *it, int enable);
tl_status tl_interpreter_set_reference_kernels(tl_interpreter *it, int enable);
tl_status tl_interpreter_set_cpu_features(tl_interpreter *it, uint32_t mask);
tl_status tl_interpreter_set_pack_weights(tl_interpreter *it, int enable);
uint32_t tl_cpu_features(void);
typedef struct tl_thread_pool tl_thread_pool;
tl_status tl_interpreter_set_thread_pool(tl_interpreter *it, tl_thread_pool *pool);
tl_thread_pool *tl_binding_pool_new(int32_t threads);
void tl_binding_pool_delete(tl_thread_pool *pool);
tl_status tl_interpreter_allocate_tensors(tl_interpreter *it);
tl_status tl_interpreter_invoke(tl_interpreter *it);
tl_status tl_interpreter_set_max_while_iterations(tl_interpreter *it, uint32_t limit);
tl_status tl_interpreter_resize_input(tl_interpreter *it, int32_t subgraph, int32_t tensor, const int32_t *dims,
                                      int32_t ndim, int strict);
tl_status tl_interpreter_set_string_capacity(tl_interpreter *it, int32_t subgraph, int32_t tensor, uint32_t bytes);
tl_status tl_interpreter_invoke_subgraph(tl_interpreter *it, int32_t subgraph);
tl_status tl_interpreter_reset_variables(tl_interpreter *it);
int32_t tl_interpreter_get_input_count(const tl_interpreter *it);
int32_t tl_interpreter_get_output_count(const tl_interpreter *it);
int32_t tl_interpreter_get_input_tensor_index(const tl_interpreter *it, int32_t index);
int32_t tl_interpreter_get_output_tensor_index(const tl_interpreter *it, int32_t index);
int32_t tl_interpreter_get_signature_count(const tl_interpreter *it);
const char *tl_interpreter_get_signature_key(const tl_interpreter *it, int32_t signature);
int32_t tl_interpreter_get_signature_subgraph(const tl_interpreter *it, int32_t signature);
int32_t tl_interpreter_get_signature_input_count(const tl_interpreter *it, int32_t signature);
int32_t tl_interpreter_get_signature_output_count(const tl_interpreter *it, int32_t signature);
const char *tl_interpreter_get_signature_input_name(const tl_interpreter *it, int32_t signature, int32_t k);
const char *tl_interpreter_get_signature_output_name(const tl_interpreter *it, int32_t signature, int32_t k);
int32_t tl_interpreter_get_signature_input_tensor_index(const tl_interpreter *it, int32_t signature, int32_t k);
int32_t tl_interpreter_get_signature_output_tensor_index(const tl_interpreter *it, int32_t signature, int32_t k);
int32_t tl_interpreter_get_tensor_count(const tl_interpreter *it);
tl_tensor *tl_interpreter_get_tensor(tl_interpreter *it, int32_t index);
int32_t tl_interpreter_get_subgraph_count(const tl_interpreter *it);
int32_t tl_interpreter_get_subgraph_tensor_count(const tl_interpreter *it, int32_t subgraph);
tl_tensor *tl_interpreter_get_subgraph_tensor(tl_interpreter *it, int32_t subgraph, int32_t index);
int32_t tl_interpreter_get_subgraph_tensor_signature(const tl_interpreter *it, int32_t subgraph, int32_t index,
                                                     int32_t *dims);
int32_t tl_interpreter_get_subgraph_node_count(const tl_interpreter *it, int32_t subgraph);
int32_t tl_interpreter_get_subgraph_node_builtin(const tl_interpreter *it, int32_t subgraph, int32_t node);
const char *tl_interpreter_get_subgraph_node_op_name(const tl_interpreter *it, int32_t subgraph, int32_t node);
int32_t tl_interpreter_get_node_count(const tl_interpreter *it);
int32_t tl_interpreter_get_node_builtin(const tl_interpreter *it, int32_t node);
const char *tl_interpreter_get_node_op_name(const tl_interpreter *it, int32_t node);
int32_t tl_interpreter_get_node_input_count(const tl_interpreter *it, int32_t node);
int32_t tl_interpreter_get_node_output_count(const tl_interpreter *it, int32_t node);
int32_t tl_interpreter_get_node_input(const tl_interpreter *it, int32_t node, int32_t k);
int32_t tl_interpreter_get_node_output(const tl_interpreter *it, int32_t node, int32_t k);
size_t tl_interpreter_arena_bytes_used(const tl_interpreter *it);
const char *tl_interpreter_error_message(const tl_interpreter *it);
const char *tl_builtin_get_name(int32_t builtin_code);
int tl_builtin_has_kernel(int32_t builtin_code);
int tl_custom_has_kernel(const char *custom_code);
typedef struct tl_delegate tl_delegate;
typedef struct tl_gpu_options { int fp16; const char *library; const char *platform; int device_type; } tl_gpu_options;
tl_delegate *tl_gpu_delegate_create(const tl_gpu_options *options, char *error, size_t error_size);
void tl_gpu_delegate_delete(tl_delegate *delegate);
const char *tl_gpu_delegate_device_name(const tl_delegate *delegate);
int tl_gpu_delegate_device_has_fp16(const tl_delegate *delegate);
tl_status tl_interpreter_set_delegate(tl_interpreter *it, tl_delegate *delegate);
int32_t tl_interpreter_get_partition_count(const tl_interpreter *it);
int32_t tl_interpreter_get_node_partition(const tl_interpreter *it, int32_t node);
int tl_interpreter_explain_node(tl_interpreter *it, int32_t node, char *why, size_t why_size);
typedef struct tl_delegate_partition { int32_t index; int32_t first_node, n_nodes; const int32_t *inputs;
    int32_t n_inputs; const int32_t *outputs; int32_t n_outputs; } tl_delegate_partition;
const tl_delegate_partition *tl_interpreter_get_partition(const tl_interpreter *it, int32_t partition);
"""

ffibuilder = FFI()
ffibuilder.cdef(CDEF)
_sources = sorted(glob.glob(os.path.join(ROOT, "src", "*.c")) + glob.glob(os.path.join(ROOT, "kernels", "*.c"))
                  + glob.glob(os.path.join(ROOT, "kernels", "common", "*.c"))
                  + glob.glob(os.path.join(ROOT, "kernels", "opt", "*.c"))
                  + glob.glob(os.path.join(ROOT, "threads", "*.c"))
                  + glob.glob(os.path.join(GPU, "*.c")))  # the OpenCL delegate (dlopen: no OpenCL needed to build)
# The binding owns its thread pools on the heap (the runtime itself never allocates).
_GLUE = """
#include <stdlib.h>
#include "tensorlite.h"
#include "tensorlite_threads.h"
#include "tensorlite_delegate.h"
#include "tl_gpu_delegate.h"
static tl_thread_pool *tl_binding_pool_new(int32_t threads) {
    tl_pthread_pool *p = malloc(sizeof *p);
    if (p && tl_pthread_pool_init(p, threads) != 0) {
        free(p);
        p = NULL;
    }
    return p ? &p->base : NULL;
}
static void tl_binding_pool_delete(tl_thread_pool *pool) {
    tl_pthread_pool_free((tl_pthread_pool *)pool);
    free(pool);
}
"""
ffibuilder.set_source(
    "tensorlite.runtime._tl_c",
    _GLUE,
    sources=[os.path.relpath(s) for s in _sources],
    include_dirs=[os.path.relpath(os.path.join(ROOT, "include")), os.path.relpath(os.path.join(ROOT, "src")),
                  os.path.relpath(GPU)],
    extra_compile_args=["-std=c99", "-O3", "-pthread"],
    extra_link_args=["-pthread"],
    libraries=["m", "dl"],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
