/* The pthreads pool (include/tensorlite_threads.h): workers sleep on a condition variable; a
 * parallel_for publishes the task and a new generation number, and every thread, the caller
 * included, takes task indices from a shared counter until none are left; the caller then waits
 * for the last one to finish. */
#define _POSIX_C_SOURCE 200809L
#include "tensorlite_threads.h"

static int take(tl_pthread_pool *p, int32_t *index) {
    if (p->next >= p->tasks) return 0;
    *index = p->next++;
    return 1;
}

static void run_tasks(tl_pthread_pool *p) { /* called with the lock held; returns with it held */
    int32_t index;
    while (take(p, &index)) {
        void (*task)(void *ctx, int32_t index) = p->task;
        void *ctx = p->ctx;
        pthread_mutex_unlock(&p->lock);
        task(ctx, index);
        pthread_mutex_lock(&p->lock);
        if (++p->finished == p->tasks) pthread_cond_signal(&p->done);
    }
}

static void *worker(void *arg) {
    tl_pthread_pool *p = arg;
    uint64_t seen = 0;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->stop && p->generation == seen) pthread_cond_wait(&p->wake, &p->lock);
        if (p->stop) break;
        seen = p->generation;
        run_tasks(p);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

static void parallel_for(tl_thread_pool *base, int32_t tasks, void (*task)(void *ctx, int32_t index), void *ctx) {
    tl_pthread_pool *p = (tl_pthread_pool *)base;
    pthread_mutex_lock(&p->lock);
    p->task = task;
    p->ctx = ctx;
    p->tasks = tasks;
    p->next = 0;
    p->finished = 0;
    p->generation++;
    pthread_cond_broadcast(&p->wake);
    run_tasks(p);
    while (p->finished < p->tasks) pthread_cond_wait(&p->done, &p->lock);
    pthread_mutex_unlock(&p->lock);
}

int tl_pthread_pool_init(tl_pthread_pool *pool, int32_t threads) {
    int32_t i;
    if (!pool || threads < 1 || threads > TL_MAX_THREADS) return 1;
    pool->base.threads = threads;
    pool->base.parallel_for = parallel_for;
    pool->started = 0;
    pool->tasks = pool->next = pool->finished = 0;
    pool->generation = 0;
    pool->stop = 0;
    if (pthread_mutex_init(&pool->lock, NULL)) return 1;
    if (pthread_cond_init(&pool->wake, NULL) || pthread_cond_init(&pool->done, NULL)) {
        pthread_mutex_destroy(&pool->lock);
        return 1;
    }
    for (i = 0; i < threads - 1; i++) {
        if (pthread_create(&pool->workers[i], NULL, worker, pool)) {
            tl_pthread_pool_free(pool);
            return 1;
        }
        pool->started++;
    }
    return 0;
}

void tl_pthread_pool_free(tl_pthread_pool *pool) {
    int32_t i;
    pthread_mutex_lock(&pool->lock);
    pool->stop = 1;
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    for (i = 0; i < pool->started; i++) pthread_join(pool->workers[i], NULL);
    pool->started = 0;
    pthread_cond_destroy(&pool->wake);
    pthread_cond_destroy(&pool->done);
    pthread_mutex_destroy(&pool->lock);
}
