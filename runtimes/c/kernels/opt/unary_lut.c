/* Byte-to-byte elementwise unary ops (int8 or uint8 in, int8 or uint8 out) through a 256-entry
 * table (the optimized tier): prepare runs the reference kernel's own per-element function over
 * every input byte, so each output is the reference's by construction; eval looks each byte up.
 * Threads take element ranges. The lookup is a plain loop, or 64 bytes at a time with AVX-512 VBMI
 * (unary_lut_x86.c). */
#include "opt_kernels.h"
#include "unary_lut.h"
#include "../../src/cpu.h"

typedef struct {
    uint8_t table[256]; /* indexed by the input's byte */
    int64_t n;
    tl_lut_bytes_fn run;
} lut_opt;

void tl_lut_bytes_portable(const uint8_t *table, const uint8_t *x, uint8_t *y, int64_t n) {
    int64_t i;
    for (i = 0; i + 4 <= n; i += 4) {
        uint8_t a = table[x[i]], b = table[x[i + 1]], c = table[x[i + 2]], e = table[x[i + 3]];
        y[i] = a;
        y[i + 1] = b;
        y[i + 2] = c;
        y[i + 3] = e;
    }
    for (; i < n; i++) y[i] = table[x[i]];
}

typedef struct {
    const lut_opt *o;
    const uint8_t *x;
    uint8_t *y;
    int64_t per_task;
} lut_job;

static void lut_task(void *ctx, int32_t t) {
    const lut_job *j = ctx;
    int64_t i = t * j->per_task, end = i + j->per_task < j->o->n ? i + j->per_task : j->o->n;
    j->o->run(j->o->table, j->x + i, j->y + i, end - i);
}

static tl_status eval_lut(tl_interpreter *it, tl_node *node) {
    lut_job j;
    int32_t tasks;
    j.o = node->op_data;
    j.x = tl_node_input(it, node, 0)->data;
    j.y = tl_node_output(it, node, 0)->data;
    j.per_task = tl_split(j.o->n, tl_threads(it), 4096, &tasks);
    tl_parallel(it, tasks, lut_task, &j);
    return TL_STATUS_OK;
}

tl_status tl_unary_opt_lut_prepare(tl_interpreter *it, tl_node *node, int in_signed, tl_byte_unary_fn f, const void *ctx) {
    lut_opt *o = tl_alloc_persistent(it, sizeof *o);
    int32_t b;
    if (!o) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "optimized lookup table");
    for (b = 0; b < 256; b++) o->table[b] = (uint8_t)f(ctx, in_signed && b >= 128 ? b - 256 : b);
    o->n = tl_tensor_numel(tl_node_output(it, node, 0));
    o->run = tl_lut_bytes_portable;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if ((it->cpu & TL_CPU_AVX512VBMI) && (it->cpu & TL_CPU_AVX512)) o->run = tl_lut_bytes_vbmi;
#endif
    node->op_data = o;
    node->eval = eval_lut;
    return TL_STATUS_OK;
}
