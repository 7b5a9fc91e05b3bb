/* Hybrid FULLY_CONNECTED (float32 input and output, int8 weights, float32 bias) through the int8
 * GEMM (the optimized tier; kernels/fully_connected.c is the definition): each batch row quantized
 * by the reference's own function (common/hybrid.h), the raw int32 sums sum_k q * w from the GEMM
 * (its bias array taking back the GEMM's own A offset), and hybrid_s8.h's rows apply the
 * reference's float arithmetic in its order: bit-identical outputs. Taken for constant weights on
 * CPUs with an x86 SIMD tier; threads take whole panels of output units. */
#include "../common/hybrid.h"
#include "gemm_s8.h"
#include "hybrid_s8.h"
#include "opt_kernels.h"

#define ROWS TL_GEMM_S8_MAX_MR    /* batch rows per GEMM call */
#define UNIT (2 * TL_GEMM_NR)     /* threads split units in multiples of this */

typedef struct {
    tl_gemm_s8_params params;
    tl_gemm_s8_raw_fn gemm;
    tl_hybrid_row_fn row;
    tl_hybrid_out out; /* bias filled at eval */
    int32_t batches, depth, units, per_task, asymmetric;
    tl_scratch *rows, *sums, *a16; /* the quantized input rows; per thread: ROWS x per_task int32, A scratch */
} fc_hybrid_opt;

typedef struct {
    const fc_hybrid_opt *o;
    tl_hybrid_rows rows;
    const float *bias;
    float *y;
    int32_t *sums;
    int16_t *a16;
} fc_hybrid_job;

static void task_hybrid(void *ctx, int32_t t) {
    const fc_hybrid_job *j = ctx;
    const fc_hybrid_opt *o = j->o;
    int32_t first = t * o->per_task, n = o->units - first < o->per_task ? o->units - first : o->per_task, b, r;
    int32_t *sums = j->sums + (int64_t)t * ROWS * o->per_task;
    int16_t *a16 = (int16_t *)((uint8_t *)j->a16 + (size_t)t * tl_gemm_s8_scratch_bytes(o->depth));
    tl_gemm_s8_params p = o->params; /* this task's panels */
    tl_hybrid_out out = o->out;
    p.packed += (int64_t)first * tl_gemm_s8_kpad(o->depth);
    p.bias += first;
    out.colsum += first;
    out.w_scale += first;
    out.bias = j->bias ? j->bias + first : NULL;
    for (b = 0; b < o->batches; b += ROWS) {
        int32_t rows = o->batches - b < ROWS ? o->batches - b : ROWS;
        o->gemm(rows, n, o->depth, j->rows.q + (int64_t)b * o->depth, o->depth, &p, sums, o->per_task, a16);
        for (r = 0; r < rows; r++)
            o->row(sums + (int64_t)r * o->per_task, n, &out, j->rows.scale[b + r], j->rows.zero_point[b + r],
                   j->y + (int64_t)(b + r) * o->units + first);
    }
}

static tl_status eval_hybrid(tl_interpreter *it, tl_node *node) {
    const fc_hybrid_opt *o = node->op_data;
    const tl_tensor *bt = tl_node_input(it, node, 2);
    fc_hybrid_job j;
    j.o = o;
    j.rows = tl_hybrid_quantize_rows(o->rows, tl_node_input(it, node, 0)->data, o->batches, o->depth, o->asymmetric);
    j.bias = bt ? bt->data : NULL;
    j.y = tl_node_output(it, node, 0)->data;
    j.sums = o->sums->data;
    j.a16 = o->a16->data;
    tl_parallel(it, (o->units + o->per_task - 1) / o->per_task, task_hybrid, &j);
    return TL_STATUS_OK;
}

tl_status tl_fully_connected_opt_hybrid_prepare(tl_interpreter *it, tl_node *node, int32_t batches, int32_t depth,
                                                int32_t units, int32_t asymmetric, const float *w_scale, float lo,
                                                float hi, tl_scratch *rows) {
    const tl_tensor *w = tl_node_input(it, node, 1);
    const int8_t *f = w->data;
    tl_gemm_s8_raw_fn gemm = tl_gemm_s8_select_raw(it->cpu);
    int32_t ch = tl_gemm_s8_channels(units), u, kk, tasks, a_offset = tl_gemm_s8_a_offset(it->cpu), *colsum, *bias;
    fc_hybrid_opt *o;
    if (it->no_weight_packing || !gemm || gemm == tl_gemm_s8_raw_portable) return TL_STATUS_OK; /* the reference runs */
    if (!w->is_constant) return TL_STATUS_OK;
    o = tl_alloc_persistent(it, sizeof *o);
    colsum = tl_alloc_persistent(it, sizeof(int32_t) * (size_t)ch);
    bias = tl_alloc_persistent(it, sizeof(int32_t) * (size_t)ch);
    if (!o || !colsum || !bias) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "optimized FULLY_CONNECTED op data");
    for (u = 0; u < units; u++) { /* prepare bounds depth * 255 * 128: no overflow here or in the GEMM */
        int32_t sum = 0;
        for (kk = 0; kk < depth; kk++) sum += f[(int64_t)u * depth + kk];
        colsum[u] = sum;
        bias[u] = -a_offset * sum;
    }
    o->params.packed = tl_alloc_persistent_aligned(it, tl_gemm_s8_packed_bytes(units, depth), 16);
    if (!o->params.packed) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "packed FULLY_CONNECTED weights");
    tl_gemm_s8_pack_for(it->cpu, (int16_t *)o->params.packed, f, units, depth);
    o->params.bias = bias;
    o->gemm = gemm;
    o->row = tl_hybrid_row_select(it->cpu);
    o->out.colsum = colsum;
    o->out.w_scale = w_scale;
    o->out.bias = NULL;
    o->out.lo = lo;
    o->out.hi = hi;
    o->out.kind = TL_HYBRID_FC;
    o->batches = batches;
    o->depth = depth;
    o->units = units;
    o->asymmetric = asymmetric;
    o->rows = rows;
    o->per_task = (int32_t)tl_split(units, tl_threads(it), UNIT, &tasks);
    o->sums = tl_request_scratch(it, node, sizeof(int32_t) * ROWS * (size_t)o->per_task * (size_t)tasks);
    o->a16 = tl_request_scratch(it, node, tl_gemm_s8_scratch_bytes(depth) * (size_t)tasks);
    if (!o->sums || !o->a16) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "FULLY_CONNECTED scratch");
    node->op_data = o;
    node->eval = eval_hybrid;
    return TL_STATUS_OK;
}
