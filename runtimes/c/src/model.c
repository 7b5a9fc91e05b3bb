/* Reading a TFLite model in place: tl_model_init checks the header; tl_model_read_graph fills
 * the tensor and node tables (arena tail) of every subgraph and finds the signatures and the
 * offline memory plan. Every read goes through fb_reader's checked
 * accessors; every index found in the model is range-checked here before anything uses it. */
#include <string.h>

#include "kernel_api.h"
#include "sparse.h"
#include "string_tensor.h"

/* TFLite schema field ids (schema.fbs). */
enum { MODEL_VERSION = 0, MODEL_OPCODES = 1, MODEL_SUBGRAPHS = 2, MODEL_BUFFERS = 4, MODEL_METADATA = 6,
       MODEL_SIGNATURES = 7 };
enum { OPCODE_DEPRECATED = 0, OPCODE_CUSTOM = 1, OPCODE_VERSION = 2, OPCODE_BUILTIN = 3 };
enum { SG_TENSORS = 0, SG_INPUTS = 1, SG_OUTPUTS = 2, SG_OPERATORS = 3 };
enum { T_SHAPE = 0, T_TYPE = 1, T_BUFFER = 2, T_NAME = 3, T_QUANT = 4, T_IS_VARIABLE = 5, T_SPARSITY = 6,
       T_SHAPE_SIGNATURE = 7 };
enum { Q_SCALE = 2, Q_ZERO_POINT = 3, Q_DIM = 6 };
enum { OP_OPCODE = 0, OP_INPUTS = 1, OP_OUTPUTS = 2, OP_OPTIONS_TYPE = 3, OP_OPTIONS = 4, OP_CUSTOM_OPTIONS = 5,
       OP_INTERMEDIATES = 8, OP_OPTIONS_2 = 12 };
enum { BUF_DATA = 0, BUF_OFFSET = 1 };
enum { META_NAME = 0, META_BUFFER = 1 };
enum { SIG_INPUTS = 0, SIG_OUTPUTS = 1, SIG_KEY = 2, SIG_SUBGRAPH = 4 };
enum { MAP_NAME = 0, MAP_TENSOR = 1 };
#define BUILTIN_CUSTOM 32
#define OFFLINE_PLAN_NAME "OfflineMemoryAllocation"

#define TRY(expr)                                  \
    do {                                           \
        tl_status st_ = (expr);                    \
        if (st_ != TL_STATUS_OK) return st_;       \
    } while (0)

tl_status tl_model_init(tl_model *model, const uint8_t *data, size_t size) {
    tl_fb fb;
    tl_fb_table root;
    tl_fb_vec subgraphs, signatures;
    if (model == NULL) return TL_STATUS_BAD_ARGUMENT;
    memset(model, 0, sizeof *model);
    if (data == NULL) return TL_STATUS_BAD_ARGUMENT;
    fb.buf = data;
    fb.size = size;
    TRY(tl_fb_root(&fb, &root));
    TRY(tl_fb_u32(&fb, root, MODEL_VERSION, 0, &model->version));
    if (model->version != 3) return TL_STATUS_MODEL_INVALID;
    TRY(tl_fb_vec_field(&fb, root, MODEL_SUBGRAPHS, 4, &subgraphs));
    TRY(tl_fb_vec_field(&fb, root, MODEL_SIGNATURES, 4, &signatures));
    if (subgraphs.len == 0) return TL_STATUS_MODEL_INVALID;
    model->data = data;
    model->size = size;
    model->subgraph_count = subgraphs.len;
    model->signature_count = signatures.len;
    return TL_STATUS_OK;
}

