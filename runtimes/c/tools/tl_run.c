/* tl_run MODEL.tflite [ARENA_KB] [RUNS]: loads a model, fills every input with a fixed byte pattern,
 * invokes once and prints each output's bytes as hex, or the error message (exit 1); with RUNS,
 * invokes that many more times and prints the mean time per invoke. A standalone driver for the
 * fuzz and sanitizer tests and for timing and profiling without Python. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tensorlite.h"

static void fill_inputs(tl_interpreter *it) {
    int32_t k;
    size_t i;
    for (k = 0; k < tl_interpreter_get_input_count(it); k++) {
        tl_tensor *t = tl_interpreter_get_input(it, k);
        for (i = 0; i < t->bytes; i++) ((unsigned char *)t->data)[i] = (unsigned char)(i * 7 + 3);
    }
}

int main(int argc, char **argv) {
    FILE *f;
    size_t n, arena_bytes, i;
    long size;
    unsigned char *arena, *model;
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
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return 2;
    }
    model = malloc((size_t)size + 1);
    n = model ? fread(model, 1, (size_t)size, f) : 0;
    fclose(f);
    if (!model) return 2;
    arena_bytes = (size_t)(argc > 2 ? atol(argv[2]) : 4096) * 1024u;
    arena = malloc(arena_bytes); /* the driver owns the arena; the runtime never allocates */
    if (!arena) {
        free(model);
        return 2;
    }
    st = tl_model_init(&m, model, n);
    if (st == TL_STATUS_OK) it = tl_interpreter_init(&m, NULL, arena, arena_bytes, &st);
    if (st == TL_STATUS_OK) st = tl_interpreter_allocate_tensors(it);
    if (st == TL_STATUS_OK) {
        fill_inputs(it);
        st = tl_interpreter_invoke(it);
    }
    if (st != TL_STATUS_OK) {
        printf("error %d: %s\n", (int)st, it ? tl_interpreter_error_message(it) : tl_status_message(st));
        free(arena);
        free(model);
        return 1;
    }
    for (k = 0; k < tl_interpreter_get_output_count(it); k++) {
        tl_tensor *t = tl_interpreter_get_output(it, k);
        printf("output %d:", (int)k);
        for (i = 0; i < t->bytes; i++) printf(" %02x", ((unsigned char *)t->data)[i]);
        printf("\n");
    }
    printf("arena bytes used: %lu\n", (unsigned long)tl_interpreter_arena_bytes_used(it));
    if (argc > 3 && atol(argv[3]) > 0) { /* the inputs are rewritten each time: their memory is reused */
        long runs = atol(argv[3]), r;
        double seconds = 0.0;
        for (r = 0; r < runs && st == TL_STATUS_OK; r++) {
            clock_t start;
            fill_inputs(it);
            start = clock();
            st = tl_interpreter_invoke(it);
            seconds += (double)(clock() - start) / CLOCKS_PER_SEC;
        }
        printf("invoke: %.1f us (mean of %ld, CPU time)\n", 1e6 * seconds / (double)runs, runs);
    }
    free(arena);
    free(model);
    return st == TL_STATUS_OK ? 0 : 1;
}
