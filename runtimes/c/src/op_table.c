/* Builtin code -> kernel (from builtin_ops.def), custom code -> kernel (custom_ops.def) and builtin
 * code -> name (builtin_names.def, the schema's list, kernel or not). A kernel is its prepare,
 * tl_<stem>_prepare in kernels/<stem>.c. A firmware build may compile this file with
 * -DTL_BUILTIN_OPS='"model_ops.def"' -DTL_CUSTOM_OPS='"model_custom_ops.def"' (subsets of the two
 * tables; `tensorlite codegen` writes them per model): only those kernels are then referenced, and
 * the linker's --gc-sections drops the others. */
#include <stddef.h>
#include <string.h>

#include "kernel_api.h"

#ifndef TL_BUILTIN_OPS
#define TL_BUILTIN_OPS "builtin_ops.def"
#endif
#ifndef TL_CUSTOM_OPS
#define TL_CUSTOM_OPS "custom_ops.def"
#endif

/* Each table ends with an empty entry: a build may list no builtin or no custom kernel. */
typedef struct {
    int32_t code;
    tl_prepare_fn prepare;
} builtin_entry;

static const builtin_entry builtins[] = {
#define X(code, name, stem) {code, tl_##stem##_prepare},
#include TL_BUILTIN_OPS
#undef X
    {-1, NULL}
};

typedef struct {
    const char *code;
    tl_prepare_fn prepare;
} custom_entry;

static const custom_entry customs[] = {
#define X(code, stem) {code, tl_##stem##_prepare},
#include TL_CUSTOM_OPS
#undef X
    {NULL, NULL}
};

static const char *const names[] = {
#define X(code, name) #name,
#include "builtin_names.def"
#undef X
};

tl_prepare_fn tl_find_kernel(int32_t builtin) {
    size_t i;
    for (i = 0; builtins[i].prepare != NULL; i++)
        if (builtins[i].code == builtin) return builtins[i].prepare;
    return NULL;
}

tl_prepare_fn tl_find_custom_kernel(const char *code) {
    size_t i;
    if (code == NULL) return NULL;
    for (i = 0; customs[i].code != NULL; i++)
        if (strcmp(customs[i].code, code) == 0) return customs[i].prepare;
    return NULL;
}

const char *tl_builtin_get_name(int32_t builtin_code) {
    if (builtin_code < 0 || (size_t)builtin_code >= sizeof names / sizeof names[0]) return NULL;
    return names[builtin_code];
}

int tl_builtin_has_kernel(int32_t builtin_code) { return tl_find_kernel(builtin_code) != NULL; }

int tl_custom_has_kernel(const char *custom_code) { return tl_find_custom_kernel(custom_code) != NULL; }