static tl_status read_quantization(tl_interpreter *it, tl_fb_table tt, tl_tensor *t) {
    const tl_fb *fb = &it->fb;
    tl_fb_table q;
    tl_fb_vec scales, zps;
    int32_t dim;
    TRY(tl_fb_table_field(fb, tt, T_QUANT, &q));
    if (!q.pos) return TL_STATUS_OK;
    TRY(tl_fb_vec_field(fb, q, Q_SCALE, 4, &scales));
    TRY(tl_fb_vec_field(fb, q, Q_ZERO_POINT, 8, &zps));
    TRY(tl_fb_i32(fb, q, Q_DIM, 0, &dim));
    t->quant_dim = (int8_t)(dim >= 0 && dim < 127 ? dim : -1);
    if (!scales.len) return TL_STATUS_OK;
    if (zps.len && zps.len != scales.len)
        return tl_fail(it, NULL, TL_STATUS_MODEL_INVALID, "zero_point and scale counts differ");
    /* quantized_dimension is not checked against the shape here: converters copy the filter's
     * dimension onto 1-D biases; kernels using per-channel scales check what they need. */
    t->quantized = 1; /* the scales themselves are read again when needed: tl_tensor_quantization */
    t->scale = tl_fb_vec_f32(fb, scales, 0);
    t->zero_point = zps.len ? (int32_t)tl_fb_vec_i64(fb, zps, 0) : 0;
    return TL_STATUS_OK;
}

/* Why a constant of a type without an element size here is refused, naming the schema's type. */
static const char *unsized_type(int8_t type) {
    switch (type) {
    case 11: return "constant tensor of type COMPLEX128, which this runtime does not support";
    case 13: return "constant tensor of type RESOURCE, which this runtime does not support";
    case 14: return "constant tensor of type VARIANT, which this runtime does not support";
    case 17: return "constant tensor of type INT4 (packed), which this runtime does not support";
    case 18: return "constant tensor of type BFLOAT16, which this runtime does not support";
    default: return "constant tensor of a type this runtime does not know";
    }
}

static tl_status read_tensor(tl_interpreter *it, tl_fb_table tt, tl_fb_vec buffers, tl_tensor *t) {
    const tl_fb *fb = &it->fb;
    tl_fb_vec shape, signature, data;
    tl_fb_table buf, sparsity;
    uint32_t i, bidx;
    int32_t dims[TL_MAX_DIMS];
    int8_t type;
    uint8_t var;
    uint64_t n = 1, bytes;
    TRY(tl_fb_vec_field(fb, tt, T_SHAPE, 4, &shape));
    TRY(tl_fb_vec_field(fb, tt, T_SHAPE_SIGNATURE, 4, &signature));
    if (shape.len > TL_MAX_DIMS) return tl_fail(it, NULL, TL_STATUS_MODEL_UNSUPPORTED, "tensor rank above 6");
    if (signature.len && signature.len != shape.len)
        return tl_fail(it, NULL, TL_STATUS_MODEL_INVALID, "shape_signature and shape differ in rank");
    for (i = 0; i < shape.len; i++) {
        int32_t d = tl_fb_vec_i32(fb, shape, i);
        if (d < 0) return tl_fail(it, NULL, TL_STATUS_MODEL_UNSUPPORTED, "dynamic (-1) dimension in a tensor shape");
        dims[i] = d;
        n *= (uint64_t)d;
        if (n > 0x7fffffffu) return tl_fail(it, NULL, TL_STATUS_MODEL_INVALID, "tensor too large");
    }
    TRY(tl_fb_i8(fb, tt, T_TYPE, 0, &type));
    t->type = (tl_type)type;
    {
        const char *name; /* checked here, read again by tl_tensor_name */
        TRY(tl_fb_string_field(fb, tt, T_NAME, &name));
    }
    TRY(tl_fb_u8(fb, tt, T_IS_VARIABLE, 0, &var));
    t->is_variable = var != 0;
    bytes = t->type == TL_TYPE_STRING ? tl_string_default_bytes((int64_t)n) : n * tl_type_size(t->type);
    if (bytes > 0x7fffffffu) return tl_fail(it, NULL, TL_STATUS_MODEL_INVALID, "tensor too large");
    /* dims: the model's vector in place, or storage in the tail where the model is not 4-aligned there */
    if (tl_tensor_set_dims(it, t, dims, (int32_t)shape.len) != TL_STATUS_OK)
        return tl_fail(it, NULL, TL_STATUS_ARENA_TOO_SMALL, "a tensor's shape (the model is not 4-aligned)");
    TRY(read_quantization(it, tt, t));

    TRY(tl_fb_u32(fb, tt, T_BUFFER, 0, &bidx));
    TRY(tl_fb_table_field(fb, tt, T_SPARSITY, &sparsity));
    if (sparsity.pos && bidx == 0)
        return tl_fail(it, NULL, TL_STATUS_MODEL_UNSUPPORTED, "sparse tensor without a constant buffer");
    if (bidx == 0) return TL_STATUS_OK; /* buffer 0 is the empty sentinel: an activation */
    if (bidx >= buffers.len) return tl_fail(it, NULL, TL_STATUS_MODEL_INVALID, "tensor buffer index out of range");
    TRY(tl_fb_vec_table(fb, buffers, bidx, &buf));
    {
        uint32_t off_lo = 0;
        TRY(tl_fb_u32(fb, buf, BUF_OFFSET, 0, &off_lo));
        if (off_lo > 1)
            return tl_fail(it, NULL, TL_STATUS_MODEL_UNSUPPORTED, "buffers stored outside the FlatBuffer (>2 GB models)");
    }
    TRY(tl_fb_vec_field(fb, buf, BUF_DATA, 1, &data));
    if (sparsity.pos) return tl_sparse_densify(it, sparsity, data, t); /* src/sparse.c */
    if (data.len && t->type == TL_TYPE_STRING) { /* TFLite's string buffer: checked here, read as it is */
        const char *why = tl_string_check(fb->buf + data.pos, data.len, (int64_t)n);
        if (why) return tl_fail(it, NULL, TL_STATUS_MODEL_INVALID, why);
        t->bytes = data.len;
        t->data = (void *)(uintptr_t)(fb->buf + data.pos);
        t->is_constant = 1;
    } else if (data.len) {
        if (tl_type_size(t->type) == 0) return tl_fail(it, NULL, TL_STATUS_MODEL_UNSUPPORTED, unsized_type(type));
        if (data.len != t->bytes)
            return tl_fail(it, NULL, TL_STATUS_MODEL_INVALID, "constant buffer size does not match its tensor");
        t->data = (void *)(uintptr_t)(fb->buf + data.pos); /* constants are never written */
        t->is_constant = 1;
    }
    return TL_STATUS_OK;
}

