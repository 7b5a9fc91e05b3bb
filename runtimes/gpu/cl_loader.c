/* Loads the OpenCL ICD loader (or any library exporting the OpenCL API, such as oclgrind's
 * runtime) with dlopen, so nothing links against OpenCL. */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "cl_api.h"

/* ISO C has no conversion from void * to a function pointer: copy the bits instead. */
static int find(void *lib, const char *name, void *fn_slot, size_t slot_size, char *error, size_t error_size) {
    void *p = dlsym(lib, name);
    if (p == NULL || slot_size != sizeof p) {
        snprintf(error, error_size, "the OpenCL library has no %s", name);
        return -1;
    }
    memcpy(fn_slot, &p, sizeof p);
    return 0;
}

int tl_cl_load(const char *library, tl_cl_api *api, char *error, size_t error_size) {
    void *lib = NULL;
    if (library && library[0]) {
        lib = dlopen(library, RTLD_NOW | RTLD_LOCAL);
        if (lib == NULL) {
            snprintf(error, error_size, "cannot load the OpenCL library %s (%.120s); the ICD loader is Debian's "
                     "ocl-icd-libopencl1 (ocl-icd-opencl-dev), PoCL's CPU driver pocl-opencl-icd", library, dlerror());
            return -1;
        }
    } else {
        lib = dlopen("libOpenCL.so.1", RTLD_NOW | RTLD_LOCAL);
        if (lib == NULL) lib = dlopen("libOpenCL.so", RTLD_NOW | RTLD_LOCAL);
        if (lib == NULL) {
            snprintf(error, error_size,
                     "no OpenCL library (libOpenCL.so.1) found: install the ICD loader (Debian: ocl-icd-libopencl1 "
                     "or ocl-icd-opencl-dev) and a driver (a GPU vendor's, or pocl-opencl-icd for the CPU)");
            return -1;
        }
    }
#define FIND(field) if (find(lib, "cl" #field, &api->field, sizeof api->field, error, error_size)) return -1
    FIND(GetPlatformIDs);
    FIND(GetPlatformInfo);
    FIND(GetDeviceIDs);
    FIND(GetDeviceInfo);
    FIND(CreateContext);
    FIND(CreateCommandQueue);
    FIND(CreateBuffer);
    FIND(CreateProgramWithSource);
    FIND(BuildProgram);
    FIND(GetProgramBuildInfo);
    FIND(CreateKernel);
    FIND(SetKernelArg);
    FIND(EnqueueNDRangeKernel);
    FIND(EnqueueWriteBuffer);
    FIND(EnqueueReadBuffer);
    FIND(Finish);
    FIND(ReleaseMemObject);
    FIND(ReleaseKernel);
    FIND(ReleaseProgram);
    FIND(ReleaseCommandQueue);
    FIND(ReleaseContext);
#undef FIND
    return 0;
}
