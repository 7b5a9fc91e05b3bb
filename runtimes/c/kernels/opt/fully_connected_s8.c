/* FULLY_CONNECTED int8 through the int8 GEMM (the optimized tier; kernels/fully_connected.c is the
 * definition). The reference sums (x + in_offset) * w in int32, adds the bias (saturating) and
 * requantizes in double, round(sum * in_scale * w_scale / out_scale), which LiteRT's integer
 * multiplier and shift cannot reproduce near ties. So the GEMM's raw kernels compute the int32 sums,
 * the bias absorbing in_offset * sum(w) (and the GEMM's own A offset), and fully_connected_s8.h's
 * row functions apply the same double arithmetic. Taken for constant weights with zero point 0 (the
 * quantizer's; a weight offset would need the input rows' sums) and a constant bias, where the
 * reference's sums cannot saturate, on CPUs with an x86 SIMD tier. Threads take whole panels of
 * output units. */
#include <math.h>

#include "../../src/cpu.h"
#include "fully_connected_s8.h"
#include "gemm_s8.h"
#include "opt_kernels.h"

#define ROWS TL_GEMM_S8_MAX_MR /* batch rows per GEMM call: the int32 sums' scratch is this many rows */
#define UNIT (2 * TL_GEMM_NR) /* threads split units in multiples of this (the VNNI kernel's two panels) */

typedef struct {
    tl_gemm_s8_params params; /* packed weights and the folded bias */
    tl_gemm_s8_raw_fn gemm;
    tl_fc_s8_rows_fn rows;
    const double *scale;
    int32_t batches, depth, units, out_offset, q_lo, q_hi, per_task;
    tl_scratch *sums, *a16; /* per thread: ROWS x per_task int32 sums; the GEMM's A scratch */
} fc_s8_opt;

void tl_fc_s8_rows_portable(const int32_t *s, int32_t lds, int32_t rows, int32_t n, const double *scale,
                            int32_t out_offset, int32_t lo, int32_t hi, int8_t *y, int32_t ldy) {
    int32_t r, j;
    for (r = 0; r < rows; r++)
        for (j = 0; j < n; j++) {
            double v = round((double)s[(int64_t)r * lds + j] * scale[j]) + out_offset;
            y[(int64_t)r * ldy + j] = (int8_t)(v < lo ? lo : v > hi ? hi : v);
        }
}

typedef struct {
    const fc_s8_opt *o;
    const int8_t *x;
    int8_t *y;
    int32_t *sums;
    int16_t *a16;
} fc_s8_job;

static void task_s8(void *ctx, int32_t t) {
    const fc_s8_job *j = ctx;
    const fc_s8_opt *o = j->o;
    int32_t first = t * o->per_task, n = o->units - first < o->per_task ? o->units - first : o->per_task, b;
    int32_t kpad = tl_gemm_s8_kpad(o->depth);
    int32_t *sums = j->sums + (int64_t)t * ROWS * o->per_task;
    int16_t *a16 = (int16_t *)((uint8_t *)j->a16 + (size_t)t * tl_gemm_s8_scratch_bytes(o->depth));
    tl_gemm_s8_params p = o->params; /* this task's panels */
    p.packed += (int64_t)first * kpad;
    p.bias += first;
    for (b = 0; b < o->batches; b += ROWS) {
        int32_t rows = o->batches - b < ROWS ? o->batches - b : ROWS;
        o->gemm(rows, n, o->depth, j->x + (int64_t)b * o->depth, o->depth, &p, sums, o->per_task, a16);
        o->rows(sums, o->per_task, rows, n, o->scale + first, o->out_offset, o->q_lo, o->q_hi,
                j->y + (int64_t)b * o->units + first, o->units);
    }
}

static tl_status eval_s8(tl_interpreter *it, tl_node *node) {
    const fc_s8_opt *o = node->op_data;
    fc_s8_job j;
    int32_t tasks = (o->units + o->per_task - 1) / o->per_task;
    j.o = o;
    j.x = tl_node_input(it, node, 0)->data;
    j.y = tl_node_output(it, node, 0)->data;
    j.sums = o->sums->data;
    j.a16 = o->a16->data;
    tl_parallel(it, tasks, task_s8, &j);
    return TL_STATUS_OK;
}