static tl_status read_node(tl_interpreter *it, tl_fb_table ot, tl_fb_vec codes, tl_node *node) {
    const tl_fb *fb = &it->fb;
    const tl_subgraph *sg = tl_node_subgraph(it, node);
    tl_fb_table code;
    tl_fb_vec intermediates, custom_options;
    const char *custom_name;
    uint32_t opcode, k;
    int8_t deprecated;
    int32_t builtin, version;
    TRY(tl_fb_u32(fb, ot, OP_OPCODE, 0, &opcode));
    if (opcode >= codes.len) return tl_fail(it, NULL, TL_STATUS_MODEL_INVALID, "operator code index out of range");
    TRY(tl_fb_vec_table(fb, codes, opcode, &code));
    TRY(tl_fb_i8(fb, code, OPCODE_DEPRECATED, 0, &deprecated));
    TRY(tl_fb_i32(fb, code, OPCODE_BUILTIN, 0, &builtin));
    TRY(tl_fb_i32(fb, code, OPCODE_VERSION, 1, &version)); /* checked, not kept: no kernel needs it */
    TRY(tl_fb_string_field(fb, code, OPCODE_CUSTOM, &custom_name)); /* checked here, read by tl_node_custom_name */
    /* Codes >= 127 live only in builtin_code; old files set only the deprecated byte. */
    if (builtin > 32767) return tl_fail(it, NULL, TL_STATUS_MODEL_UNSUPPORTED, "builtin code above 32767");
    node->builtin = (int16_t)(builtin > deprecated ? builtin : deprecated);
    TRY(tl_fb_vec_field(fb, ot, OP_INPUTS, 4, &node->inputs));
    TRY(tl_fb_vec_field(fb, ot, OP_OUTPUTS, 4, &node->outputs));
    /* checked here, read from the model when asked for (tl_node_intermediates, tl_node_custom_options) */
    TRY(tl_fb_vec_field(fb, ot, OP_INTERMEDIATES, 4, &intermediates));
    TRY(tl_fb_vec_field(fb, ot, OP_CUSTOM_OPTIONS, 1, &custom_options));
    TRY(tl_fb_table_field(fb, ot, OP_OPTIONS, &node->options));
    /* The STABLEHLO_* builtins and REDUCE_WINDOW keep their options in builtin_options_2, never in builtin_options:
     * one table field serves both (each kernel knows which table its builtin has). */
    if (!node->options.pos) TRY(tl_fb_table_field(fb, ot, OP_OPTIONS_2, &node->options));
    for (k = 0; k < node->inputs.len; k++) {
        int32_t idx = tl_fb_vec_i32(fb, node->inputs, k);
        if (idx != -1 && !tl_subgraph_tensor(sg, idx))
            return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "input tensor index");
    }
    for (k = 0; k < intermediates.len; k++)
        if (!tl_subgraph_tensor(sg, tl_fb_vec_i32(fb, intermediates, k)))
            return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "intermediate tensor index");
    for (k = 0; k < node->outputs.len; k++) {
        const tl_tensor *t = tl_subgraph_tensor(sg, tl_fb_vec_i32(fb, node->outputs, k));
        if (!t) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "output tensor index");
        if (t->is_constant) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "writes into a constant tensor");
    }
    return TL_STATUS_OK;
}

