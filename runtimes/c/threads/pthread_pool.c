/* The pthreads pool (include/tensorlite_threads.h): a parallel_for publishes the task and a new
 * generation number, and every thread, the caller included, takes task indices from a shared
 * counter until none are left; the caller then waits for the last one to finish.
 *
 * Waiting spins before it sleeps. A model's nodes follow each other within microseconds, and a
 * condition-variable wake-up costs tens of microseconds: a sleeping worker would start after the
 * caller had done most of the node alone, and the caller would then wait for the worker's late
 * share. So a worker that finished polls the generation for about SPIN_NS before it sleeps on
 * the condition variable, and the caller polls for the last task the same way. The polls are
 * hints read with __atomic loads; every decision is made again under the lock. */
#define _POSIX_C_SOURCE 200809L
#include <time.h>

#include "tensorlite_threads.h"

#define SPIN_NS 200000 /* 0.2 ms: longer than the gap between two nodes, short against an idle pool */

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __asm__ __volatile__("pause");
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* Polls until *word != value (returns 1) or SPIN_NS pass (returns 0). */
static int spin_while_u64(const uint64_t *word, uint64_t value, const int *stop) {
    int64_t start = now_ns();
    int32_t i;
    for (;;) {
        for (i = 0; i < 64; i++) {
            if (__atomic_load_n(word, __ATOMIC_ACQUIRE) != value || __atomic_load_n(stop, __ATOMIC_RELAXED)) return 1;
            cpu_relax();
        }
        if (now_ns() - start > SPIN_NS) return 0;
    }
}

static int spin_while_less(const int32_t *word, int32_t limit) {
    int64_t start = now_ns();
    int32_t i;
    for (;;) {
        for (i = 0; i < 64; i++) {
            if (__atomic_load_n(word, __ATOMIC_ACQUIRE) >= limit) return 1;
            cpu_relax();
        }
        if (now_ns() - start > SPIN_NS) return 0;
    }
}

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
        __atomic_store_n(&p->finished, p->finished + 1, __ATOMIC_RELEASE);
        if (p->finished == p->tasks) pthread_cond_signal(&p->done);
    }
}

static void *worker(void *arg) {
    tl_pthread_pool *p = arg;
    uint64_t seen = 0;
    for (;;) {
        spin_while_u64(&p->generation, seen, &p->stop);
        pthread_mutex_lock(&p->lock);
        while (!p->stop && p->generation == seen) pthread_cond_wait(&p->wake, &p->lock);
        if (p->stop) break;
        seen = p->generation;
        run_tasks(p);
        pthread_mutex_unlock(&p->lock);
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
    __atomic_store_n(&p->generation, p->generation + 1, __ATOMIC_RELEASE);
    pthread_cond_broadcast(&p->wake);
    run_tasks(p);
    if (p->finished < p->tasks) {
        pthread_mutex_unlock(&p->lock);
        spin_while_less(&p->finished, tasks);
        pthread_mutex_lock(&p->lock);
    }
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
    __atomic_store_n(&pool->stop, 1, __ATOMIC_RELEASE);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    for (i = 0; i < pool->started; i++) pthread_join(pool->workers[i], NULL);
    pool->started = 0;
    pthread_cond_destroy(&pool->wake);
    pthread_cond_destroy(&pool->done);
    pthread_mutex_destroy(&pool->lock);
}