tl_status tl_fully_connected_opt_s8_prepare(tl_interpreter *it, tl_node *node, int32_t batches, int32_t depth, int32_t units,
                                            int32_t in_offset, int32_t w_offset, int32_t out_offset, int32_t q_lo,
                                            int32_t q_hi, double scale, const double *scales) {
    const tl_tensor *w = tl_node_input(it, node, 1), *bt = tl_node_input(it, node, 2);
    const int8_t *f = w->data;
    const int32_t *bias = bt ? bt->data : NULL;
    tl_gemm_s8_raw_fn gemm = tl_gemm_s8_select_raw(it->cpu);
    int32_t ch = tl_gemm_s8_channels(units), o_, kk, tasks, a_offset = tl_gemm_s8_a_offset(it->cpu);
    int32_t *b_eff;
    double *per_unit;
    fc_s8_opt *o;
    /* the reference runs; also where only the portable C GEMM would: no faster than the reference's loop
     * (MobileNetV2's 1280 x 1000 classifier), for twice the weights' bytes in the arena */
    if (it->no_weight_packing || !gemm || gemm == tl_gemm_s8_raw_portable) return TL_STATUS_OK;
    if (w_offset != 0 || !w->is_constant || (bt && !bt->is_constant)) return TL_STATUS_OK;
    for (o_ = 0; o_ < units; o_++) /* the reference's sum plus bias must not saturate */
        if ((int64_t)depth * 255 * 128 + (bias ? (bias[o_] < 0 ? -(int64_t)bias[o_] : bias[o_]) : 0) > INT32_MAX)
            return TL_STATUS_OK;
    o = tl_alloc_persistent(it, sizeof *o);
    b_eff = tl_alloc_persistent(it, sizeof(int32_t) * (size_t)ch);
    /* the rows read a scale per unit: per-tensor weights' one scale repeated */
    per_unit = scales ? NULL : tl_alloc_persistent(it, sizeof(double) * (size_t)units);
    if (!o || !b_eff || (!scales && !per_unit)) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "optimized FULLY_CONNECTED op data");
    for (o_ = 0; per_unit && o_ < units; o_++) per_unit[o_] = scale;
    for (o_ = 0; o_ < units; o_++) {
        int32_t sum = 0;
        for (kk = 0; kk < depth; kk++) sum += f[(int64_t)o_ * depth + kk];
        /* inside int32 by the check above: |in_offset - a_offset| <= 255, |sum| <= 128 * depth */
        b_eff[o_] = (bias ? bias[o_] : 0) + (in_offset - a_offset) * sum;
    }
    o->params.packed = tl_alloc_persistent_aligned(it, tl_gemm_s8_packed_bytes(units, depth), 16);
    if (!o->params.packed) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "packed FULLY_CONNECTED weights");
    tl_gemm_s8_pack_for(it->cpu, (int16_t *)o->params.packed, f, units, depth);
    o->params.bias = b_eff;
    o->gemm = gemm;
    o->rows = tl_fc_s8_rows_portable;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (it->cpu & TL_CPU_AVX512)
        o->rows = tl_fc_s8_rows_avx512;
    else if (it->cpu & TL_CPU_AVX2)
        o->rows = tl_fc_s8_rows_avx2;
#endif
    o->scale = scales ? scales : per_unit;
    o->batches = batches;
    o->depth = depth;
    o->units = units;
    o->out_offset = out_offset;
    o->q_lo = q_lo;
    o->q_hi = q_hi;
    o->per_task = (int32_t)tl_split(units, tl_threads(it), UNIT, &tasks);
    o->sums = tl_request_scratch(it, node, sizeof(int32_t) * ROWS * (size_t)o->per_task * (size_t)tasks);
    o->a16 = tl_request_scratch(it, node, tl_gemm_s8_scratch_bytes(depth) * (size_t)tasks);
    if (!o->sums || !o->a16) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "FULLY_CONNECTED scratch");
    node->op_data = o;
    node->eval = eval_s8;
    return TL_STATUS_OK;
}