/* The node's Operator table, found again from the node's place (read_node checked the path at init). */
static tl_status node_operator(const tl_interpreter *it, const tl_node *node, tl_fb_table *op) {
    const tl_fb *fb = &it->fb;
    const tl_subgraph *sg = tl_node_subgraph(it, node);
    tl_fb_table model, sgt;
    tl_fb_vec v;
    TRY(tl_fb_root(fb, &model));
    TRY(tl_fb_vec_field(fb, model, MODEL_SUBGRAPHS, 4, &v));
    TRY(tl_fb_vec_table(fb, v, node->subgraph, &sgt));
    TRY(tl_fb_vec_field(fb, sgt, SG_OPERATORS, 4, &v));
    return tl_fb_vec_table(fb, v, (uint32_t)(node - sg->nodes), op);
}

tl_fb_vec tl_node_intermediates(const tl_interpreter *it, const tl_node *node) {
    tl_fb_table op;
    tl_fb_vec v = {0, 0};
    if (node_operator(it, node, &op) == TL_STATUS_OK) (void)tl_fb_vec_field(&it->fb, op, OP_INTERMEDIATES, 4, &v);
    return v;
}

tl_fb_vec tl_node_custom_options(const tl_interpreter *it, const tl_node *node) {
    tl_fb_table op;
    tl_fb_vec v = {0, 0};
    if (node_operator(it, node, &op) == TL_STATUS_OK) (void)tl_fb_vec_field(&it->fb, op, OP_CUSTOM_OPTIONS, 1, &v);
    return v;
}

const char *tl_node_custom_name(const tl_interpreter *it, const tl_node *node) {
    const tl_fb *fb = &it->fb;
    tl_fb_table model, op, code;
    tl_fb_vec codes;
    uint32_t opcode;
    const char *name = NULL;
    if (node_operator(it, node, &op) != TL_STATUS_OK || tl_fb_root(fb, &model) != TL_STATUS_OK ||
        tl_fb_vec_field(fb, model, MODEL_OPCODES, 4, &codes) != TL_STATUS_OK ||
        tl_fb_u32(fb, op, OP_OPCODE, 0, &opcode) != TL_STATUS_OK || tl_fb_vec_table(fb, codes, opcode, &code) != TL_STATUS_OK ||
        tl_fb_string_field(fb, code, OPCODE_CUSTOM, &name) != TL_STATUS_OK)
        return NULL;
    return name;
}

/* Finds "OfflineMemoryAllocation" (TFLM's format: int32 [version, subgraph count, offset count,
 * offset per tensor of every subgraph, subgraph 0 first]; -1 = plan this tensor online). The
 * offsets must cover the tensors of every subgraph. */
