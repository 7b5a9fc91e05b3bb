/* Custom operators the application registers (as TFLite Micro's AddCustom): on a resolver
 * (tl_resolver_add_custom, the caller's array) or on an interpreter before allocation
 * (tl_interpreter_add_custom); both become records in the arena's tail (a resolver's are copied at
 * init), names copied. A CUSTOM node whose custom_code matches a registration runs it, else this
 * build's own custom kernel (custom_ops.def) of that code. The application's prepare and eval see
 * the node through the tl_custom_* accessors only; the node's op data holds the registration and
 * the application's own data (tl_custom_alloc_persistent). */
#include <stdio.h>
#include <string.h>

#include "kernel_api.h"

#define BUILTIN_CUSTOM 32

typedef struct custom_link {
    tl_custom_op op;
    struct custom_link *next;
} custom_link;

typedef struct {
    const tl_custom_op *op;
    void *data;
} custom_node;

static int valid(const char *name, tl_custom_prepare_fn prepare, tl_custom_eval_fn eval) {
    (void)prepare;
    return name != NULL && name[0] != 0 && eval != NULL;
}

tl_status tl_resolver_add_custom(tl_op_resolver *r, const char *name, tl_custom_prepare_fn prepare,
                                 tl_custom_eval_fn eval, void *user) {
    int32_t i;
    if (r == NULL || !valid(name, prepare, eval) || r->customs == NULL) return TL_STATUS_BAD_ARGUMENT;
    for (i = 0; i < r->custom_count; i++)
        if (strcmp(r->customs[i].name, name) == 0) return TL_STATUS_BAD_ARGUMENT;
    if (r->custom_count >= r->custom_capacity) return TL_STATUS_ARENA_TOO_SMALL;
    r->customs[r->custom_count].name = name;
    r->customs[r->custom_count].prepare = prepare;
    r->customs[r->custom_count].eval = eval;
    r->customs[r->custom_count].user = user;
    r->custom_count++;
    return TL_STATUS_OK;
}

/* One registration, name copied, at the head of the interpreter's list. */
static tl_status add(tl_interpreter *it, const char *name, tl_custom_prepare_fn prepare, tl_custom_eval_fn eval,
                     void *user) {
    custom_link *link;
    char *copy;
    size_t n;
    if (!valid(name, prepare, eval)) return tl_fail(it, NULL, TL_STATUS_BAD_ARGUMENT, "custom op: needs a name and an eval");
    for (link = it->custom_ops; link; link = link->next)
        if (strcmp(link->op.name, name) == 0) return tl_fail(it, NULL, TL_STATUS_BAD_ARGUMENT, "custom op: name added twice");
    n = strlen(name) + 1;
    link = tl_alloc_persistent(it, sizeof *link);
    copy = link ? tl_alloc_persistent(it, n) : NULL;
    if (copy == NULL) return tl_fail(it, NULL, TL_STATUS_ARENA_TOO_SMALL, "custom op registration");
    memcpy(copy, name, n);
    link->op.name = copy;
    link->op.prepare = prepare;
    link->op.eval = eval;
    link->op.user = user;
    link->next = it->custom_ops;
    it->custom_ops = link;
    return TL_STATUS_OK;
}

tl_status tl_interpreter_add_custom(tl_interpreter *it, const char *name, tl_custom_prepare_fn prepare,
                                    tl_custom_eval_fn eval, void *user) {
    if (it == NULL || it->broken) return TL_STATUS_BAD_ARGUMENT;
    if (it->tail_mark) return tl_fail(it, NULL, TL_STATUS_BAD_ARGUMENT, "custom ops must be added before allocate_tensors");
    return add(it, name, prepare, eval, user);
}

tl_status tl_custom_add_resolver_ops(tl_interpreter *it, const tl_op_resolver *resolver) {
    int32_t i;
    for (i = 0; resolver->customs && i < resolver->custom_count; i++) {
        const tl_custom_op *op = &resolver->customs[i];
        tl_status st = add(it, op->name, op->prepare, op->eval, op->user);
        if (st != TL_STATUS_OK) return st;
    }
    return TL_STATUS_OK;
}

const tl_custom_op *tl_find_registered_custom(const tl_interpreter *it, const char *code) {
    const custom_link *link;
    if (code == NULL) return NULL;
    for (link = it->custom_ops; link; link = link->next)
        if (strcmp(link->op.name, code) == 0) return &link->op;
    return NULL;
}

static tl_status registered_eval(tl_interpreter *it, tl_node *node) {
    const custom_node *c = node->op_data;
    return c->op->eval(it, node);
}

tl_status tl_registered_custom_prepare(tl_interpreter *it, tl_node *node) {
    const tl_custom_op *op = tl_find_registered_custom(it, tl_node_custom_name(it, node));
    custom_node *c = tl_alloc_persistent(it, sizeof *c);
    tl_status st;
    if (op == NULL) return tl_fail(it, node, TL_STATUS_OP_UNSUPPORTED, "no kernel for this custom operator");
    if (c == NULL) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    c->op = op;
    node->op_data = c;
    if (op->prepare) {
        st = op->prepare(it, node);
        if (st != TL_STATUS_OK) return it->error[0] ? st : tl_fail(it, node, st, "the custom op's prepare failed");
    }
    node->eval = registered_eval;
    return TL_STATUS_OK;
}

