/* The tensor record and where its dims live (tensorlite.h): 32 bytes with 64-bit pointers, 24 with 32-bit ones,
 * dims read in place from the model where it is 4-aligned, from the arena otherwise. tests/runtime_c/
 * test_tensor_record.py builds it against libtensorlite.a and runs it:
 *     tensor_record MODEL.tflite [D0 D1 ...]
 * loads the model twice, from a 4-aligned buffer and from one at an odd address, checks where every tensor's
 * dims lie, allocates (after resizing input 0 to D0 D1 ... when given), invokes on the same input bytes and checks
 * that both give the same outputs, then prints each output's shape and its bytes in hex, one line per output.
 * Exit status 0 when all went well; the reason on stderr otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tensorlite.h"

/* sizeof(tl_tensor): a negative array size fails the build */
typedef char tensor_record_size[sizeof(void *) == 8 ? (sizeof(tl_tensor) == 32 ? 1 : -1)
                                                    : (sizeof(tl_tensor) <= 24 ? 1 : -1)];

#define ARENA (4u << 20)

static int fail(const char *what, const tl_interpreter *it) {
    fprintf(stderr, "%s%s%s\n", what, it ? ": " : "", it ? tl_interpreter_error_message(it) : "");
    return 1;
}

static int inside(const void *p, const void *lo, size_t size) {
    return (const unsigned char *)p >= (const unsigned char *)lo && (const unsigned char *)p < (const unsigned char *)lo + size;
}

/* Loads, checks where dims lie, resizes, allocates and invokes; the interpreter lives in `arena`. */
static tl_interpreter *run(const unsigned char *bytes, size_t size, unsigned char *arena, int odd,
                           const int32_t *dims, int32_t ndim) {
    tl_model model;
    tl_interpreter *it;
    tl_tensor *in;
    tl_status st = tl_model_init(&model, bytes, size);
    int32_t s, i;
    uint32_t k;
    if (st != TL_STATUS_OK) return fail("model", NULL), NULL;
    it = tl_interpreter_init(&model, NULL, arena, ARENA, &st);
    if (st != TL_STATUS_OK) return fail("init", it), NULL;
    for (s = 0; s < tl_interpreter_get_subgraph_count(it); s++)
        for (i = 0; i < tl_interpreter_get_subgraph_tensor_count(it, s); i++) {
            const tl_tensor *t = tl_interpreter_get_subgraph_tensor(it, s, i);
            if (t->ndim == 0) continue;
            /* odd address: no shape vector of the model is 4-aligned, so every dims lies in the arena */
            if (odd && !inside(t->dims, arena, ARENA)) return fail("dims in the model at an odd address", NULL), NULL;
            if (!odd && (uintptr_t)t->dims % 4 == 0 && !inside(t->dims, bytes, size))
                return fail("dims of an aligned model outside it before allocation", NULL), NULL;
        }
    if (ndim >= 0) {
        st = tl_interpreter_resize_input(it, 0, tl_interpreter_get_input_tensor_index(it, 0), dims, ndim, 0);
        if (st != TL_STATUS_OK) return fail("resize", it), NULL;
    }
    if (tl_interpreter_allocate_tensors(it) != TL_STATUS_OK) return fail("allocate", it), NULL;
    for (i = 0; i < tl_interpreter_get_input_count(it); i++) {
        in = tl_interpreter_get_input(it, i);
        for (k = 0; k < in->bytes; k++) ((unsigned char *)in->data)[k] = (unsigned char)(k * 7u + 3u);
        if (in->type == TL_TYPE_FLOAT32)
            for (k = 0; k < in->bytes / 4; k++) ((float *)in->data)[k] = (float)(k % 13u) * 0.125f - 0.75f;
    }
    if (tl_interpreter_invoke(it) != TL_STATUS_OK) return fail("invoke", it), NULL;
    return it;
}

int main(int argc, char **argv) {
    unsigned char *arena_a = malloc(ARENA), *arena_b = malloc(ARENA), *file, *aligned, *odd;
    int32_t dims[TL_MAX_DIMS], ndim = -1, i, d;
    tl_interpreter *a, *b;
    long size;
    FILE *f;
    if (argc < 2 || argc > 2 + TL_MAX_DIMS || (f = fopen(argv[1], "rb")) == NULL) return 2;
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);
    file = malloc((size_t)size + 8);
    if (!file || !arena_a || !arena_b || fread(file, 1, (size_t)size, f) != (size_t)size) return 2;
    fclose(f);
    if (argc > 2) ndim = argc - 2;
    for (i = 0; i < ndim; i++) dims[i] = atoi(argv[2 + i]);
    aligned = malloc((size_t)size);
    if (!aligned) return 2;
    memcpy(aligned, file, (size_t)size);
    odd = file + 1; /* malloc's memory is 8-aligned: +1 is odd */
    memmove(odd, file, (size_t)size);
    if ((a = run(aligned, (size_t)size, arena_a, 0, dims, ndim)) == NULL) return 1;
    if ((b = run(odd, (size_t)size, arena_b, 1, dims, ndim)) == NULL) return 1;
    for (i = 0; i < tl_interpreter_get_output_count(a); i++) {
        const tl_tensor *x = tl_interpreter_get_output(a, i), *y = tl_interpreter_get_output(b, i);
        uint32_t k;
        if (x->ndim != y->ndim || memcmp(x->dims, y->dims, sizeof(int32_t) * x->ndim) != 0 || x->bytes != y->bytes ||
            memcmp(x->data, y->data, x->bytes) != 0)
            return fail("an output differs between the aligned and the odd-address model", NULL);
        printf("[");
        for (d = 0; d < x->ndim; d++) printf(d ? ", %ld" : "%ld", (long)x->dims[d]);
        printf("] ");
        for (k = 0; k < x->bytes; k++) printf("%02x", ((const unsigned char *)x->data)[k]);
        printf("\n");
    }
    free(arena_a);
    free(arena_b);
    free(aligned);
    free(file);
    return 0;
}