static tl_status read_offline_plan(tl_interpreter *it, tl_fb_table model, tl_fb_vec buffers) {
    const tl_fb *fb = &it->fb;
    tl_fb_vec metadata, data;
    tl_fb_table meta, buf;
    uint32_t i, bidx;
    TRY(tl_fb_vec_field(fb, model, MODEL_METADATA, 4, &metadata));
    for (i = 0; i < metadata.len; i++) {
        const char *name;
        int32_t count;
        TRY(tl_fb_vec_table(fb, metadata, i, &meta));
        TRY(tl_fb_string_field(fb, meta, META_NAME, &name));
        if (name == NULL || strcmp(name, OFFLINE_PLAN_NAME) != 0) continue;
        TRY(tl_fb_u32(fb, meta, META_BUFFER, 0, &bidx));
        if (bidx >= buffers.len) return tl_fail(it, NULL, TL_STATUS_MODEL_INVALID, "offline plan buffer index");
        TRY(tl_fb_vec_table(fb, buffers, bidx, &buf));
        TRY(tl_fb_vec_field(fb, buf, BUF_DATA, 1, &data));
        if (data.len < 12 || data.len % 4) return tl_fail(it, NULL, TL_STATUS_MODEL_INVALID, "offline plan size");
        data.len /= 4;
        count = tl_fb_vec_i32(fb, data, 2);
        if (count < tl_tensors_total(it) || (uint32_t)count != data.len - 3)
            return tl_fail(it, NULL, TL_STATUS_MODEL_INVALID, "offline plan does not cover every tensor of every subgraph");
        it->offline_plan = data.pos + 12; /* after 3 int32: version, subgraph count, offset count */
        return TL_STATUS_OK;
    }
    return TL_STATUS_OK;
}

int32_t tl_tensors_total(const tl_interpreter *it) {
    const tl_subgraph *last = &it->subgraphs[it->n_subgraphs - 1];
    return last->tensor_base + last->n_tensors;
}

/* Reads subgraph sg, whose tensors follow tensor_base others in the planner's table. */
static tl_status read_subgraph(tl_interpreter *it, tl_fb_table sgt, tl_fb_vec codes, tl_fb_vec buffers,
                               tl_subgraph *sg, int32_t tensor_base) {
    const tl_fb *fb = &it->fb;
    tl_fb_table tt, ot;
    tl_fb_vec tensors, operators;
    uint32_t i;
    TRY(tl_fb_vec_field(fb, sgt, SG_TENSORS, 4, &tensors));
    TRY(tl_fb_vec_field(fb, sgt, SG_INPUTS, 4, &sg->inputs));
    TRY(tl_fb_vec_field(fb, sgt, SG_OUTPUTS, 4, &sg->outputs));
    TRY(tl_fb_vec_field(fb, sgt, SG_OPERATORS, 4, &operators));
    if (tensors.len > 1000000u || operators.len > 1000000u ||
        (int64_t)tensor_base + (int64_t)tensors.len > 1000000)
        return tl_fail(it, NULL, TL_STATUS_MODEL_INVALID, "absurd tensor or operator count");
    sg->tensor_base = tensor_base;
    sg->n_tensors = (int32_t)tensors.len;
    sg->n_nodes = (int32_t)operators.len;
    sg->tensors = tl_alloc_persistent(it, sizeof(tl_tensor) * (tensors.len ? tensors.len : 1));
    sg->nodes = tl_alloc_persistent(it, sizeof(tl_node) * (operators.len ? operators.len : 1));
    if (!sg->tensors || !sg->nodes) return tl_fail(it, NULL, TL_STATUS_ARENA_TOO_SMALL, "tensor and node tables");
    for (i = 0; i < tensors.len; i++) {
        TRY(tl_fb_vec_table(fb, tensors, i, &tt));
        TRY(read_tensor(it, tt, buffers, &sg->tensors[i]));
    }
    for (i = 0; i < sg->inputs.len; i++)
        if (!tl_subgraph_tensor(sg, tl_fb_vec_i32(fb, sg->inputs, i)))
            return tl_fail(it, NULL, TL_STATUS_MODEL_INVALID, "subgraph input index");
    for (i = 0; i < sg->outputs.len; i++)
        if (!tl_subgraph_tensor(sg, tl_fb_vec_i32(fb, sg->outputs, i)))
            return tl_fail(it, NULL, TL_STATUS_MODEL_INVALID, "subgraph output index");
    for (i = 0; i < operators.len; i++) {
        sg->nodes[i].subgraph = (uint16_t)tl_subgraph_index(it, sg); /* below 65536 (tl_model_read_graph) */
        TRY(tl_fb_vec_table(fb, operators, i, &ot));
        TRY(read_node(it, ot, codes, &sg->nodes[i]));
    }
    return TL_STATUS_OK;
}

