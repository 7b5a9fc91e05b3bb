/* tl_gpu_delegate.h — an OpenCL delegate for the C runtime (see include/tensorlite_delegate.h).
 *
 *     tl_gpu_options opt = {0};                 // float32, first OpenCL device of any type
 *     char err[256];
 *     tl_delegate *gpu = tl_gpu_delegate_create(&opt, err, sizeof err);
 *     if (!gpu) puts(err);                      // no libOpenCL / no device: says which package to install
 *     tl_interpreter_set_delegate(it, gpu);     // before allocate
 *     ...
 *     tl_gpu_delegate_delete(gpu);              // after its interpreters
 *
 * OpenCL is opened at run time (dlopen), so programs link and run without it. It takes float32
 * nodes of CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD, SUB, MUL, AVERAGE/MAX_POOL_2D, MEAN,
 * RELU, RELU6, RELU_N1_TO_1, PRELU, LOGISTIC, TANH, HARD_SWISH, SOFTMAX, CONCATENATION, RESHAPE,
 * SQUEEZE, PAD, PADV2, RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR (constant weights; at most 4
 * dimensions); quantized nodes stay on the CPU, as with TFLite's GPU delegate by default. The
 * OpenCL context, queue's device and compiled program are shared by every delegate of the process
 * with the same library, platform and device, so kernels compile once per process. */
#ifndef TL_GPU_DELEGATE_H
#define TL_GPU_DELEGATE_H

#include <stddef.h>

#include "tensorlite_delegate.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tl_gpu_options {
    int fp16;             /* 1: tensors stored as half (vload_half/vstore_half), arithmetic in float */
    const char *library;  /* the OpenCL library to open; NULL: libOpenCL.so.1 (the ICD loader) */
    const char *platform; /* a substring of the platform's name to choose ("Portable"); NULL: any */
    int device_type;      /* 0: any device, 1: GPUs only, 2: CPUs only */
} tl_gpu_options;

/* NULL when OpenCL or a device is missing, with the reason (and the package to install) in error. */
tl_delegate *tl_gpu_delegate_create(const tl_gpu_options *options, char *error, size_t error_size);
void tl_gpu_delegate_delete(tl_delegate *delegate);
/* "platform / device" of the chosen device, and whether it has cl_khr_fp16. */
const char *tl_gpu_delegate_device_name(const tl_delegate *delegate);
int tl_gpu_delegate_device_has_fp16(const tl_delegate *delegate);

#ifdef __cplusplus
}
#endif
#endif
