/* Which nodes the GPU delegate runs, and the kernel launches each becomes (kernels.cl). Every
 * node here was prepared by its CPU kernel first, so shapes and options are known to be valid. */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../c/kernels/common/window.h"
#include "tl_gpu_internal.h"

enum {
    OP_ADD = 0, OP_AVERAGE_POOL_2D = 1, OP_CONCATENATION = 2, OP_CONV_2D = 3, OP_DEPTHWISE_CONV_2D = 4,
    OP_FULLY_CONNECTED = 9, OP_LOGISTIC = 14, OP_MAX_POOL_2D = 17, OP_MUL = 18, OP_RELU = 19, OP_RELU_N1_TO_1 = 20,
    OP_RELU6 = 21, OP_RESHAPE = 22, OP_RESIZE_BILINEAR = 23, OP_SOFTMAX = 25, OP_TANH = 28, OP_PAD = 34,
    OP_MEAN = 40, OP_SUB = 41, OP_SQUEEZE = 43, OP_PRELU = 54, OP_PADV2 = 60, OP_RESIZE_NEAREST = 97,
    OP_HARD_SWISH = 117
};

static int refuse(char *why, size_t why_size, const char *reason) {
    snprintf(why, why_size, "%s", reason);
    return 0;
}

static int is_data_input(int32_t op, int32_t k) {
    switch (op) {
    case OP_CONCATENATION: case OP_ADD: case OP_SUB: case OP_MUL: case OP_PRELU: return 1;
    case OP_CONV_2D: case OP_DEPTHWISE_CONV_2D: case OP_FULLY_CONNECTED: return k <= 2;
    case OP_PADV2: return k == 0 || k == 2;
    default: return k == 0; /* axes, shapes, paddings, sizes are int32 parameters */
    }
}

/* The fused activation's range (options field `id`); 0 when the GPU has no such activation. */
static int activation(tl_interpreter *it, const tl_node *node, int id, float *lo, float *hi) {
    int8_t act = 0;
    if (id >= 0 && tl_fb_i8(&it->fb, node->options, id, 0, &act) != TL_STATUS_OK) return 0;
    return tl_activation_range_f32(act, lo, hi) == TL_STATUS_OK;
}

static int activation_field(int32_t op) {
    switch (op) {
    case OP_ADD: case OP_SUB: case OP_MUL: case OP_FULLY_CONNECTED: return 0;
    case OP_CONV_2D: return 3;
    case OP_DEPTHWISE_CONV_2D: return 4;
    case OP_AVERAGE_POOL_2D: case OP_MAX_POOL_2D: return 5;
    case OP_CONCATENATION: return 1;
    default: return -1;
    }
}

/* MEAN's reduced axes as one block [first, last); 0 when they are not adjacent. */
static int mean_block(const tl_tensor *in, const tl_tensor *axes, int32_t *first, int32_t *last) {
    int reduced[TL_MAX_DIMS] = {0};
    int64_t k, n = tl_tensor_numel(axes);
    int32_t i;
    for (k = 0; k < n; k++) {
        int32_t a;
        memcpy(&a, (const uint8_t *)axes->data + 4 * k, 4);
        reduced[a < 0 ? a + in->ndim : a] = 1;
    }
    *first = -1;
    for (i = 0; i < in->ndim; i++)
        if (reduced[i]) {
            if (*first < 0) *first = i;
            else if (!reduced[i - 1]) return 0;
            *last = i + 1;
        }
    return *first >= 0;
}