tl_status tl_model_read_graph(tl_interpreter *it) {
    const tl_fb *fb = &it->fb;
    tl_fb_table model, sgt;
    tl_fb_vec codes, subgraphs, buffers, signature_defs;
    uint32_t s;
    TRY(tl_fb_root(fb, &model));
    TRY(tl_fb_vec_field(fb, model, MODEL_OPCODES, 4, &codes));
    TRY(tl_fb_vec_field(fb, model, MODEL_SUBGRAPHS, 4, &subgraphs));
    TRY(tl_fb_vec_field(fb, model, MODEL_BUFFERS, 4, &buffers));
    TRY(tl_fb_vec_field(fb, model, MODEL_SIGNATURES, 4, &signature_defs)); /* checked here, found again when asked */
    if (subgraphs.len == 0 || subgraphs.len > 65536u)
        return tl_fail(it, NULL, TL_STATUS_MODEL_INVALID, "subgraph count is 0 or absurd");
    it->subgraphs = tl_alloc_persistent(it, sizeof(tl_subgraph) * subgraphs.len);
    if (!it->subgraphs) return tl_fail(it, NULL, TL_STATUS_ARENA_TOO_SMALL, "subgraph table");
    it->n_subgraphs = (int32_t)subgraphs.len;
    for (s = 0; s < subgraphs.len; s++) {
        tl_subgraph *sg = &it->subgraphs[s];
        TRY(tl_fb_vec_table(fb, subgraphs, s, &sgt));
        TRY(read_subgraph(it, sgt, codes, buffers, sg, s ? sg[-1].tensor_base + sg[-1].n_tensors : 0));
    }
    return read_offline_plan(it, model, buffers);
}

/* ---- signatures: read on demand, every index checked ----------------------------------------- */

/* Model.signature_defs (tables; len 0: none); read at init, so found again here. */
static tl_fb_vec signatures(const tl_interpreter *it) {
    tl_fb_table model;
    tl_fb_vec v = {0, 0};
    if (it != NULL && !it->broken && tl_fb_root(&it->fb, &model) == TL_STATUS_OK)
        (void)tl_fb_vec_field(&it->fb, model, MODEL_SIGNATURES, 4, &v);
    return v;
}

static int signature_table(const tl_interpreter *it, int32_t s, tl_fb_table *out) {
    tl_fb_vec v = signatures(it);
    if (s < 0 || (uint32_t)s >= v.len) return 0;
    return tl_fb_vec_table(&it->fb, v, (uint32_t)s, out) == TL_STATUS_OK;
}

static int signature_map(const tl_interpreter *it, int32_t s, int fid, int32_t k, tl_fb_table *map) {
    tl_fb_table sig;
    tl_fb_vec v;
    if (!signature_table(it, s, &sig) || tl_fb_vec_field(&it->fb, sig, fid, 4, &v) != TL_STATUS_OK) return 0;
    if (k < 0 || (uint32_t)k >= v.len) return 0;
    return tl_fb_vec_table(&it->fb, v, (uint32_t)k, map) == TL_STATUS_OK;
}

static int32_t signature_io_count(const tl_interpreter *it, int32_t s, int fid) {
    tl_fb_table sig;
    tl_fb_vec v;
    if (!signature_table(it, s, &sig) || tl_fb_vec_field(&it->fb, sig, fid, 4, &v) != TL_STATUS_OK) return -1;
    return (int32_t)v.len;
}

static const char *signature_io_name(const tl_interpreter *it, int32_t s, int fid, int32_t k) {
    tl_fb_table map;
    const char *name = NULL;
    if (!signature_map(it, s, fid, k, &map) || tl_fb_string_field(&it->fb, map, MAP_NAME, &name) != TL_STATUS_OK)
        return NULL;
    return name;
}

/* Index of the signature's k-th input/output tensor in the signature's own subgraph. */
static int32_t signature_io_tensor(const tl_interpreter *it, int32_t s, int fid, int32_t k) {
    tl_fb_table map;
    uint32_t index;
    int32_t sg = tl_interpreter_get_signature_subgraph(it, s);
    if (sg < 0) return -1;
    if (!signature_map(it, s, fid, k, &map) || tl_fb_u32(&it->fb, map, MAP_TENSOR, 0, &index) != TL_STATUS_OK)
        return -1;
    return index < (uint32_t)it->subgraphs[sg].n_tensors ? (int32_t)index : -1;
}

int32_t tl_interpreter_get_signature_count(const tl_interpreter *it) {
    return (int32_t)signatures(it).len;
}

