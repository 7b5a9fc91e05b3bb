/* FULLY_CONNECTED float32 through the float GEMM (the optimized tier; kernels/fully_connected.c is
 * the definition): the weights [units, depth] are packed once, each batch row is a row of A; threads
 * take whole panels of output units. One batch row on x86-64 goes through fully_connected_f32.h's
 * matrix-vector product over the same panels instead. */
#include "../../src/cpu.h"
#include "fully_connected_f32.h"
#include "gemm_f32.h"
#include "opt_kernels.h"

typedef struct {
    int32_t batches, depth, units;
    float lo, hi;
    float *packed;
    tl_gemm_f32_fn gemm;
    tl_fc_f32_gemv_fn gemv; /* NULL: the GEMM */
} fc_f32_opt;

typedef struct {
    const fc_f32_opt *o;
    const float *x, *bias;
    float *y;
    int32_t per_task; /* output units per thread, whole weight panels */
} fc_f32_job;

static void task_f32(void *ctx, int32_t t) {
    const fc_f32_job *j = ctx;
    const fc_f32_opt *o = j->o;
    int32_t first = t * j->per_task, n = o->units - first < j->per_task ? o->units - first : j->per_task;
    if (o->gemv) {
        o->gemv(n, o->depth, j->x, o->packed + (int64_t)first * o->depth, j->bias ? j->bias + first : NULL, o->lo, o->hi,
                j->y + first);
        return;
    }
    o->gemm(o->batches, n, o->depth, j->x, o->depth, o->packed + (int64_t)first * o->depth, j->bias ? j->bias + first : NULL,
            o->lo, o->hi, j->y + first, o->units);
}

static tl_status eval_f32(tl_interpreter *it, tl_node *node) {
    const tl_tensor *bt = tl_node_input(it, node, 2);
    fc_f32_job j;
    int32_t tasks;
    j.o = node->op_data;
    j.x = tl_node_input(it, node, 0)->data;
    j.bias = bt ? bt->data : NULL;
    j.y = tl_node_output(it, node, 0)->data;
    j.per_task = (int32_t)tl_split(j.o->units, tl_threads(it), TL_GEMM_NR, &tasks);
    tl_parallel(it, tasks, task_f32, &j);
    return TL_STATUS_OK;
}

tl_status tl_fully_connected_opt_f32_prepare(tl_interpreter *it, tl_node *node, int32_t batches, int32_t depth,
                                             int32_t units, float lo, float hi) {
    const tl_tensor *w = tl_node_input(it, node, 1);
    fc_f32_opt *o;
    if (it->no_weight_packing) return TL_STATUS_OK; /* tl_interpreter_set_pack_weights(it, 0): the reference runs */
    if (!w->is_constant) return TL_STATUS_OK;
    o = tl_alloc_persistent(it, sizeof *o);
    if (!o) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "optimized FULLY_CONNECTED op data");
    o->packed = tl_alloc_persistent_aligned(it, tl_gemm_f32_packed_bytes(units, depth), 16);
    if (!o->packed) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "packed FULLY_CONNECTED weights");
    tl_gemm_f32_pack(o->packed, w->data, units, depth);
    o->batches = batches;
    o->depth = depth;
    o->units = units;
    o->lo = lo;
    o->hi = hi;
    o->gemm = tl_gemm_f32_select(it->cpu);
    o->gemv = NULL;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (batches == 1 && (it->cpu & TL_CPU_AVX512))
        o->gemv = tl_fc_f32_gemv_avx512;
    else if (batches == 1 && (it->cpu & TL_CPU_AVX2))
        o->gemv = tl_fc_f32_gemv_avx2;
#endif
    node->op_data = o;
    node->eval = eval_f32;
    return TL_STATUS_OK;
}