int tl_gpu_supports(tl_interpreter *it, const tl_node *node, char *why, size_t why_size) {
    int32_t op = node->builtin, k;
    tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    float lo, hi;
    switch (op) {
    case OP_ADD: case OP_AVERAGE_POOL_2D: case OP_CONCATENATION: case OP_CONV_2D: case OP_DEPTHWISE_CONV_2D:
    case OP_FULLY_CONNECTED: case OP_LOGISTIC: case OP_MAX_POOL_2D: case OP_MUL: case OP_RELU: case OP_RELU_N1_TO_1:
    case OP_RELU6: case OP_RESHAPE: case OP_RESIZE_BILINEAR: case OP_SOFTMAX: case OP_TANH: case OP_PAD:
    case OP_MEAN: case OP_SUB: case OP_SQUEEZE: case OP_PRELU: case OP_PADV2: case OP_RESIZE_NEAREST:
    case OP_HARD_SWISH: break;
    default: {
        const char *name = op == 32 ? tl_node_custom_name(it, node) : tl_builtin_get_name(op);
        if (out && out->is_constant) return refuse(why, why_size, "computed once at allocation (a constant)");
        snprintf(why, why_size, "no GPU kernel for %s", name ? name : "this operator");
        return 0;
    }
    }
    if (in == NULL || out == NULL || tl_node_num_outputs(node) != 1) return refuse(why, why_size, "unexpected operands");
    for (k = 0; k < tl_node_num_inputs(node); k++) {
        const tl_tensor *t = tl_node_input(it, node, k);
        if (t == NULL || !is_data_input(op, k)) continue;
        if (t->type != TL_TYPE_FLOAT32)
            return refuse(why, why_size, t->type == TL_TYPE_INT8 || t->type == TL_TYPE_UINT8 || t->type == TL_TYPE_INT16
                                             ? "quantized tensors stay on the CPU (the GPU delegate runs float32)"
                                             : "not a float32 tensor");
        if (t->is_variable) return refuse(why, why_size, "variable (state) tensors stay on the CPU");
        if (t->ndim > 4) return refuse(why, why_size, "more than 4 dimensions");
    }
    if (out->type != TL_TYPE_FLOAT32)
        return refuse(why, why_size, out->type == TL_TYPE_INT8 || out->type == TL_TYPE_UINT8
                                         ? "quantized tensors stay on the CPU (the GPU delegate runs float32)"
                                         : "output is not float32");
    if (out->ndim > 4) return refuse(why, why_size, "more than 4 dimensions");
    if (tl_tensor_numel(out) >= (1 << 30)) return refuse(why, why_size, "tensor too large for 32-bit indices");
    if (!activation(it, node, activation_field(op), &lo, &hi))
        return refuse(why, why_size, "fused activation has no GPU kernel");
    switch (op) {
    case OP_CONV_2D: case OP_DEPTHWISE_CONV_2D: case OP_FULLY_CONNECTED: {
        const tl_tensor *w = tl_node_input(it, node, 1), *b = tl_node_input(it, node, 2);
        uint8_t format = 0;
        if (!w || !w->is_constant) return refuse(why, why_size, "weights are not constant");
        if (b && !b->is_constant) return refuse(why, why_size, "bias is not constant");
        if (op == OP_CONV_2D && w->dims[3] != in->dims[3])
            return refuse(why, why_size, "grouped convolution has no GPU kernel");
        if (op == OP_FULLY_CONNECTED &&
            (w->ndim != 2 || tl_fb_u8(&it->fb, node->options, 1, 0, &format) != TL_STATUS_OK || format != 0))
            return refuse(why, why_size, "only 2-D weights in the default format");
        break;
    }
    case OP_MEAN: {
        int32_t first, last;
        if (!mean_block(in, tl_node_input(it, node, 1), &first, &last))
            return refuse(why, why_size, "reduced axes are not adjacent");
        break;
    }
    case OP_PAD: case OP_PADV2: {
        const tl_tensor *p = tl_node_input(it, node, 1);
        if (!p || !p->is_constant || p->type != TL_TYPE_INT32)
            return refuse(why, why_size, "paddings must be a constant int32 tensor");
        if (op == OP_PADV2 && !(tl_node_input(it, node, 2) && tl_node_input(it, node, 2)->is_constant))
            return refuse(why, why_size, "pad value must be constant");
        break;
    }
    case OP_RESIZE_BILINEAR: case OP_RESIZE_NEAREST:
        if (in->ndim != 4) return refuse(why, why_size, "input must be 4-D");
        break;
    case OP_ADD: case OP_SUB: case OP_MUL: case OP_PRELU:
        for (k = 0; k < 2; k++) {
            const tl_tensor *t = tl_node_input(it, node, k);
            int32_t d, shift = out->ndim - t->ndim;
            if (shift < 0) return refuse(why, why_size, "operand has more dimensions than the output");
            for (d = 0; d < t->ndim; d++)
                if (t->dims[d] != 1 && t->dims[d] != out->dims[d + shift])
                    return refuse(why, why_size, "operand does not broadcast to the output");
        }
        break;
    default: break;
    }
    snprintf(why, why_size, "runs on the GPU");
    return 1;
}