const char *tl_interpreter_get_signature_key(const tl_interpreter *it, int32_t s) {
    tl_fb_table sig;
    const char *key = NULL;
    if (!signature_table(it, s, &sig) || tl_fb_string_field(&it->fb, sig, SIG_KEY, &key) != TL_STATUS_OK) return NULL;
    return key;
}

int32_t tl_interpreter_get_signature_subgraph(const tl_interpreter *it, int32_t s) {
    tl_fb_table sig;
    uint32_t sg;
    if (!signature_table(it, s, &sig) || tl_fb_u32(&it->fb, sig, SIG_SUBGRAPH, 0, &sg) != TL_STATUS_OK) return -1;
    return sg < (uint32_t)it->n_subgraphs ? (int32_t)sg : -1;
}

int32_t tl_interpreter_get_signature_input_count(const tl_interpreter *it, int32_t s) {
    return signature_io_count(it, s, SIG_INPUTS);
}
int32_t tl_interpreter_get_signature_output_count(const tl_interpreter *it, int32_t s) {
    return signature_io_count(it, s, SIG_OUTPUTS);
}
const char *tl_interpreter_get_signature_input_name(const tl_interpreter *it, int32_t s, int32_t k) {
    return signature_io_name(it, s, SIG_INPUTS, k);
}
const char *tl_interpreter_get_signature_output_name(const tl_interpreter *it, int32_t s, int32_t k) {
    return signature_io_name(it, s, SIG_OUTPUTS, k);
}
int32_t tl_interpreter_get_signature_input_tensor_index(const tl_interpreter *it, int32_t s, int32_t k) {
    return signature_io_tensor(it, s, SIG_INPUTS, k);
}
int32_t tl_interpreter_get_signature_output_tensor_index(const tl_interpreter *it, int32_t s, int32_t k) {
    return signature_io_tensor(it, s, SIG_OUTPUTS, k);
}

static tl_tensor *by_name(tl_interpreter *it, const char *key, const char *name, int fid) {
    int32_t s, k, n = tl_interpreter_get_signature_count(it);
    if (name == NULL) return NULL;
    for (s = 0; s < n; s++) {
        const char *sk = tl_interpreter_get_signature_key(it, s);
        if (key != NULL && (sk == NULL || strcmp(sk, key) != 0)) continue;
        for (k = 0; k < signature_io_count(it, s, fid); k++) {
            const char *nm = signature_io_name(it, s, fid, k);
            if (nm != NULL && strcmp(nm, name) == 0)
                return tl_subgraph_tensor(&it->subgraphs[tl_interpreter_get_signature_subgraph(it, s)],
                                          signature_io_tensor(it, s, fid, k));
        }
        return NULL; /* only the first (or the named) signature is searched */
    }
    return NULL;
}

tl_tensor *tl_interpreter_get_input_by_name(tl_interpreter *it, const char *key, const char *name) {
    return by_name(it, key, name, SIG_INPUTS);
}

tl_tensor *tl_interpreter_get_output_by_name(tl_interpreter *it, const char *key, const char *name) {
    return by_name(it, key, name, SIG_OUTPUTS);
}

/* The model's table for tensor `index` of `subgraph`. The tables were read and checked at init, so
 * these reads succeed for a tensor the interpreter has. */
static int model_tensor_table(const tl_interpreter *it, int32_t subgraph, int32_t index, tl_fb_table *tt) {
    const tl_fb *fb;
    tl_fb_table model, sgt;
    tl_fb_vec subgraphs, tensors;
    if (it == NULL || it->broken || subgraph < 0 || subgraph >= it->n_subgraphs) return 0;
    if (tl_subgraph_tensor(&it->subgraphs[subgraph], index) == NULL) return 0;
    fb = &it->fb;
    return tl_fb_root(fb, &model) == TL_STATUS_OK &&
           tl_fb_vec_field(fb, model, MODEL_SUBGRAPHS, 4, &subgraphs) == TL_STATUS_OK &&
           tl_fb_vec_table(fb, subgraphs, (uint32_t)subgraph, &sgt) == TL_STATUS_OK &&
           tl_fb_vec_field(fb, sgt, SG_TENSORS, 4, &tensors) == TL_STATUS_OK &&
           tl_fb_vec_table(fb, tensors, (uint32_t)index, tt) == TL_STATUS_OK;
}

