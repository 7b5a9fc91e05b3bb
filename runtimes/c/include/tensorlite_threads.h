/* A pthreads thread pool for tensorlite's runtime on hosts (not part of the portable runtime: the
 * Cortex-M and WebAssembly builds leave it out). The caller owns its memory:
 *
 *     tl_pthread_pool pool;
 *     if (tl_pthread_pool_init(&pool, 4) == 0) tl_interpreter_set_thread_pool(it, &pool.base);
 *     ...                                   // allocate, invoke as usual
 *     tl_pthread_pool_free(&pool);          // after the interpreter is no longer used
 *
 * The calling thread takes part in the work, so `threads` includes it (threads - 1 workers). */
#ifndef TENSORLITE_THREADS_H
#define TENSORLITE_THREADS_H

#include <pthread.h>

#include "tensorlite.h"

#define TL_MAX_THREADS 64

typedef struct tl_pthread_pool {
    tl_thread_pool base; /* first: what tl_interpreter_set_thread_pool takes */
    pthread_t workers[TL_MAX_THREADS - 1];
    int32_t started;
    pthread_mutex_t lock;
    pthread_cond_t wake, done;
    void (*task)(void *ctx, int32_t index);
    void *ctx;
    int32_t tasks, next, finished;
    uint64_t generation; /* a new parallel_for */
    int stop;
} tl_pthread_pool;

/* 0 on success; nonzero (and nothing to free) when threads is not in [1, TL_MAX_THREADS] or a
 * thread cannot be created. */
int tl_pthread_pool_init(tl_pthread_pool *pool, int32_t threads);
void tl_pthread_pool_free(tl_pthread_pool *pool);

#endif
