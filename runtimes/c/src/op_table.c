/* Builtin code -> kernel (from builtin_ops.def), custom code -> kernel (custom_ops.def) and builtin
 * code -> name (builtin_names.def). A firmware build may compile this file with
 * -DTL_BUILTIN_OPS='"model_ops.def"' -DTL_CUSTOM_OPS='"model_custom_ops.def"' (subsets of the two
 * tables; `tensorlite codegen` writes them per model): only those kernels are then referenced, and
 * the linker's --gc-sections drops the others. */
#include <stddef.h>
#include <string.h>

#include "kernel_api.h"

#ifndef TL_BUILTIN_OPS
#define TL_BUILTIN_OPS "builtin_ops.def"
#endif

#define X(code, name, stem) extern const tl_kernel tl_kernel_##stem;
#include TL_BUILTIN_OPS
#undef X

static const tl_kernel *const kernels[] = {
#define X(code, name, stem) &tl_kernel_##stem,
#include TL_BUILTIN_OPS
#undef X
};

#ifndef TL_CUSTOM_OPS
#define TL_CUSTOM_OPS "custom_ops.def"
#endif

#define X(code, stem) extern const tl_kernel tl_kernel_##stem;
#include TL_CUSTOM_OPS
#undef X

typedef struct {
    const char *code;
    const tl_kernel *kernel;
} custom_entry;

static const custom_entry custom_kernels[] = {
#define X(code, stem) {code, &tl_kernel_##stem},
#include TL_CUSTOM_OPS
#undef X
    {NULL, NULL} /* keeps the table non-empty when a build lists no custom ops */
};

static const char *const names[] = {
#define X(code, name) #name,
#include "builtin_names.def"
#undef X
};

const tl_kernel *tl_find_kernel(int32_t builtin) {
    size_t i;
    for (i = 0; i < sizeof kernels / sizeof kernels[0]; i++)
        if (kernels[i]->builtin == builtin) return kernels[i];
    return NULL;
}

const tl_kernel *tl_find_custom_kernel(const char *code) {
    size_t i;
    if (code == NULL) return NULL;
    for (i = 0; custom_kernels[i].code != NULL; i++)
        if (strcmp(custom_kernels[i].code, code) == 0) return custom_kernels[i].kernel;
    return NULL;
}

const char *tl_builtin_get_name(int32_t builtin_code) {
    if (builtin_code < 0 || (size_t)builtin_code >= sizeof names / sizeof names[0]) return NULL;
    return names[builtin_code];
}

int tl_builtin_has_kernel(int32_t builtin_code) { return tl_find_kernel(builtin_code) != NULL; }

int tl_custom_has_kernel(const char *custom_code) { return tl_find_custom_kernel(custom_code) != NULL; }
