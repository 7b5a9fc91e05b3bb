/* FULLY_CONNECTED float32 through the float GEMM (the optimized tier; kernels/fully_connected.c is
 * the definition): the weights [units, depth] are packed once, each batch row is a row of A. */
#include "opt_kernels.h"
#include "gemm_f32.h"

typedef struct {
    int32_t batches, depth, units;
    float lo, hi;
    float *packed;
    tl_gemm_f32_fn gemm;
} fc_f32_opt;

static tl_status eval_f32(tl_interpreter *it, tl_node *node) {
    const fc_f32_opt *o = node->op_data;
    const tl_tensor *bt = tl_node_input(it, node, 2);
    o->gemm(o->batches, o->units, o->depth, tl_node_input(it, node, 0)->data, o->depth, o->packed, bt ? bt->data : NULL,
            o->lo, o->hi, tl_node_output(it, node, 0)->data, o->units);
    return TL_STATUS_OK;
}

tl_status tl_fully_connected_opt_f32_prepare(tl_interpreter *it, tl_node *node, int32_t batches, int32_t depth,
                                             int32_t units, float lo, float hi) {
    const tl_tensor *w = tl_node_input(it, node, 1);
    fc_f32_opt *o;
    if (!w->is_constant) return TL_STATUS_OK;
    o = tl_alloc_persistent(it, sizeof *o);
    if (!o) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "optimized FULLY_CONNECTED op data");
    o->packed = tl_alloc_persistent(it, tl_gemm_f32_packed_bytes(units, depth));
    if (!o->packed) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "packed FULLY_CONNECTED weights");
    tl_gemm_f32_pack(o->packed, w->data, units, depth);
    o->batches = batches;
    o->depth = depth;
    o->units = units;
    o->lo = lo;
    o->hi = hi;
    o->gemm = tl_gemm_f32_select(it->cpu);
    node->op_data = o;
    node->eval = eval_f32;
    return TL_STATUS_OK;
}