/* ---- building launches ----------------------------------------------------------------------- */

#define SZ(x) ((size_t)(x))

static int32_t index_of(tl_interpreter *it, const tl_node *node, int32_t k, int output) {
    return tl_fb_vec_i32(&it->fb, output ? node->outputs : node->inputs, (uint32_t)k);
}

/* The convolution window from the options (ids: padding 0, strides 1 and 2, dilations at dil). */
static void window(tl_interpreter *it, const tl_node *node, int32_t dil, int32_t kh, int32_t kw, const tl_tensor *in,
                   tl_window *w) {
    int8_t padding = 0;
    memset(w, 0, sizeof *w);
    tl_fb_i8(&it->fb, node->options, 0, 0, &padding);
    tl_fb_i32(&it->fb, node->options, 1, 1, &w->stride_w);
    tl_fb_i32(&it->fb, node->options, 2, 1, &w->stride_h);
    w->dil_w = w->dil_h = 1;
    if (dil >= 0) {
        tl_fb_i32(&it->fb, node->options, dil, 1, &w->dil_w);
        tl_fb_i32(&it->fb, node->options, dil + 1, 1, &w->dil_h);
    }
    w->filter_h = kh;
    w->filter_w = kw;
    tl_window_init(w, padding, in->dims[1], in->dims[2]);
}

/* Weights repacked on the host: [rows][cols] -> [cols][rows] (OHWI -> HWIO, [units][depth] -> [depth][units]). */
static cl_mem transposed(tl_gpu_part *p, const tl_tensor *w, int32_t rows, int32_t cols, char *error, size_t error_size) {
    float *src = malloc(SZ(rows) * SZ(cols) * 4 + 4), *dst = malloc(SZ(rows) * SZ(cols) * 4 + 4);
    cl_mem m = NULL;
    int32_t r, c;
    if (src && dst) {
        memcpy(src, w->data, SZ(rows) * SZ(cols) * 4);
        for (r = 0; r < rows; r++)
            for (c = 0; c < cols; c++) dst[SZ(c) * SZ(rows) + SZ(r)] = src[SZ(r) * SZ(cols) + SZ(c)];
        m = tl_gpu_upload(p, dst, SZ(rows) * SZ(cols), error, error_size);
    } else {
        snprintf(error, error_size, "out of memory");
    }
    free(src);
    free(dst);
    return m;
}

static cl_mem bias_or_zeros(tl_gpu_part *p, tl_interpreter *it, const tl_node *node, int32_t n, char *error,
                            size_t error_size) {
    float *zeros;
    cl_mem m;
    if (tl_node_input(it, node, 2)) return tl_gpu_tensor(p, it, index_of(it, node, 2, 0), error, error_size);
    zeros = calloc(SZ(n) + 1, 4);
    if (zeros == NULL) return NULL;
    m = tl_gpu_upload(p, zeros, SZ(n), error, error_size);
    free(zeros);
    return m;
}

static tl_status gemm(tl_gpu_part *p, cl_mem x, cl_mem w, cl_mem b, cl_mem y, int32_t m, int32_t k, int32_t n, float lo,
                      float hi, char *error, size_t error_size) {
    size_t global[2] = {SZ(n), SZ(m)}, local[2] = {16, 16};
    return tl_gpu_add(p, "gemm", 2, global, local, error, error_size, "mmmmiiiff", x, w, b, y, m, k, n, (double)lo,
                      (double)hi);
}

