/* Shared by RANDOM_UNIFORM, RANDOM_STANDARD_NORMAL and MULTINOMIAL: the Philox stream in op data, seeded in
 * prepare from RandomOptions (seed, seed2) and advanced by every invoke, as LiteRT's. An allocation that prepares
 * the nodes again (after a resize) starts it again from the seeds, as LiteRT 2.3.0's does (test_random_ops.py). With both seeds 0 LiteRT draws a
 * nondeterministic key; here the key is then 0. */
#ifndef TL_RANDOM_H
#define TL_RANDOM_H

#include "../../src/kernel_api.h"
#include "int_input.h"
#include "philox.h"

enum { TL_RANDOM_OPT_SEED = 0, TL_RANDOM_OPT_SEED2 = 1 }; /* RandomOptions */

/* Reads the seeds into a fresh stream. */
static inline tl_status tl_random_seed(tl_interpreter *it, tl_node *node, tl_philox *p) {
    int64_t seed, seed2;
    if (tl_fb_i64(&it->fb, node->options, TL_RANDOM_OPT_SEED, 0, &seed) ||
        tl_fb_i64(&it->fb, node->options, TL_RANDOM_OPT_SEED2, 0, &seed2))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    tl_philox_seed(p, seed, seed2);
    return TL_STATUS_OK;
}

/* RANDOM_UNIFORM / RANDOM_STANDARD_NORMAL: input 0 the output's shape (an int32 vector, as LiteRT; a constant
 * one must equal the output's, a runtime one is checked at invoke by tl_random_shape_ok), output float32. */
static inline tl_status tl_random_prepare_shape(tl_interpreter *it, tl_node *node) {
    const tl_tensor *shape = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    int32_t i;
    if (!shape || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs a shape input and an output");
    if (out->type != TL_TYPE_FLOAT32) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "output must be float32");
    if (shape->type != TL_TYPE_INT32 || shape->ndim != 1 || shape->dims[0] != out->ndim)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "shape must be an int32 vector of the output's rank");
    if (shape->is_constant)
        for (i = 0; i < out->ndim; i++)
            if (tl_int_at(shape, i) != out->dims[i])
                return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "the shape input differs from the output's shape");
    return TL_STATUS_OK;
}

/* RANDOM_UNIFORM / RANDOM_STANDARD_NORMAL's prepare: the shape checks, a seeded stream in op data, `eval`. */
static inline tl_status tl_random_float_prepare(tl_interpreter *it, tl_node *node, tl_eval_fn eval) {
    tl_philox *p;
    tl_status st = tl_random_prepare_shape(it, node);
    if (st != TL_STATUS_OK) return st;
    p = tl_alloc_persistent(it, sizeof *p);
    if (!p) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    if ((st = tl_random_seed(it, node, p)) != TL_STATUS_OK) return st;
    node->op_data = p;
    node->eval = eval;
    return TL_STATUS_OK;
}

static inline int tl_random_shape_ok(const tl_tensor *shape, const tl_tensor *out) {
    int32_t i;
    for (i = 0; i < out->ndim; i++)
        if (tl_int_at(shape, i) != out->dims[i]) return 0;
    return 1;
}

#endif
