/* LSH_PROJECTION: locality-sensitive hashing of the rows of `input` (any fixed-size type, read as bytes) by the
 * float32 seeds of `hash` [num_hash, num_bits], with an optional float32 `weight` per row. For each seed, LiteRT's
 * reference kernel hashes every row's key (the seed's 4 bytes, then the row's bytes) with FarmHash Fingerprint64
 * (common/fingerprint64.c), takes the hash as a signed integer converted to double, sums those (times the row's
 * weight, float times double) in double in row order, and calls the bit 1 when the sum is above 0.
 * DENSE (type 2) outputs each bit as an int32, [num_hash * num_bits]; SPARSE (type 1) packs the num_bits bits of
 * each hash function, first bit highest, and adds i << num_bits for function i, [num_hash]. Both sums wrap in
 * 32 bits; LiteRT writes the offset i * (1 << num_bits) in int, so with 32 bits its compiled shift by 32 (x86
 * masks the count) makes the offset i: this kernel does the same. */
#include <string.h>

#include "../src/kernel_api.h"
#include "common/fingerprint64.h"

enum { OPT_TYPE = 0 };
enum { LSH_SPARSE = 1, LSH_DENSE = 2 };

typedef struct {
    int32_t num_hash, num_bits, rows;
    size_t row_bytes;
    tl_scratch *key; /* 4 + row_bytes bytes */
} lsh_data;

static int sign_bit(tl_interpreter *it, const tl_node *node, const lsh_data *d, const uint8_t *seed) {
    const uint8_t *in = tl_node_input(it, node, 1)->data;
    const tl_tensor *weight = tl_node_input(it, node, 2);
    uint8_t *key = d->key->data;
    double score = 0.0;
    int32_t i;
    memcpy(key, seed, 4);
    for (i = 0; i < d->rows; i++) {
        double running;
        memcpy(key + 4, in + (size_t)i * d->row_bytes, d->row_bytes);
        running = (double)(int64_t)tl_fingerprint64(key, 4 + d->row_bytes);
        if (weight) {
            float w;
            memcpy(&w, (const uint8_t *)weight->data + 4 * (size_t)i, sizeof w); /* a constant may be unaligned */
            score += w * running;
        } else {
            score += running;
        }
    }
    return score > 0;
}

static tl_status tl_lsh_projection_eval_sparse(tl_interpreter *it, tl_node *node) {
    const lsh_data *d = node->op_data;
    const uint8_t *seeds = tl_node_input(it, node, 0)->data;
    uint8_t *out = tl_node_output(it, node, 0)->data;
    int32_t i, j;
    for (i = 0; i < d->num_hash; i++) {
        uint32_t signature = 0, v;
        int32_t value;
        for (j = 0; j < d->num_bits; j++)
            signature = signature << 1 | (uint32_t)sign_bit(it, node, d, seeds + 4 * ((size_t)i * d->num_bits + j));
        v = signature + (uint32_t)i * ((uint32_t)1 << (d->num_bits & 31));
        memcpy(&value, &v, sizeof value);
        memcpy(out + 4 * (size_t)i, &value, sizeof value);
    }
    return TL_STATUS_OK;
}

static tl_status tl_lsh_projection_eval_dense(tl_interpreter *it, tl_node *node) {
    const lsh_data *d = node->op_data;
    const uint8_t *seeds = tl_node_input(it, node, 0)->data;
    int32_t *out = tl_node_output(it, node, 0)->data;
    int64_t k, n = (int64_t)d->num_hash * d->num_bits;
    for (k = 0; k < n; k++) out[k] = sign_bit(it, node, d, seeds + 4 * (size_t)k);
    return TL_STATUS_OK;
}

tl_status tl_lsh_projection_prepare(tl_interpreter *it, tl_node *node) {
    const tl_tensor *hash = tl_node_input(it, node, 0), *in = tl_node_input(it, node, 1);
    const tl_tensor *weight = tl_node_input(it, node, 2), *out = tl_node_output(it, node, 0);
    int32_t n = tl_node_num_inputs(node);
    int8_t type;
    lsh_data *d;
    if ((n != 2 && n != 3) || !hash || !in || !out || tl_node_num_outputs(node) != 1)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs hash and input (and an optional weight), one output");
    if (tl_fb_i8(&it->fb, node->options, OPT_TYPE, 0, &type) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (type != LSH_SPARSE && type != LSH_DENSE)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "projection type must be SPARSE or DENSE");
    if (hash->type != TL_TYPE_FLOAT32 || out->type != TL_TYPE_INT32 || (weight && weight->type != TL_TYPE_FLOAT32))
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "hash and weight must be float32, the output int32");
    if (tl_type_size(in->type) == 0)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "input must have a fixed-size type");
    if (hash->ndim != 2 || hash->dims[1] > 32)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "hash must be [num_hash, num_bits] with at most 32 bits");
    if (in->ndim < 1 || in->dims[0] < 1)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input must have at least one row");
    if (weight && (weight->ndim != 1 || weight->dims[0] != in->dims[0]))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "weight must be [rows of input]");
    if (out->ndim != 1 || out->dims[0] != (type == LSH_DENSE ? hash->dims[0] * hash->dims[1] : hash->dims[0]))
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH,
                       "output must be [num_hash * num_bits] (DENSE) or [num_hash] (SPARSE)");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    d->num_hash = hash->dims[0];
    d->num_bits = hash->dims[1];
    d->rows = in->dims[0];
    d->row_bytes = in->bytes / (size_t)in->dims[0];
    d->key = tl_request_scratch(it, node, 4 + d->row_bytes);
    if (!d->key) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "key scratch");
    node->op_data = d;
    node->eval = type == LSH_DENSE ? tl_lsh_projection_eval_dense : tl_lsh_projection_eval_sparse;
    return TL_STATUS_OK;
}
