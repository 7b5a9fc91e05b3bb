/* HASHTABLE_LOOKUP: for each int32 of lookup, the row of values whose key equals it (output [n, ...]) and a
 * uint8 hit flag; a miss gives a row of zero bytes and 0. Keys are searched as LiteRT's reference kernel does,
 * by a binary search (the middle of [lo, hi) each step), so they should be sorted; unsorted keys give what that
 * search gives. Values of every fixed-size type are copied as bytes; string values, which LiteRT also takes,
 * are refused (this runtime has no string tensors). */
#include <string.h>

#include "../src/kernel_api.h"

typedef struct {
    int32_t n, keys;
    size_t row; /* bytes per value row */
} hashtable_data;

static tl_status tl_hashtable_lookup_eval(tl_interpreter *it, tl_node *node) {
    const hashtable_data *d = node->op_data;
    const int32_t *lookup = tl_node_input(it, node, 0)->data, *keys = tl_node_input(it, node, 1)->data;
    const uint8_t *values = tl_node_input(it, node, 2)->data;
    uint8_t *out = tl_node_output(it, node, 0)->data, *hits = tl_node_output(it, node, 1)->data;
    int32_t i;
    for (i = 0; i < d->n; i++) {
        int32_t lo = 0, hi = d->keys, found = -1;
        while (lo < hi) {
            int32_t mid = lo + (hi - lo) / 2;
            if (lookup[i] < keys[mid]) {
                hi = mid;
            } else if (lookup[i] > keys[mid]) {
                lo = mid + 1;
            } else {
                found = mid;
                break;
            }
        }
        if (found >= 0) memcpy(out + (size_t)i * d->row, values + (size_t)found * d->row, d->row);
        else memset(out + (size_t)i * d->row, 0, d->row);
        hits[i] = found >= 0;
    }
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
    if (values->type == TL_TYPE_STRING)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "string values (this runtime has no string tensors)");
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
