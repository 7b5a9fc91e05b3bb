/* QUANTIZE float32 -> int8 / uint8 in the optimized tier: AVX-512 or AVX2 loops (quantize_f32_x86.c,
 * arithmetic in quantize_f32.h), threads taking element ranges. Without them the node stays on the
 * reference kernel (kernels/quantize.c). */
#include "opt_kernels.h"
#include "quantize_f32.h"
#include "../../src/cpu.h"

typedef struct {
    tl_quantize_f32_params p;
    int64_t n;
    tl_quantize_f32_fn run;
} quantize_opt;

typedef struct {
    const quantize_opt *o;
    const float *x;
    uint8_t *y;
    int64_t per_task;
} quantize_job;

static void quantize_task(void *ctx, int32_t t) {
    const quantize_job *j = ctx;
    int64_t i = t * j->per_task, end = i + j->per_task < j->o->n ? i + j->per_task : j->o->n;
    j->o->run(j->x + i, end - i, &j->o->p, j->y + i);
}

static tl_status eval_quantize(tl_interpreter *it, tl_node *node) {
    quantize_job j;
    int32_t tasks;
    j.o = node->op_data;
    j.x = tl_node_input(it, node, 0)->data;
    j.y = tl_node_output(it, node, 0)->data;
    j.per_task = tl_split(j.o->n, tl_threads(it), 1024, &tasks);
    tl_parallel(it, tasks, quantize_task, &j);
    return TL_STATUS_OK;
}

tl_status tl_quantize_opt_f32_prepare(tl_interpreter *it, tl_node *node, float scale, int32_t zp, int32_t qmin,
                                      int32_t qmax) {
    tl_quantize_f32_fn run = NULL;
    quantize_opt *o;
    tl_type type = tl_node_output(it, node, 0)->type;
    if (type != TL_TYPE_INT8 && type != TL_TYPE_UINT8) return TL_STATUS_OK;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (it->cpu & TL_CPU_AVX512)
        run = tl_quantize_f32_avx512;
    else if (it->cpu & TL_CPU_AVX2)
        run = tl_quantize_f32_avx2;
#endif
    if (!run) return TL_STATUS_OK;
    if (!(o = tl_alloc_persistent(it, sizeof *o))) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "optimized QUANTIZE op data");
    o->p.scale = scale;
    o->p.zp = zp;
    o->p.qmin = qmin;
    o->p.qmax = qmax;
    o->n = tl_tensor_numel(tl_node_output(it, node, 0));
    o->run = run;
    node->op_data = o;
    node->eval = eval_quantize;
    return TL_STATUS_OK;
}
