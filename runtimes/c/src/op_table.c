/* Builtin code -> kernel, generated from builtin_ops.def. */
#include <stddef.h>

#include "kernel_api.h"

#define X(code, name, stem) extern const tl_kernel tl_kernel_##stem;
#include "builtin_ops.def"
#undef X

static const tl_kernel *const kernels[] = {
#define X(code, name, stem) &tl_kernel_##stem,
#include "builtin_ops.def"
#undef X
};

const tl_kernel *tl_find_kernel(int32_t builtin) {
    size_t i;
    for (i = 0; i < sizeof kernels / sizeof kernels[0]; i++)
        if (kernels[i]->builtin == builtin) return kernels[i];
    return NULL;
}

const char *tl_builtin_name(int32_t builtin_code) {
    const tl_kernel *k = tl_find_kernel(builtin_code);
    return k ? k->name : NULL;
}