static tl_status build_conv(tl_gpu_part *p, tl_interpreter *it, const tl_node *node, cl_mem x, cl_mem y, float lo,
                            float hi, char *error, size_t error_size) {
    const tl_tensor *in = tl_node_input(it, node, 0), *f = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    int32_t n = in->dims[0], h = in->dims[1], w_ = in->dims[2], c = in->dims[3];
    int32_t oh = out->dims[1], ow = out->dims[2], oc = out->dims[3], kh = f->dims[1], kw = f->dims[2];
    tl_window win;
    cl_mem w, b;
    size_t global[3];
    window(it, node, 4, kh, kw, in, &win);
    w = transposed(p, f, oc, kh * kw * c, error, error_size);
    b = w ? bias_or_zeros(p, it, node, oc, error, error_size) : NULL;
    if (b == NULL) return TL_STATUS_INVOKE_FAILED;
    if (kh == 1 && kw == 1 && win.stride_h == 1 && win.stride_w == 1 && win.pad_h == 0 && win.pad_w == 0 && oh == h &&
        ow == w_)
        return gemm(p, x, w, b, y, n * h * w_, c, oc, lo, hi, error, error_size);
    global[1] = SZ(ow);
    global[2] = SZ(n) * SZ(oh);
    if (kh == 3 && kw == 3 && win.dil_h == 1 && win.dil_w == 1 && oc % 4 == 0) {
        global[0] = SZ(oc / 4);
        return tl_gpu_add(p, "conv3x3", 3, global, NULL, error, error_size, "mmmmiiiiiiiiiiiff", x, w, b, y, h, w_, c,
                          oh, ow, oc, win.stride_h, win.stride_w, win.pad_h, win.pad_w, n * oh, (double)lo, (double)hi);
    }
    global[0] = SZ(oc);
    return tl_gpu_add(p, "conv2d", 3, global, NULL, error, error_size, "mmmmiiiiiiiiiiiiiiiff", x, w, b, y, h, w_, c, oh,
                      ow, oc, kh, kw, win.stride_h, win.stride_w, win.dil_h, win.dil_w, win.pad_h, win.pad_w, n * oh,
                      (double)lo, (double)hi);
}

static tl_status build_depthwise(tl_gpu_part *p, tl_interpreter *it, const tl_node *node, cl_mem x, cl_mem y, float lo,
                                 float hi, char *error, size_t error_size) {
    const tl_tensor *in = tl_node_input(it, node, 0), *f = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    int32_t n = in->dims[0], h = in->dims[1], w_ = in->dims[2], c = in->dims[3];
    int32_t oh = out->dims[1], ow = out->dims[2], oc = out->dims[3], kh = f->dims[1], kw = f->dims[2];
    tl_window win;
    cl_mem w, b;
    size_t global[3];
    window(it, node, 5, kh, kw, in, &win);
    w = tl_gpu_tensor(p, it, index_of(it, node, 1, 0), error, error_size);
    b = w ? bias_or_zeros(p, it, node, oc, error, error_size) : NULL;
    if (b == NULL) return TL_STATUS_INVOKE_FAILED;
    global[0] = SZ(oc);
    global[1] = SZ(ow);
    global[2] = SZ(n) * SZ(oh);
    return tl_gpu_add(p, "depthwise", 3, global, NULL, error, error_size, "mmmmiiiiiiiiiiiiiiiiff", x, w, b, y, h, w_, c,
                      oh, ow, oc, kh, kw, win.stride_h, win.stride_w, win.dil_h, win.dil_w, win.pad_h, win.pad_w, oc / c,
                      n * oh, (double)lo, (double)hi);
}