/* The subgraph and index of a tensor record (each subgraph has its own table); 0 when `t` is none. */
static int tensor_place(const tl_interpreter *it, const tl_tensor *t, int32_t *subgraph, int32_t *index) {
    int32_t s;
    if (it == NULL || it->broken || t == NULL) return 0;
    for (s = 0; s < it->n_subgraphs; s++) {
        const tl_subgraph *sg = &it->subgraphs[s];
        uintptr_t p = (uintptr_t)t, lo = (uintptr_t)sg->tensors;
        if (p >= lo && p < lo + (uintptr_t)sg->n_tensors * sizeof(tl_tensor)) {
            *subgraph = s;
            *index = (int32_t)((p - lo) / sizeof(tl_tensor));
            return 1;
        }
    }
    return 0;
}

const int32_t *tl_model_dims_in_place(const tl_interpreter *it, const tl_tensor *t, int32_t *rank) {
    const uint16_t one = 1;
    tl_fb_table tt;
    tl_fb_vec shape;
    int32_t s, i;
    const uint8_t *p;
    if (*(const uint8_t *)&one != 1) return NULL; /* a big-endian host reads the model's int32 through tl_fb */
    if (!tensor_place(it, t, &s, &i) || !model_tensor_table(it, s, i, &tt) ||
        tl_fb_vec_field(&it->fb, tt, T_SHAPE, 4, &shape) != TL_STATUS_OK)
        return NULL;
    p = it->fb.buf + shape.pos;
    if ((uintptr_t)p % sizeof(int32_t) != 0) return NULL;
    *rank = (int32_t)shape.len;
    return (const int32_t *)(const void *)p;
}

const char *tl_tensor_name(const tl_interpreter *it, const tl_tensor *t) {
    tl_fb_table tt;
    int32_t s, i;
    const char *name = NULL;
    if (!tensor_place(it, t, &s, &i) || !model_tensor_table(it, s, i, &tt) ||
        tl_fb_string_field(&it->fb, tt, T_NAME, &name) != TL_STATUS_OK)
        return NULL;
    return name;
}

tl_quantization tl_tensor_quantization(const tl_interpreter *it, const tl_tensor *t) {
    tl_quantization q = {NULL, NULL, 0};
    tl_fb_table tt, qt;
    tl_fb_vec scales, zps;
    int32_t s, i;
    if (!tensor_place(it, t, &s, &i) || !t->quantized || !model_tensor_table(it, s, i, &tt) ||
        tl_fb_table_field(&it->fb, tt, T_QUANT, &qt) != TL_STATUS_OK || !qt.pos ||
        tl_fb_vec_field(&it->fb, qt, Q_SCALE, 4, &scales) != TL_STATUS_OK ||
        tl_fb_vec_field(&it->fb, qt, Q_ZERO_POINT, 8, &zps) != TL_STATUS_OK)
        return q;
    q.scales = it->fb.buf + scales.pos;
    q.zero_points = zps.len ? it->fb.buf + zps.pos : NULL;
    q.count = (int32_t)scales.len;
    return q;
}

/* Shapes are not kept beyond the tensor table's current one (most models have no signature, and
 * a resize changes the table's): read them again here. */
int32_t tl_model_tensor_shape(const tl_interpreter *it, int32_t subgraph, int32_t index, int signature,
                              int32_t *dims) {
    const tl_fb *fb = it ? &it->fb : NULL;
    tl_fb_table tt;
    tl_fb_vec shape, sig;
    uint32_t i;
    if (dims == NULL || !model_tensor_table(it, subgraph, index, &tt) ||
        tl_fb_vec_field(fb, tt, T_SHAPE, 4, &shape) != TL_STATUS_OK ||
        tl_fb_vec_field(fb, tt, T_SHAPE_SIGNATURE, 4, &sig) != TL_STATUS_OK || shape.len > TL_MAX_DIMS)
        return -1;
    if (!signature || sig.len != shape.len) sig = shape;
    for (i = 0; i < shape.len; i++) dims[i] = tl_fb_vec_i32(fb, sig, i);
    return (int32_t)shape.len;
}

int32_t tl_interpreter_get_subgraph_tensor_signature(const tl_interpreter *it, int32_t subgraph, int32_t index,
                                                     int32_t *dims) {
    return tl_model_tensor_shape(it, subgraph, index, 1, dims);
}
