/* REVERSE_SEQUENCE: for each index b along batch_dim, the first seq_lengths[b] elements along
 * seq_dim reversed, the rest kept. float32, uint8, int16, int32 and int64 data (LiteRT's set),
 * int32 or int64 lengths; a length below 0 or above the dimension fails the invoke (refused in
 * prepare when the lengths are constant). */
#include <string.h>

#include "../src/kernel_api.h"
#include "common/int_input.h"

enum { OPT_SEQ_DIM = 0, OPT_BATCH_DIM = 1 };

typedef struct {
    int32_t seq_dim, batch_dim;
} reverse_sequence_data;

static int64_t length_at(const tl_tensor *len, int64_t b) {
    return tl_int_at(len, b);
}

static int bad_lengths(const tl_tensor *len, int32_t dim) {
    int64_t b;
    for (b = 0; b < len->dims[0]; b++)
        if (length_at(len, b) < 0 || length_at(len, b) > dim) return 1;
    return 0;
}

static tl_status tl_reverse_sequence_eval(tl_interpreter *it, tl_node *node) {
    const reverse_sequence_data *d = node->op_data;
    const tl_tensor *in = tl_node_input(it, node, 0), *len = tl_node_input(it, node, 1);
    tl_tensor *out = tl_node_output(it, node, 0);
    const uint8_t *x = in->data;
    uint8_t *y = out->data;
    size_t es = tl_type_size(in->type);
    int64_t stride[TL_MAX_DIMS], n = tl_tensor_numel(out), i;
    int32_t k;
    if (bad_lengths(len, in->dims[d->seq_dim]))
        return tl_fail(it, node, TL_STATUS_INDEX_OUT_OF_RANGE, "a sequence length is below 0 or above the sequence dimension");
    stride[in->ndim - 1] = 1;
    for (k = in->ndim - 1; k > 0; k--) stride[k - 1] = stride[k] * in->dims[k];
    for (i = 0; i < n; i++) {
        int64_t s = (i / stride[d->seq_dim]) % in->dims[d->seq_dim];
        int64_t b = (i / stride[d->batch_dim]) % in->dims[d->batch_dim], l = length_at(len, b);
        int64_t src = s < l ? i + (l - 1 - 2 * s) * stride[d->seq_dim] : i;
        memcpy(y + i * es, x + src * es, es);
    }
    return TL_STATUS_OK;
}

tl_status tl_reverse_sequence_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *len = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    reverse_sequence_data *d;
    int32_t seq, batch;
    if (!in || !len || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs an input, lengths and an output");
    if (in->type != out->type) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "input and output types differ");
    switch (in->type) {
    case TL_TYPE_FLOAT32: case TL_TYPE_UINT8: case TL_TYPE_INT16: case TL_TYPE_INT32: case TL_TYPE_INT64: break;
    default: return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "REVERSE_SEQUENCE supports float32, uint8, int16, int32 and int64");
    }
    if (len->type != TL_TYPE_INT32 && len->type != TL_TYPE_INT64)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "seq_lengths must be int32 or int64");
    if (!tl_same_shape(in, out)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input and output shapes differ");
    if (tl_fb_i32(&it->fb, node->options, OPT_SEQ_DIM, 0, &seq) != TL_STATUS_OK ||
        tl_fb_i32(&it->fb, node->options, OPT_BATCH_DIM, 0, &batch) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (seq < 0 || seq >= in->ndim || batch < 0 || batch >= in->ndim || seq == batch)
        return tl_fail(it, node, TL_STATUS_BAD_ARGUMENT, "seq_dim and batch_dim must be two different dimensions of the input (0 to rank - 1, as LiteRT)");
    if (len->ndim != 1 || len->dims[0] != in->dims[batch])
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "seq_lengths must be 1-D, one per index of batch_dim");
    if (len->is_constant && bad_lengths(len, in->dims[seq]))
        return tl_fail(it, node, TL_STATUS_BAD_ARGUMENT, "a sequence length is below 0 or above the sequence dimension");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    d->seq_dim = seq;
    d->batch_dim = batch;
    node->op_data = d;
    node->eval = tl_reverse_sequence_eval;
    return TL_STATUS_OK;
}
