/* tl_run MODEL.tflite [ARENA_KB]: loads a model, fills every input with a fixed byte pattern,
 * invokes once and prints each output's bytes as hex, or the error message (exit 1). A
 * standalone driver for the fuzz and sanitizer tests and for timing without Python. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tensorlite.h"

static unsigned char model[4 << 20];

int main(int argc, char **argv) {
    FILE *f;
    size_t n, arena_bytes, i;
    unsigned char *arena;
    tl_status st;
    tl_model m;
    tl_interpreter *it = NULL;
    int32_t k;
    if (argc < 2) {
        fprintf(stderr, "usage: tl_run MODEL.tflite [ARENA_KB]\n");
        return 2;
    }
    f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    n = fread(model, 1, sizeof model, f);
    fclose(f);
    arena_bytes = (size_t)(argc > 2 ? atol(argv[2]) : 4096) * 1024u;
    arena = malloc(arena_bytes); /* the driver owns the arena; the runtime never allocates */
    if (!arena) return 2;
    st = tl_model_init(&m, model, n);
    if (st == TL_STATUS_OK) it = tl_interpreter_init(&m, NULL, arena, arena_bytes, &st);
    if (st == TL_STATUS_OK) st = tl_interpreter_allocate_tensors(it);
    if (st == TL_STATUS_OK) {
        for (k = 0; k < tl_interpreter_get_input_count(it); k++) {
            tl_tensor *t = tl_interpreter_get_input(it, k);
            for (i = 0; i < t->bytes; i++) ((unsigned char *)t->data)[i] = (unsigned char)(i * 7 + 3);
        }
        st = tl_interpreter_invoke(it);
    }
    if (st != TL_STATUS_OK) {
        printf("error %d: %s\n", (int)st, it ? tl_interpreter_error_message(it) : tl_status_message(st));
        free(arena);
        return 1;
    }
    for (k = 0; k < tl_interpreter_get_output_count(it); k++) {
        tl_tensor *t = tl_interpreter_get_output(it, k);
        printf("output %d:", (int)k);
        for (i = 0; i < t->bytes; i++) printf(" %02x", ((unsigned char *)t->data)[i]);
        printf("\n");
    }
    printf("arena bytes used: %lu\n", (unsigned long)tl_interpreter_arena_bytes_used(it));
    free(arena);
    return 0;
}