/* ---- what a custom op's prepare and eval see ---------------------------------------------------- */

int32_t tl_custom_input_count(const tl_node *node) { return node ? tl_node_num_inputs(node) : 0; }
int32_t tl_custom_output_count(const tl_node *node) { return node ? tl_node_num_outputs(node) : 0; }

tl_tensor *tl_custom_input(tl_interpreter *it, const tl_node *node, int32_t i) {
    return it && node ? tl_node_input(it, node, i) : NULL;
}

tl_tensor *tl_custom_output(tl_interpreter *it, const tl_node *node, int32_t i) {
    return it && node ? tl_node_output(it, node, i) : NULL;
}

const uint8_t *tl_custom_options(const tl_interpreter *it, const tl_node *node, size_t *size) {
    tl_fb_vec v = {0, 0};
    if (it != NULL && node != NULL) v = tl_node_custom_options(it, node);
    if (size) *size = v.len;
    return v.len ? it->fb.buf + v.pos : NULL;
}

void *tl_custom_user(const tl_node *node) {
    const custom_node *c = node ? node->op_data : NULL;
    return c ? c->op->user : NULL;
}

void *tl_custom_alloc_persistent(tl_interpreter *it, tl_node *node, size_t bytes) {
    custom_node *c = node ? node->op_data : NULL;
    if (it == NULL || c == NULL || it->allocated) return NULL;
    c->data = tl_alloc_persistent_aligned(it, bytes ? bytes : 1, 16); /* 16-aligned, as tensorlite.h promises */
    return c->data;
}

void *tl_custom_data(const tl_node *node) {
    const custom_node *c = node ? node->op_data : NULL;
    return c ? c->data : NULL;
}

tl_status tl_custom_set_output_shape(tl_interpreter *it, tl_node *node, int32_t k, const int32_t *dims, int32_t ndim) {
    tl_tensor *t = tl_custom_output(it, node, k);
    if (t == NULL || it->allocated || (ndim > 0 && dims == NULL))
        return tl_fail(it, node, TL_STATUS_BAD_ARGUMENT, "set_output_shape: no such output, or called after prepare");
    if (tl_tensor_set_dims(it, t, dims, ndim) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "set_output_shape: negative dimension, rank above 6 or too large");
    return TL_STATUS_OK;
}

tl_status tl_custom_fail(tl_interpreter *it, const tl_node *node, tl_status status, const char *detail) {
    return tl_fail(it, node, status == TL_STATUS_OK ? TL_STATUS_INVOKE_FAILED : status, detail);
}

static tl_status options_map(tl_interpreter *it, const tl_node *node, tl_flex_map *m) {
    if (it == NULL || node == NULL) return TL_STATUS_BAD_ARGUMENT;
    return tl_node_flex_options(it, node, m);
}

static tl_status option_error(tl_interpreter *it, const tl_node *node, const char *key) {
    char msg[96];
    snprintf(msg, sizeof msg, "custom option '%.40s' is missing or not of the asked type", key ? key : "");
    return tl_fail(it, node, TL_STATUS_MODEL_INVALID, msg);
}

tl_status tl_custom_option_i32(tl_interpreter *it, const tl_node *node, const char *key, int32_t *out) {
    tl_flex_map m;
    tl_status st = options_map(it, node, &m);
    if (st != TL_STATUS_OK) return st;
    return tl_flex_map_i32(&m, key, out) == TL_STATUS_OK ? TL_STATUS_OK : option_error(it, node, key);
}

tl_status tl_custom_option_f32(tl_interpreter *it, const tl_node *node, const char *key, float *out) {
    tl_flex_map m;
    tl_status st = options_map(it, node, &m);
    if (st != TL_STATUS_OK) return st;
    return tl_flex_map_f32(&m, key, out) == TL_STATUS_OK ? TL_STATUS_OK : option_error(it, node, key);
}

tl_status tl_custom_option_i32_vec(tl_interpreter *it, const tl_node *node, const char *key, int32_t *out,
                                   uint32_t max, uint32_t *count) {
    tl_flex_map m;
    tl_status st = options_map(it, node, &m);
    if (st != TL_STATUS_OK) return st;
    return tl_flex_map_i32_vec(&m, key, out, max, count) == TL_STATUS_OK ? TL_STATUS_OK : option_error(it, node, key);
}

int tl_custom_option_has(tl_interpreter *it, const tl_node *node, const char *key) {
    tl_flex_map m;
    tl_fb_vec v;
    if (it == NULL || node == NULL || (v = tl_node_custom_options(it, node)).len == 0) return 0;
    if (tl_flex_map_root(it->fb.buf + v.pos, v.len, &m) != TL_STATUS_OK) return 0;
    return tl_flex_map_has(&m, key);
}
