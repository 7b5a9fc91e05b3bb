/* StableHLO gather/scatter index helpers (see stablehlo_index.h). */
#include <stdio.h>

#include "stablehlo_index.h"

int tl_shlo_has(const int64_t *dims, int32_t n, int64_t d) {
    int32_t i;
    for (i = 0; i < n; i++)
        if (dims[i] == d) return 1;
    return 0;
}

tl_status tl_shlo_dims(tl_interpreter *it, tl_node *node, int id, int32_t bound, int64_t *out, int32_t *n,
                       const char *what) {
    tl_fb_vec v;
    uint32_t i;
    char msg[128];
    if (tl_fb_vec_field(&it->fb, node->options, id, 8, &v)) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (v.len > TL_MAX_DIMS) {
        snprintf(msg, sizeof msg, "%s holds more than %d dimensions", what, TL_MAX_DIMS);
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, msg);
    }
    for (i = 0; i < v.len; i++) {
        int64_t d = tl_fb_vec_i64(&it->fb, v, i);
        if (d < 0 || d >= bound || tl_shlo_has(out, (int32_t)i, d)) {
            snprintf(msg, sizeof msg, "%s: a dimension is out of range or repeated", what);
            return tl_fail(it, node, TL_STATUS_MODEL_INVALID, msg);
        }
        out[i] = d;
    }
    *n = (int32_t)v.len;
    return TL_STATUS_OK;
}
