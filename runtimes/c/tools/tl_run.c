/* tl_run MODEL.tflite [ARENA_KB] [RUNS [profile] [threads=N] [reference] [cpu=MASK] [input=FILE]]:
 * loads a model, fills every input with a fixed byte pattern (input=FILE: the file's bytes, the
 * inputs' back to back), invokes once and prints each output's bytes as hex, or the error message
 * (exit 1); with RUNS, invokes that many more times and prints the mean time per invoke (wall clock
 * and CPU time), with "profile" the wall time per operator type ("profile=nodes": also per node of the
 * main subgraph, with its output's shape, as LiteRT's benchmark tool lists ops, in the calling thread's CPU
 * time, which other load on the machine disturbs less than wall time), and with threads=N runs the
 * optimized kernels on a pool of N threads. "reference" runs the reference kernels only, cpu=MASK
 * limits the optimized kernels to those CPU features (tl_interpreter_set_cpu_features: 0 portable
 * C, 4 NEON, 12 NEON with the dot product, ...), so tiers can be compared (RUNS 0: no timing). A
 * standalone driver for the fuzz and sanitizer tests, for timing and profiling without Python, and
 * for comparing tiers under an emulator. "gpu" (or "gpu=fp16": half storage) runs the nodes it can
 * through the OpenCL GPU delegate (runtimes/gpu) and prints how many it took. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tensorlite.h"
#include "tensorlite_threads.h"
#include "../../gpu/tl_gpu_delegate.h"

#define MAX_KINDS 64
#define MAX_NODES 4096

typedef struct {
    tl_interpreter *it;
    double start, cpu_start;
    const char *names[MAX_KINDS];
    double seconds[MAX_KINDS];
    long calls[MAX_KINDS];
    int kinds;
    double node_seconds[MAX_NODES]; /* main subgraph only, CPU time of the invoking thread */
} profile;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double thread_cpu(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void on_node(void *user, int32_t subgraph, int32_t node, int end) {
    profile *p = user;
    const char *name;
    int k;
    if (!end) {
        p->start = now();
        if (subgraph == 0) p->cpu_start = thread_cpu();
        return;
    }
    name = tl_interpreter_get_subgraph_node_op_name(p->it, subgraph, node);
    for (k = 0; k < p->kinds && strcmp(p->names[k], name) != 0; k++) continue;
    if (k == p->kinds) {
        if (k == MAX_KINDS) return;
        p->names[p->kinds++] = name;
    }
    p->seconds[k] += now() - p->start;
    p->calls[k]++;
    if (subgraph == 0 && node >= 0 && node < MAX_NODES) p->node_seconds[node] += thread_cpu() - p->cpu_start;
}

static void put32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static uint32_t get32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A STRING input's pattern is a well-formed string buffer (see tensorlite.h): its first string fills the capacity
 * with four-byte words (three letters and a space), the others are empty. */
static void fill_strings(tl_tensor *t) {
    unsigned char *p = t->data;
    size_t n = 1, head, i;
    int32_t d;
    for (d = 0; d < t->ndim; d++) n *= (size_t)t->dims[d];
    head = 4 * (n + 2);
    if (t->bytes < head) return;
    put32(p, (uint32_t)n);
    put32(p + 4, (uint32_t)head);
    for (i = 1; i <= n; i++) put32(p + 4 + 4 * i, t->bytes);
    for (i = head; i < t->bytes; i++) p[i] = (unsigned char)(i % 4 == 3 ? ' ' : 'a' + (i * 7 + 3) % 26);
}

/* The inputs from `data` (len bytes: every input's, back to back), or the byte pattern when NULL;
 * -1 when data is too short. */
static int fill_inputs(tl_interpreter *it, const unsigned char *data, size_t len) {
    int32_t k;
    size_t i, at = 0;
    for (k = 0; k < tl_interpreter_get_input_count(it); k++) {
        tl_tensor *t = tl_interpreter_get_input(it, k);
        if (data && at + t->bytes > len) return -1;
        if (!data && t->type == TL_TYPE_STRING) fill_strings(t);
        else
            for (i = 0; i < t->bytes; i++)
                ((unsigned char *)t->data)[i] = data ? data[at + i] : (unsigned char)(i * 7 + 3);
        at += t->bytes;
    }
    return 0;
}

/* A whole file into memory (the caller frees it); NULL when it cannot be read. */
static unsigned char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    long size;
    unsigned char *data = NULL;
    if (!f) {
        perror(path);
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (data = malloc((size_t)size + 1)) != NULL)
        *len = fread(data, 1, (size_t)size, f);
    fclose(f);
    return data;
}

static int32_t count_delegated(const tl_interpreter *it) {
    int32_t i, n = 0;
    for (i = 0; i < tl_interpreter_get_node_count(it); i++) n += tl_interpreter_get_node_partition(it, i) >= 0;
    return n;
}

