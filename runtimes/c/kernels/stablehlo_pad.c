/* STABLEHLO_PAD: the operand spread out by interior_padding (>= 0) elements between neighbours
 * along each dimension, then edge_padding_low / high added (a negative one crops) at the ends,
 * every new element the scalar padding value (input 1). Any fixed-size type, as LiteRT's
 * reference (it moves bytes). Options sit in builtin_options_2 (int64 vectors, one per dim). */
#include <string.h>

#include "../src/kernel_api.h"

enum { OPT_LOW = 0, OPT_HIGH = 1, OPT_INTERIOR = 2 };

typedef struct {
    int64_t low[TL_MAX_DIMS], step[TL_MAX_DIMS]; /* output coordinate of input i: low + i * step */
} stablehlo_pad_data;

static tl_status tl_stablehlo_pad_eval(tl_interpreter *it, tl_node *node) {
    const stablehlo_pad_data *d = node->op_data;
    const tl_tensor *in = tl_node_input(it, node, 0), *pv = tl_node_input(it, node, 1);
    tl_tensor *out = tl_node_output(it, node, 0);
    const uint8_t *x = in->data;
    uint8_t *y = out->data;
    size_t es = tl_type_size(in->type);
    int64_t n = tl_tensor_numel(out), m = tl_tensor_numel(in), i, ostride[TL_MAX_DIMS];
    int32_t k, r = in->ndim;
    for (i = 0; i < n; i++) memcpy(y + i * es, pv->data, es);
    if (r > 0) ostride[r - 1] = 1;
    for (k = r - 1; k > 0; k--) ostride[k - 1] = ostride[k] * out->dims[k];
    for (i = 0; i < m; i++) { /* each input element lands at one output position, or is cropped */
        int64_t rest = i, off = 0;
        for (k = r - 1; k >= 0; k--) {
            int64_t c = d->low[k] + (rest % in->dims[k]) * d->step[k];
            rest /= in->dims[k];
            if (c < 0 || c >= out->dims[k]) break;
            off += c * ostride[k];
        }
        if (k < 0) memcpy(y + off * es, x + i * es, es);
    }
    return TL_STATUS_OK;
}

static tl_status read_vec(tl_interpreter *it, tl_node *node, int id, int32_t rank, int64_t *dst) {
    tl_fb_vec v;
    uint32_t k;
    if (tl_fb_vec_field(&it->fb, node->options, id, 8, &v) != TL_STATUS_OK || v.len != (uint32_t)rank)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "edge_padding_low, edge_padding_high and interior_padding need one value per dimension");
    for (k = 0; k < v.len; k++) {
        dst[k] = tl_fb_vec_i64(&it->fb, v, k);
        if (dst[k] < -0x7fffffffLL || dst[k] > 0x7fffffffLL) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "padding out of range");
    }
    return TL_STATUS_OK;
}

tl_status tl_stablehlo_pad_prepare(tl_interpreter *it, tl_node *node) {
    tl_tensor *in = tl_node_input(it, node, 0), *pv = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    int64_t high[TL_MAX_DIMS], interior[TL_MAX_DIMS];
    stablehlo_pad_data *d;
    int32_t k;
    tl_status st;
    if (!in || !pv || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs an operand, a padding value and an output");
    if (pv->type != in->type || out->type != in->type || !tl_type_size(in->type))
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "operand, padding value and output must have one fixed-size type");
    if (tl_tensor_numel(pv) != 1) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "the padding value must be a scalar");
    if (out->ndim != in->ndim) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "operand and output ranks differ");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    if ((st = read_vec(it, node, OPT_LOW, in->ndim, d->low)) != TL_STATUS_OK ||
        (st = read_vec(it, node, OPT_HIGH, in->ndim, high)) != TL_STATUS_OK ||
        (st = read_vec(it, node, OPT_INTERIOR, in->ndim, interior)) != TL_STATUS_OK)
        return st;
    for (k = 0; k < in->ndim; k++) {
        int64_t dim = in->dims[k], size;
        if (interior[k] < 0) return tl_fail(it, node, TL_STATUS_BAD_ARGUMENT, "interior_padding must be >= 0");
        size = d->low[k] + high[k] + (dim ? dim + (dim - 1) * interior[k] : 0);
        if (size != out->dims[k])
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "the output shape is not the padded operand's");
        d->step[k] = interior[k] + 1;
    }
    node->eval = tl_stablehlo_pad_eval;
    return TL_STATUS_OK;
}
