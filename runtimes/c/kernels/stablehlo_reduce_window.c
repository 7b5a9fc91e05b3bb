/* STABLEHLO_REDUCE_WINDOW: StableHLO's reduce_window of one input and its init value (common/reduce_window.h).
 * StablehloReduceWindowOptions hold window_dimensions, window_strides, base_dilations, window_dilations (int64,
 * one per input dim; strides and dilations default to 1) and padding (int64 [lo, hi] per dim, default 0).
 * The body subgraph is not run: as LiteRT's reference kernel, it must hold exactly one op, whose builtin
 * names the reduction (ADD/STABLEHLO_ADD, MUL/STABLEHLO_MULTIPLY, MAXIMUM/STABLEHLO_MAXIMUM,
 * MINIMUM/STABLEHLO_MINIMUM, LOGICAL_AND, LOGICAL_OR). */
#include <stdio.h>

#include "../src/kernel_api.h"
#include "common/reduce_window.h"

enum { OPT_WINDOW = 0, OPT_STRIDES = 1, OPT_BASE_DILATIONS = 2, OPT_WINDOW_DILATIONS = 3, OPT_PADDING = 4,
       OPT_BODY = 5 }; /* StablehloReduceWindowOptions (builtin_options_2) */

/* Vector option `id` into out[0..n); absent: every element dflt. */
static tl_status read_vector(tl_interpreter *it, tl_node *node, int id, int32_t n, int64_t dflt, int64_t *out,
                             const char *what) {
    tl_fb_vec v;
    int32_t i;
    char msg[112];
    if (tl_fb_vec_field(&it->fb, node->options, id, 8, &v)) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (v.len == 0 && dflt != 0x7fffffff) {
        for (i = 0; i < n; i++) out[i] = dflt;
        return TL_STATUS_OK;
    }
    if (v.len != (uint32_t)n) {
        snprintf(msg, sizeof msg, "%s must have %d elements", what, (int)n);
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, msg);
    }
    for (i = 0; i < n; i++) out[i] = tl_fb_vec_i64(&it->fb, v, (uint32_t)i);
    return TL_STATUS_OK;
}

static int32_t body_function(int32_t builtin) {
    switch (builtin) {
    case 0: case 163: return TL_RW_ADD;   /* ADD, STABLEHLO_ADD */
    case 18: case 165: return TL_RW_MUL;  /* MUL, STABLEHLO_MULTIPLY */
    case 55: case 166: return TL_RW_MAX;  /* MAXIMUM, STABLEHLO_MAXIMUM */
    case 57: case 181: return TL_RW_MIN;  /* MINIMUM, STABLEHLO_MINIMUM */
    case 86: return TL_RW_AND;            /* LOGICAL_AND */
    case 84: return TL_RW_OR;             /* LOGICAL_OR */
    default: return 0;
    }
}

tl_status tl_stablehlo_reduce_window_prepare(tl_interpreter *it, tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0);
    tl_reduce_window_params p;
    int64_t padding[2 * TL_MAX_DIMS];
    int32_t body, i, rank;
    const tl_subgraph *sg;
    tl_status st;
    if (!in || tl_node_num_inputs(node) != 2 || tl_node_num_outputs(node) != 1)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "only one input (with its init value) and one output");
    if (!node->options.pos) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "StablehloReduceWindowOptions are missing");
    rank = in->ndim;
    if ((st = read_vector(it, node, OPT_WINDOW, rank, 0x7fffffff, p.window, "window_dimensions")) ||
        (st = read_vector(it, node, OPT_STRIDES, rank, 1, p.stride, "window_strides")) ||
        (st = read_vector(it, node, OPT_BASE_DILATIONS, rank, 1, p.base_dilation, "base_dilations")) ||
        (st = read_vector(it, node, OPT_WINDOW_DILATIONS, rank, 1, p.window_dilation, "window_dilations")) ||
        (st = read_vector(it, node, OPT_PADDING, 2 * rank, 0, padding, "padding")))
        return st;
    for (i = 0; i < rank; i++) {
        p.pad_lo[i] = padding[2 * i];
        p.pad_hi[i] = padding[2 * i + 1];
    }
    if (tl_fb_i32(&it->fb, node->options, OPT_BODY, -1, &body)) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (body < 0 || body >= it->n_subgraphs)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "body_subgraph_index is not a subgraph of the model");
    sg = &it->subgraphs[body];
    if (sg->n_nodes != 1)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "the body subgraph must hold exactly one op");
    p.fn = body_function(sg->nodes[0].builtin);
    if (!p.fn)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED,
                       "the body's op must be ADD, MUL, MAXIMUM, MINIMUM (or their STABLEHLO_ forms), LOGICAL_AND "
                       "or LOGICAL_OR");
    return tl_reduce_window_prepare_common(it, node, &p);
}