static tl_status build_fc(tl_gpu_part *p, tl_interpreter *it, const tl_node *node, cl_mem x, cl_mem y, float lo,
                          float hi, char *error, size_t error_size) {
    const tl_tensor *in = tl_node_input(it, node, 0), *f = tl_node_input(it, node, 1);
    int32_t units = f->dims[0], depth = f->dims[1];
    cl_mem w = transposed(p, f, units, depth, error, error_size);
    cl_mem b = w ? bias_or_zeros(p, it, node, units, error, error_size) : NULL;
    if (b == NULL) return TL_STATUS_INVOKE_FAILED;
    return gemm(p, x, w, b, y, (int32_t)(tl_tensor_numel(in) / depth), depth, units, lo, hi, error, error_size);
}

/* Strides of `t` against a 4-D view of `out` (0 where t is broadcast or absent). */
static void broadcast_strides(const tl_tensor *t, const tl_tensor *out, int32_t s[4]) {
    int32_t d, stride = 1, shift = 4 - t->ndim;
    for (d = 3; d >= 0; d--) {
        int32_t td = d - shift, size = td >= 0 ? t->dims[td] : 1;
        int32_t od = d - (4 - out->ndim), osize = od >= 0 ? out->dims[od] : 1;
        s[d] = (size == 1 && osize != 1) || td < 0 ? 0 : stride;
        stride *= size;
    }
}

static tl_status build_binary(tl_gpu_part *p, tl_interpreter *it, const tl_node *node, int op, cl_mem y, float lo,
                              float hi, char *error, size_t error_size) {
    const tl_tensor *a = tl_node_input(it, node, 0), *b = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    int32_t sa[4], sb[4], d[4], i;
    cl_mem ma = tl_gpu_tensor(p, it, index_of(it, node, 0, 0), error, error_size);
    cl_mem mb = ma ? tl_gpu_tensor(p, it, index_of(it, node, 1, 0), error, error_size) : NULL;
    size_t total = (size_t)tl_tensor_numel(out);
    if (mb == NULL) return TL_STATUS_INVOKE_FAILED;
    for (i = 0; i < 4; i++) d[i] = i - (4 - out->ndim) >= 0 ? out->dims[i - (4 - out->ndim)] : 1;
    broadcast_strides(a, out, sa);
    broadcast_strides(b, out, sb);
    return tl_gpu_add(p, "binary", 1, &total, NULL, error, error_size, "mmmiiiiiiiiiiiiiff", ma, mb, y, op, d[1], d[2],
                      d[3], sa[0], sa[1], sa[2], sa[3], sb[0], sb[1], sb[2], sb[3], (int)total, (double)lo, (double)hi);
}

static tl_status build_pool(tl_gpu_part *p, tl_interpreter *it, const tl_node *node, cl_mem x, cl_mem y, float lo,
                            float hi, char *error, size_t error_size) {
    const tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    int32_t kh = 1, kw = 1;
    tl_window win;
    size_t global[3];
    tl_fb_i32(&it->fb, node->options, 3, 1, &kw);
    tl_fb_i32(&it->fb, node->options, 4, 1, &kh);
    window(it, node, -1, kh, kw, in, &win);
    global[0] = SZ(in->dims[3]);
    global[1] = SZ(out->dims[2]);
    global[2] = SZ(out->dims[0]) * SZ(out->dims[1]);
    return tl_gpu_add(p, "pool", 3, global, NULL, error, error_size, "mmiiiiiiiiiiiiiff", x, y, in->dims[1], in->dims[2],
                      in->dims[3], out->dims[1], out->dims[2], kh, kw, win.stride_h, win.stride_w, win.pad_h, win.pad_w,
                      node->builtin == OP_MAX_POOL_2D, out->dims[0] * out->dims[1], (double)lo, (double)hi);
}

static int64_t product(const tl_tensor *t, int32_t from, int32_t to) {
    int64_t n = 1;
    int32_t i;
    for (i = from; i < to; i++) n *= t->dims[i];
    return n;
}

