/* HASHTABLE_LOOKUP: for each int32 of lookup, the row of values whose key equals it (output [n, ...]) and a
 * uint8 hit flag; a miss gives a row of zero bytes and 0. Keys are searched as LiteRT's reference kernel does,
 * by a binary search (the middle of [lo, hi) each step), so they should be sorted; unsorted keys give what that
 * search gives. Values of every fixed-size type are copied as bytes. STRING values (a vector, as LiteRT requires)
 * give a STRING output of one string per lookup, empty on a miss; the output's bytes are planned for every lookup
 * hitting the longest value (a constant's longest string, an input's capacity). */
#include <string.h>

#include "../src/kernel_api.h"
#include "../src/string_tensor.h"

typedef struct {
    int32_t n, keys;
    size_t row; /* bytes per value row */
} hashtable_data;

/* The index of `key` among keys[0, n) by LiteRT's binary search, -1 when absent. */
static int32_t find(const int32_t *keys, int32_t n, int32_t key) {
    int32_t lo = 0, hi = n;
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (key < keys[mid]) hi = mid;
        else if (key > keys[mid]) lo = mid + 1;
        else return mid;
    }
    return -1;
}

static tl_status tl_hashtable_lookup_eval_string(tl_interpreter *it, tl_node *node) {
    const hashtable_data *d = node->op_data;
    const int32_t *lookup = tl_node_input(it, node, 0)->data, *keys = tl_node_input(it, node, 1)->data;
    const tl_tensor *values = tl_node_input(it, node, 2);
    uint8_t *out = tl_node_output(it, node, 0)->data, *hits = tl_node_output(it, node, 1)->data;
    const char *why = tl_string_check(values->data, values->bytes, d->keys);
    uint32_t pos = (uint32_t)TL_STRING_HEADER_BYTES(d->n);
    int32_t i;
    if (why) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, why);
    tl_string_begin(out, d->n);
    for (i = 0; i < d->n; i++) {
        int32_t found = find(keys, d->keys, lookup[i]), len = 0;
        const uint8_t *s = found >= 0 ? tl_string_at(values->data, found, &len) : NULL;
        tl_string_put(out, i, &pos, s, (size_t)len);
        hits[i] = found >= 0;
    }
    return TL_STATUS_OK;
}

static tl_status tl_hashtable_lookup_eval(tl_interpreter *it, tl_node *node) {
    const hashtable_data *d = node->op_data;
    const int32_t *lookup = tl_node_input(it, node, 0)->data, *keys = tl_node_input(it, node, 1)->data;
    const uint8_t *values = tl_node_input(it, node, 2)->data;
    uint8_t *out = tl_node_output(it, node, 0)->data, *hits = tl_node_output(it, node, 1)->data;
    int32_t i;
    for (i = 0; i < d->n; i++) {
        int32_t found = find(keys, d->keys, lookup[i]);
        if (found >= 0) memcpy(out + (size_t)i * d->row, values + (size_t)found * d->row, d->row);
        else memset(out + (size_t)i * d->row, 0, d->row);
        hits[i] = found >= 0;
    }
    return TL_STATUS_OK;
}

static tl_status prepare_strings(tl_interpreter *it, tl_node *node) {
    const tl_tensor *lookup = tl_node_input(it, node, 0), *keys = tl_node_input(it, node, 1);
    const tl_tensor *values = tl_node_input(it, node, 2), *hits = tl_node_output(it, node, 1);
    tl_tensor *out = tl_node_output(it, node, 0);
    hashtable_data *d;
    uint64_t longest = 0, bytes;
    int32_t i, len;
    if (out->type != TL_TYPE_STRING || hits->type != TL_TYPE_UINT8)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "string values need a STRING output and uint8 hits");
    if (values->ndim != 1 || values->dims[0] != keys->dims[0])
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "string values must be a vector, one per key");
    if (out->ndim != 1 || out->dims[0] != lookup->dims[0] || hits->ndim != 1 || hits->dims[0] != lookup->dims[0])
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output and hits must be [lookups]");
    if (values->is_constant) { /* checked when the model was read */
        for (i = 0; i < values->dims[0]; i++) {
            tl_string_at(values->data, i, &len);
            if ((uint64_t)len > longest) longest = (uint64_t)len;
        }
    } else if (values->bytes >= TL_STRING_HEADER_BYTES(values->dims[0])) {
        longest = values->bytes - TL_STRING_HEADER_BYTES(values->dims[0]);
    }
    bytes = TL_STRING_HEADER_BYTES(lookup->dims[0]) + (uint64_t)lookup->dims[0] * longest;
    if (bytes > 0x7fffffffu)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "the output's bound holds 2^31 bytes or more");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    d->n = lookup->dims[0];
    d->keys = keys->dims[0];
    out->bytes = (uint32_t)bytes;
    node->op_data = d;
    node->eval = tl_hashtable_lookup_eval_string;
    return TL_STATUS_OK;
}

tl_status tl_hashtable_lookup_prepare(tl_interpreter *it, tl_node *node) {
    const tl_tensor *lookup = tl_node_input(it, node, 0), *keys = tl_node_input(it, node, 1);
    const tl_tensor *values = tl_node_input(it, node, 2);
    const tl_tensor *out = tl_node_output(it, node, 0), *hits = tl_node_output(it, node, 1);
    hashtable_data *d;
    int32_t i;
    if (!lookup || !keys || !values || !out || !hits)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs lookup, keys and values, and output and hits");
    if (lookup->type != TL_TYPE_INT32 || keys->type != TL_TYPE_INT32 || lookup->ndim != 1 || keys->ndim != 1)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "lookup and keys must be int32 vectors");
    if (values->type == TL_TYPE_STRING) return prepare_strings(it, node);
    if (values->type != out->type || tl_type_size(values->type) == 0)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "values and output must have one fixed-size type");
    if (hits->type != TL_TYPE_UINT8) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "hits must be uint8");
    if (values->ndim < 1 || values->dims[0] != keys->dims[0])
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "values must have one row per key");
    if (out->ndim != values->ndim || out->dims[0] != lookup->dims[0] || hits->ndim != 1 ||
        hits->dims[0] != lookup->dims[0])
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output must be [lookups, value row...] and hits [lookups]");
    for (i = 1; i < values->ndim; i++)
        if (out->dims[i] != values->dims[i])
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output rows differ from the value rows");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    d->n = lookup->dims[0];
    d->keys = keys->dims[0];
    d->row = tl_type_size(values->type);
    for (i = 1; i < values->ndim; i++) d->row *= (size_t)values->dims[i];
    node->op_data = d;
    node->eval = tl_hashtable_lookup_eval;
    return TL_STATUS_OK;
}
