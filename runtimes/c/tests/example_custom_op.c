/* An application's custom operator through the public API (tl_resolver_add_custom, as TFLite
 * Micro's AddCustom): "ScaleShift" computes y = x * scale + shift over float32, its parameters read
 * from the node's FlexBuffer custom_options in prepare and kept in the node's persistent data.
 * tests/runtime_c/test_custom_ops.py builds it against libtensorlite.a and runs it:
 *     example_custom_op MODEL.tflite   reads float32 input 0 from stdin, writes output 0 to stdout
 * It also checks the resolver's refusals (a name added twice, a full array) and reports them on
 * stderr; exit status 0 when all went well. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tensorlite.h"

typedef struct {
    float scale;
    int32_t shift;
} scale_shift;

static tl_status scale_shift_prepare(tl_interpreter *it, struct tl_node *node) {
    const tl_tensor *x = tl_custom_input(it, node, 0), *y = tl_custom_output(it, node, 0);
    scale_shift *p;
    tl_status st;
    if (!x || !y || x->type != TL_TYPE_FLOAT32 || y->type != TL_TYPE_FLOAT32 || x->bytes != y->bytes)
        return tl_custom_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "ScaleShift takes and gives float32 of one shape");
    p = tl_custom_alloc_persistent(it, node, sizeof *p);
    if (p == NULL) return TL_STATUS_ARENA_TOO_SMALL;
    if ((st = tl_custom_option_f32(it, node, "scale", &p->scale)) != TL_STATUS_OK) return st;
    p->shift = 0; /* optional */
    if (tl_custom_option_has(it, node, "shift") && (st = tl_custom_option_i32(it, node, "shift", &p->shift)) != TL_STATUS_OK)
        return st;
    return TL_STATUS_OK;
}

static tl_status scale_shift_eval(tl_interpreter *it, struct tl_node *node) {
    const tl_tensor *x = tl_custom_input(it, node, 0);
    tl_tensor *y = tl_custom_output(it, node, 0);
    const scale_shift *p = tl_custom_data(node);
    const float *in = x->data;
    float *out = y->data;
    uint32_t i;
    int *calls = tl_custom_user(node);
    for (i = 0; i < y->bytes / 4; i++) out[i] = in[i] * p->scale + (float)p->shift;
    ++*calls;
    return TL_STATUS_OK;
}

int main(int argc, char **argv) {
    static unsigned char arena[1 << 20];
    static unsigned char model_bytes[1 << 20];
    tl_custom_op customs[1];
    tl_op_resolver resolver = {NULL, 0, customs, 0, 1};
    tl_model model;
    tl_interpreter *it = NULL;
    tl_tensor *x, *y;
    tl_status st;
    size_t n;
    int calls = 0;
    FILE *f;
    if (argc != 2 || (f = fopen(argv[1], "rb")) == NULL) return 2;
    n = fread(model_bytes, 1, sizeof model_bytes, f);
    fclose(f);
    if (tl_resolver_add_custom(&resolver, "ScaleShift", scale_shift_prepare, scale_shift_eval, &calls) != TL_STATUS_OK)
        return 3;
    if (tl_resolver_add_custom(&resolver, "ScaleShift", scale_shift_prepare, scale_shift_eval, NULL) != TL_STATUS_BAD_ARGUMENT)
        return 4; /* a name twice */
    if (tl_resolver_add_custom(&resolver, "Other", NULL, scale_shift_eval, NULL) != TL_STATUS_ARENA_TOO_SMALL)
        return 5; /* the array is full */
    st = tl_model_init(&model, model_bytes, n);
    if (st == TL_STATUS_OK) it = tl_interpreter_init(&model, &resolver, arena, sizeof arena, &st);
    if (st == TL_STATUS_OK) st = tl_interpreter_allocate_tensors(it);
    if (st != TL_STATUS_OK) {
        fprintf(stderr, "error %d: %s\n", (int)st, it ? tl_interpreter_error_message(it) : tl_status_message(st));
        return 1;
    }
    x = tl_interpreter_get_input(it, 0);
    y = tl_interpreter_get_output(it, 0);
    if (fread(x->data, 1, x->bytes, stdin) != x->bytes) return 6;
    if ((st = tl_interpreter_invoke(it)) != TL_STATUS_OK || calls != 1) {
        fprintf(stderr, "error %d: %s\n", (int)st, tl_interpreter_error_message(it));
        return 1;
    }
    fwrite(y->data, 1, y->bytes, stdout);
    return 0;
}