static tl_status copy(tl_gpu_part *p, cl_mem src, cl_mem dst, int64_t total, int64_t inner_src, int64_t inner_dst,
                      int64_t offset, int act, float lo, float hi, char *error, size_t error_size) {
    size_t global = SZ(total);
    if (total == 0) return TL_STATUS_OK;
    return tl_gpu_add(p, "copy_slab", 1, &global, NULL, error, error_size, "mmiiiiiff", src, dst, (int)inner_src,
                      (int)inner_dst, (int)offset, (int)total, act, (double)lo, (double)hi);
}

static tl_status build_concat(tl_gpu_part *p, tl_interpreter *it, const tl_node *node, cl_mem y, float lo, float hi,
                              char *error, size_t error_size) {
    const tl_tensor *out = tl_node_output(it, node, 0);
    int32_t axis = 0, k;
    int64_t offset = 0, inner_dst;
    tl_fb_i32(&it->fb, node->options, 0, 0, &axis);
    if (axis < 0) axis += out->ndim;
    inner_dst = product(out, axis, out->ndim);
    for (k = 0; k < tl_node_num_inputs(node); k++) {
        const tl_tensor *in = tl_node_input(it, node, k);
        cl_mem x = tl_gpu_tensor(p, it, index_of(it, node, k, 0), error, error_size);
        tl_status st;
        if (x == NULL) return TL_STATUS_INVOKE_FAILED;
        st = copy(p, x, y, tl_tensor_numel(in), product(in, axis, in->ndim), inner_dst, offset, 1, lo, hi, error,
                  error_size);
        if (st != TL_STATUS_OK) return st;
        offset += product(in, axis, in->ndim);
    }
    return TL_STATUS_OK;
}

static tl_status build_pad(tl_gpu_part *p, tl_interpreter *it, const tl_node *node, cl_mem x, cl_mem y, char *error,
                           size_t error_size) {
    const tl_tensor *in = tl_node_input(it, node, 0), *pads = tl_node_input(it, node, 1), *out = tl_node_output(it, node, 0);
    const tl_tensor *v = node->builtin == OP_PADV2 ? tl_node_input(it, node, 2) : NULL;
    int32_t n[4], o[4], b[4], i, shift = 4 - in->ndim;
    float value = 0.0f;
    size_t total = (size_t)tl_tensor_numel(out);
    if (v) memcpy(&value, v->data, 4);
    for (i = 0; i < 4; i++) {
        int32_t d = i - shift;
        n[i] = d >= 0 ? in->dims[d] : 1;
        o[i] = d >= 0 ? out->dims[d] : 1;
        b[i] = 0;
        if (d >= 0) memcpy(&b[i], (const uint8_t *)pads->data + 8 * d, 4);
    }
    return tl_gpu_add(p, "pad", 1, &total, NULL, error, error_size, "mmiiiiiiiiiiifi", x, y, n[0], n[1], n[2], n[3], o[1],
                      o[2], o[3], b[0], b[1], b[2], b[3], (double)value, (int)total);
}

static tl_status build_resize(tl_gpu_part *p, tl_interpreter *it, const tl_node *node, cl_mem x, cl_mem y, char *error,
                              size_t error_size) {
    const tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    int bilinear = node->builtin == OP_RESIZE_BILINEAR;
    uint8_t align = 0, half = 0;
    int32_t h = in->dims[1], w = in->dims[2], oh = out->dims[1], ow = out->dims[2];
    float sh, sw;
    size_t total = (size_t)tl_tensor_numel(out);
    tl_fb_u8(&it->fb, node->options, bilinear ? 2 : 0, 0, &align);
    tl_fb_u8(&it->fb, node->options, bilinear ? 3 : 1, 0, &half);
    sh = (align && oh > 1) ? (float)(h - 1) / (float)(oh - 1) : (float)h / (float)oh;
    sw = (align && ow > 1) ? (float)(w - 1) / (float)(ow - 1) : (float)w / (float)ow;
    return tl_gpu_add(p, "resize", 1, &total, NULL, error, error_size, "mmiiiiiffiiii", x, y, h, w, in->dims[3], oh, ow,
                      (double)sh, (double)sw, bilinear, (int)align, (int)half, (int)total);
}

