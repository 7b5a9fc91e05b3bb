/* ZEROS_LIKE: an output of the input's shape and type filled with zeros; float32, int32 and
 * int64 (LiteRT's types). */
#include <string.h>

#include "../src/kernel_api.h"

static tl_status tl_zeros_like_eval(tl_interpreter *it, tl_node *node);

tl_status tl_zeros_like_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    if (!in || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs an input and an output");
    if (in->type != out->type) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "input and output types differ");
    if (in->type != TL_TYPE_FLOAT32 && in->type != TL_TYPE_INT32 && in->type != TL_TYPE_INT64)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "ZEROS_LIKE supports float32, int32 and int64");
    if (!tl_same_shape(in, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output shapes differ");
    node->eval = tl_zeros_like_eval;
    return TL_STATUS_OK;
}

static tl_status tl_zeros_like_eval(tl_interpreter *it, tl_node *node) {
    tl_tensor *out = tl_node_output(it, node, 0);
    memset(out->data, 0, out->bytes); /* all-zero bytes are 0 and +0.0f */
    return TL_STATUS_OK;
}