int main(int argc, char **argv) {
    FILE *f;
    size_t n, arena_bytes, i;
    long size;
    unsigned char *arena, *model;
    tl_status st;
    tl_model m;
    tl_interpreter *it = NULL;
    int32_t k, threads = 1;
    int profiling = 0, reference = 0, a;
    unsigned long cpu_mask = 0xFFFFFFFFul;
    unsigned char *input = NULL;
    size_t input_len = 0;
    int32_t shape[TL_MAX_DIMS], shape_rank = -1;
    tl_gpu_options gpu_options = {0, NULL, NULL, 0};
    tl_delegate *gpu = NULL;
    int use_gpu = 0;
    char gpu_error[256];
    static tl_pthread_pool pool; /* tools only: the runtime itself has no statics */
    if (argc < 2) {
        fprintf(stderr, "usage: tl_run MODEL.tflite [ARENA_KB] [RUNS [profile] [threads=N] [reference] [cpu=MASK] "
                        "[input=FILE] [shape=D,D,...] [gpu|gpu=fp16]]\n");
        return 2;
    }
    for (a = 2; a < argc && a < 4; a++) { /* ARENA_KB and RUNS are numbers: an option there is a mistake */
        if (strspn(argv[a], "0123456789") != strlen(argv[a]) || argv[a][0] == '\0') {
            fprintf(stderr, "tl_run: argument %d (%s) must be a number; options such as '%s' follow ARENA_KB RUNS\n",
                    a, a == 2 ? "ARENA_KB" : "RUNS", argv[a]);
            return 2;
        }
    }
    for (a = 4; a < argc; a++) {
        if (strcmp(argv[a], "profile") == 0) {
            profiling = 1;
        } else if (strcmp(argv[a], "profile=nodes") == 0) {
            profiling = 2;
        } else if (strncmp(argv[a], "threads=", 8) == 0 && atoi(argv[a] + 8) >= 1 && atoi(argv[a] + 8) <= TL_MAX_THREADS) {
            threads = atoi(argv[a] + 8);
        } else if (strcmp(argv[a], "reference") == 0) {
            reference = 1;
        } else if (strncmp(argv[a], "cpu=", 4) == 0) {
            cpu_mask = strtoul(argv[a] + 4, NULL, 0);
        } else if (strcmp(argv[a], "gpu") == 0 || strcmp(argv[a], "gpu=fp16") == 0) { /* the OpenCL delegate */
            use_gpu = 1;
            gpu_options.fp16 = argv[a][3] == '=';
        } else if (strncmp(argv[a], "input=", 6) == 0 && !input) {
            if ((input = read_file(argv[a] + 6, &input_len)) == NULL) return 2;
        } else if (strncmp(argv[a], "shape=", 6) == 0 && shape_rank < 0) {
            /* input 0 resized to this shape after a first allocation at the model's: a re-plan in the same arena */
            char *p = argv[a] + 6, *end;
            for (shape_rank = 0; *p && shape_rank < TL_MAX_DIMS; p = *end == ',' ? end + 1 : end) {
                shape[shape_rank++] = (int32_t)strtol(p, &end, 10);
                if (end == p) break;
            }
        } else {
            fprintf(stderr, "tl_run: unknown option %s\n", argv[a]);
            return 2;
        }
    }
    if (threads > 1 && tl_pthread_pool_init(&pool, threads) != 0) {
        fprintf(stderr, "tl_run: cannot start %d threads\n", (int)threads);
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
    arena = malloc(arena_bytes + 64); /* the driver owns the arena; the runtime never allocates */
    if (!arena) {
        free(model);
        return 2;
    }
    st = tl_model_init(&m, model, n);
    /* on a 64-byte line, as the Python binding's: tensors' places within cache lines follow from the plan alone */
    if (st == TL_STATUS_OK)
        it = tl_interpreter_init(&m, NULL, arena + (64u - (uintptr_t)arena % 64u) % 64u, arena_bytes, &st);
    if (st == TL_STATUS_OK && threads > 1) st = tl_interpreter_set_thread_pool(it, &pool.base);
    if (st == TL_STATUS_OK && reference) st = tl_interpreter_set_reference_kernels(it, 1);
    if (st == TL_STATUS_OK) st = tl_interpreter_set_cpu_features(it, (uint32_t)cpu_mask);
    if (st == TL_STATUS_OK && use_gpu) {
        gpu = tl_gpu_delegate_create(&gpu_options, gpu_error, sizeof gpu_error);
        if (gpu == NULL) {
            fprintf(stderr, "tl_run: %s\n", gpu_error);
            free(arena);
            free(model);
            return 2;
        }
        st = tl_interpreter_set_delegate(it, gpu);
    }
    if (st == TL_STATUS_OK) st = tl_interpreter_allocate_tensors(it);
    if (st == TL_STATUS_OK && shape_rank >= 0) {
        printf("arena bytes used at the model's shapes: %lu\n", (unsigned long)tl_interpreter_arena_bytes_used(it));
        st = tl_interpreter_resize_input(it, 0, tl_interpreter_get_input_tensor_index(it, 0), shape, shape_rank, 0);
        if (st == TL_STATUS_OK) st = tl_interpreter_allocate_tensors(it);
    }
    if (st == TL_STATUS_OK && fill_inputs(it, input, input_len) != 0) {
        fprintf(stderr, "tl_run: the input file holds %lu bytes, fewer than the model's inputs\n", (unsigned long)input_len);
        if (threads > 1) tl_pthread_pool_free(&pool);
        free(input);
        free(arena);
        free(model);
        return 2;
    }
    if (st == TL_STATUS_OK) st = tl_interpreter_invoke(it);
    if (st != TL_STATUS_OK) {
        printf("error %d: %s\n", (int)st, it ? tl_interpreter_error_message(it) : tl_status_message(st));
        if (threads > 1) tl_pthread_pool_free(&pool);
        tl_gpu_delegate_delete(gpu);
        free(input);
        free(arena);
        free(model);
        return 1;
    }
    for (k = 0; k < tl_interpreter_get_output_count(it); k++) {
        tl_tensor *t = tl_interpreter_get_output(it, k);
        size_t used = t->bytes; /* a STRING output: the buffer up to its last offset, not the planned bound */
        if (t->type == TL_TYPE_STRING && used >= 8) {
            uint32_t count = get32(t->data);
            if (count < used / 4 - 1 && 8 + 4 * (size_t)count <= used) {
                uint32_t end = get32((const unsigned char *)t->data + 4 + 4 * (size_t)count);
                if (end <= used) used = end;
            }
        }
        printf("output %d:", (int)k);
        for (i = 0; i < used; i++) printf(" %02x", ((unsigned char *)t->data)[i]);
        printf("\n");
    }
    printf("arena bytes used: %lu\n", (unsigned long)tl_interpreter_arena_bytes_used(it));
    if (gpu)
        printf("gpu: %ld of %ld nodes in %ld partitions on %s\n", (long)count_delegated(it),
               (long)tl_interpreter_get_node_count(it), (long)tl_interpreter_get_partition_count(it),
               tl_gpu_delegate_device_name(gpu));
    if (argc > 3 && atol(argv[3]) > 0) { /* the inputs are rewritten each time: their memory is reused */
        long runs = atol(argv[3]), r;
        double seconds = 0.0, cpu_seconds = 0.0;
        static profile prof;
        int kind;
        prof.it = it;
        if (profiling) tl_interpreter_set_node_hook(it, on_node, &prof);
        for (r = 0; r < runs && st == TL_STATUS_OK; r++) {
            double start;
            clock_t cpu_start;
            fill_inputs(it, input, input_len);
            start = now();
            cpu_start = clock();
            st = tl_interpreter_invoke(it);
            seconds += now() - start;
            cpu_seconds += (double)(clock() - cpu_start) / CLOCKS_PER_SEC;
        }
        printf("invoke: %.1f us (mean of %ld, wall clock, %d thread%s; CPU time %.1f us)\n", 1e6 * seconds / (double)runs,
               runs, (int)threads, threads > 1 ? "s" : "", 1e6 * cpu_seconds / (double)runs);
        for (kind = 0; kind < prof.kinds; kind++)
            printf("  %-28s %9.1f us  %5.1f%%  (%ld nodes)\n", prof.names[kind], 1e6 * prof.seconds[kind] / (double)runs,
                   100.0 * prof.seconds[kind] / seconds, prof.calls[kind] / runs);
        for (k = 0; profiling == 2 && k < tl_interpreter_get_node_count(it) && k < MAX_NODES; k++) {
            int32_t out = tl_interpreter_get_node_output_count(it, k) > 0 ? tl_interpreter_get_node_output(it, k, 0) : -1;
            const tl_tensor *t = out >= 0 ? tl_interpreter_get_tensor(it, out) : NULL;
            int32_t d;
            printf("  node %4d %-24s %9.1f us CPU  out", (int)k, tl_interpreter_get_node_op_name(it, k),
                   1e6 * prof.node_seconds[k] / (double)runs);
            for (d = 0; t && d < t->ndim; d++) printf("%c%d", d ? 'x' : ' ', (int)t->dims[d]);
            printf("\n");
        }
    }
    if (threads > 1) tl_pthread_pool_free(&pool);
    tl_gpu_delegate_delete(gpu);
    free(input);
    free(arena);
    free(model);
    return st == TL_STATUS_OK ? 0 : 1;
}