tl_status tl_gpu_build(tl_gpu_part *p, tl_interpreter *it, const tl_node *node, char *error, size_t error_size) {
    const tl_tensor *in = tl_node_input(it, node, 0), *out = tl_node_output(it, node, 0);
    int32_t op = node->builtin;
    float lo = -FLT_MAX, hi = FLT_MAX;
    size_t total = (size_t)tl_tensor_numel(out);
    cl_mem x = tl_gpu_tensor(p, it, index_of(it, node, 0, 0), error, error_size);
    cl_mem y = x ? tl_gpu_tensor(p, it, index_of(it, node, 0, 1), error, error_size) : NULL;
    if (y == NULL) return TL_STATUS_INVOKE_FAILED;
    activation(it, node, activation_field(op), &lo, &hi);
    switch (op) {
    case OP_CONV_2D: return build_conv(p, it, node, x, y, lo, hi, error, error_size);
    case OP_DEPTHWISE_CONV_2D: return build_depthwise(p, it, node, x, y, lo, hi, error, error_size);
    case OP_FULLY_CONNECTED: return build_fc(p, it, node, x, y, lo, hi, error, error_size);
    case OP_ADD: return build_binary(p, it, node, 0, y, lo, hi, error, error_size);
    case OP_SUB: return build_binary(p, it, node, 1, y, lo, hi, error, error_size);
    case OP_MUL: return build_binary(p, it, node, 2, y, lo, hi, error, error_size);
    case OP_PRELU: return build_binary(p, it, node, 3, y, lo, hi, error, error_size);
    case OP_AVERAGE_POOL_2D: case OP_MAX_POOL_2D: return build_pool(p, it, node, x, y, lo, hi, error, error_size);
    case OP_RELU: case OP_RELU6: case OP_RELU_N1_TO_1: case OP_LOGISTIC: case OP_TANH: case OP_HARD_SWISH: {
        int code = op == OP_RELU ? 0 : op == OP_RELU6 ? 1 : op == OP_RELU_N1_TO_1 ? 2 : op == OP_LOGISTIC ? 3
                 : op == OP_TANH ? 4 : 5;
        return tl_gpu_add(p, "unary", 1, &total, NULL, error, error_size, "mmii", x, y, code, (int)total);
    }
    case OP_MEAN: {
        int32_t first = 0, last = 0;
        mean_block(in, tl_node_input(it, node, 1), &first, &last);
        return tl_gpu_add(p, "mean", 1, &total, NULL, error, error_size, "mmiii", x, y, (int)product(in, first, last),
                          (int)product(in, last, in->ndim), (int)total);
    }
    case OP_SOFTMAX: {
        float beta = 1.0f;
        int32_t depth = in->dims[in->ndim - 1];
        size_t rows = depth ? total / SZ(depth) : 0;
        tl_fb_f32(&it->fb, node->options, 0, 1.0f, &beta);
        return tl_gpu_add(p, "softmax", 1, &rows, NULL, error, error_size, "mmifi", x, y, depth, (double)beta, (int)rows);
    }
    case OP_CONCATENATION: return build_concat(p, it, node, y, lo, hi, error, error_size);
    case OP_RESHAPE: case OP_SQUEEZE:
        return copy(p, x, y, (int64_t)total, (int64_t)total, (int64_t)total, 0, 0, 0.0f, 0.0f, error, error_size);
    case OP_PAD: case OP_PADV2: return build_pad(p, it, node, x, y, error, error_size);
    case OP_RESIZE_BILINEAR: case OP_RESIZE_NEAREST: return build_resize(p, it, node, x, y, error, error_size);
    default: snprintf(error, error_size, "no GPU kernel for builtin %ld", (long)op); return TL_STATUS_OP_UNSUPPORTED;
    }
}
