#include "elementwise.h"

/* An operand's kind against the output it broadcasts to (prepare has checked that it does), -1
 * for any other broadcast; a row's length in *row. */
static int32_t kind_of(const tl_tensor *t, const tl_tensor *out, int64_t *row) {
    int64_t n = tl_tensor_numel(t);
    int32_t i, lead = 0, k;
    if (n == tl_tensor_numel(out)) return TL_EW_FULL; /* broadcasting to it, equal dims: the same layout */
    if (n == 1) return TL_EW_SCALAR;
    while (lead < t->ndim && t->dims[lead] == 1) lead++;
    k = t->ndim - lead;
    if (k > out->ndim) return -1;
    for (i = 0; i < k; i++)
        if (t->dims[lead + i] != out->dims[out->ndim - k + i]) return -1;
    *row = n;
    return TL_EW_ROW;
}

int tl_ew_shape_init(tl_ew_shape *s, const tl_tensor *a, const tl_tensor *b, const tl_tensor *out) {
    int64_t row_a = 0, row_b = 0;
    s->n = tl_tensor_numel(out);
    s->a_kind = kind_of(a, out, &row_a);
    s->b_kind = kind_of(b, out, &row_b);
    s->elem = (int32_t)tl_type_size(out->type);
    if (s->a_kind < 0 || s->b_kind < 0 || (s->a_kind == TL_EW_ROW && s->b_kind == TL_EW_ROW)) return 0;
    s->inner = s->a_kind == TL_EW_ROW ? row_a : s->b_kind == TL_EW_ROW ? row_b : s->n;
    if (s->inner < 1) s->inner = 1;
    return 1;
}

typedef struct {
    const tl_ew_shape *s;
    tl_ew_fn f;
    const void *params;
    const char *a, *b;
    char *y;
    int64_t per_task;
} ew_job;

static const char *operand_at(const char *base, int32_t kind, int64_t i, int64_t col, int32_t elem) {
    return base + (kind == TL_EW_FULL ? i : kind == TL_EW_ROW ? col : 0) * elem;
}

static void ew_task(void *ctx, int32_t t) {
    const ew_job *j = ctx;
    const tl_ew_shape *s = j->s;
    int64_t i = t * j->per_task, end = i + j->per_task < s->n ? i + j->per_task : s->n;
    while (i < end) { /* one run per row, or the whole range when no operand is a row */
        int64_t col = i % s->inner, len = s->inner - col < end - i ? s->inner - col : end - i;
        j->f(j->params, operand_at(j->a, s->a_kind, i, col, s->elem), s->a_kind != TL_EW_SCALAR,
             operand_at(j->b, s->b_kind, i, col, s->elem), s->b_kind != TL_EW_SCALAR, j->y + i * s->elem, len);
        i += len;
    }
}

void tl_ew_run(tl_interpreter *it, const tl_node *node, const tl_ew_shape *s, tl_ew_fn f, const void *params) {
    ew_job j;
    int32_t tasks;
    j.s = s;
    j.f = f;
    j.params = params;
    j.a = tl_node_input(it, node, 0)->data;
    j.b = tl_node_input(it, node, 1)->data;
    j.y = tl_node_output(it, node, 0)->data;
    j.per_task = tl_split(s->n, tl_threads(it), 1024, &tasks);
    tl_parallel(it, tasks, ew_task, &j);
}
