/* Shared by the GPU delegate's files: the process-wide OpenCL environment, the delegate, a
 * partition's device state, and the helpers the op builders (gpu_ops.c) use. */
#ifndef TL_GPU_INTERNAL_H
#define TL_GPU_INTERNAL_H

#include "../c/src/kernel_api.h"
#include "cl_api.h"
#include "tl_gpu_delegate.h"

extern const char *const tl_gpu_kernels_source[];
extern const unsigned tl_gpu_kernels_lines;

/* One per (library, platform, device type) in the process, never freed: the context and the
 * compiled program per storage type (0 float32, 1 half), built on first use. */
typedef struct tl_gpu_env {
    char key[320];
    tl_cl_api api;
    cl_device_id device;
    cl_context context;
    cl_program program[2];
    char name[256];
    int has_fp16;
} tl_gpu_env;

/* A kernel with its arguments set, and its NDRange. */
typedef struct tl_gpu_launch {
    cl_kernel kernel;
    cl_uint dims;
    size_t global[3], local[3];
    int has_local;
} tl_gpu_launch;

typedef struct tl_gpu tl_gpu;

typedef struct tl_gpu_part {
    tl_gpu *gpu;
    int32_t n_tensors;
    cl_mem *mem;              /* per tensor of subgraph 0 (NULL: not on the device) */
    cl_mem *owned;            /* every buffer this partition made (weights repacked, zero biases, ...) */
    int n_owned, cap_owned;
    tl_gpu_launch *launches;  /* in order */
    int n_launches, cap_launches;
    cl_mem *stage;            /* half storage: a float32 buffer per boundary tensor (inputs, then outputs) */
    tl_gpu_launch *convert;   /* ... and its conversion to (inputs) or from (outputs) storage */
    int32_t n_convert;
} tl_gpu_part;

struct tl_gpu {
    tl_delegate base;
    int fp16;
    tl_gpu_env *env;
    cl_command_queue queue;
    tl_gpu_part **parts;
    int n_parts, cap_parts;
};

/* Bytes of one element in device storage (4 or 2). */
size_t tl_gpu_elem(const tl_gpu_part *p);
/* The device buffer of tensor `t` (made on first use; constants uploaded); NULL on failure. */
cl_mem tl_gpu_tensor(tl_gpu_part *p, tl_interpreter *it, int32_t t, char *error, size_t error_size);
/* A new buffer holding n float32 values (converted to storage); NULL on failure. */
cl_mem tl_gpu_upload(tl_gpu_part *p, const float *values, size_t n, char *error, size_t error_size);
/* Appends a launch of kernel `name` whose arguments are given by fmt: 'm' cl_mem, 'i' int, 'f'
 * float (passed as double); local NULL lets the driver choose, else global is rounded up. */
tl_status tl_gpu_add(tl_gpu_part *p, const char *name, cl_uint dims, const size_t *global, const size_t *local,
                     char *error, size_t error_size, const char *fmt, ...);

/* gpu_ops.c: whether the delegate runs this node (with the reason when not), and adding its launches. */
int tl_gpu_supports(tl_interpreter *it, const tl_node *node, char *why, size_t why_size);
tl_status tl_gpu_build(tl_gpu_part *p, tl_interpreter *it, const tl_node *node, char *error, size_t error_size);

#endif
