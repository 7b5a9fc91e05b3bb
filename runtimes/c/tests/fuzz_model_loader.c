/* Hostile-model driver: every input must give a status, never a crash or an out-of-bounds read
 * (run under ASan + UBSan). With libFuzzer (`make fuzz`: -fsanitize=fuzzer -DTL_LIBFUZZER) it is a fuzz
 * target; otherwise `fuzz_model_loader MODEL...` runs, for each model: every truncation
 * length, 3000 seeded random bit flips, and 1000 seeded random 32-bit overwrites (offsets
 * pointed anywhere), each through create + allocate + invoke. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tensorlite.h"

static unsigned char arena[1 << 20];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An application's custom op ("TlFuzzCustom": tests/runtime_c/test_custom_ops.py writes seed models
 * with it) reading its FlexBuffer options through the public API, so mutated options reach those
 * readers; eval copies input 0 into output 0. */
static tl_status fuzz_custom_prepare(tl_interpreter *it, struct tl_node *node) {
    int32_t i32, vec[8];
    uint32_t count;
    float f;
    size_t size;
    (void)tl_custom_options(it, node, &size);
    (void)tl_custom_option_has(it, node, "scale");
    (void)tl_custom_option_i32(it, node, "shift", &i32);
    (void)tl_custom_option_f32(it, node, "scale", &f);
    (void)tl_custom_option_i32_vec(it, node, "axes", vec, 8, &count);
    if (tl_custom_input_count(node) < 1 || tl_custom_output_count(node) != 1 || !tl_custom_input(it, node, 0))
        return tl_custom_fail(it, node, TL_STATUS_MODEL_INVALID, "needs an input and one output");
    return tl_custom_alloc_persistent(it, node, 16) ? TL_STATUS_OK : TL_STATUS_ARENA_TOO_SMALL;
}

static tl_status fuzz_custom_eval(tl_interpreter *it, struct tl_node *node) {
    const tl_tensor *in = tl_custom_input(it, node, 0);
    tl_tensor *out = tl_custom_output(it, node, 0);
    if (in->data && out->data) memcpy(out->data, in->data, in->bytes < out->bytes ? in->bytes : out->bytes);
    return TL_STATUS_OK;
}

/* After a first run: input 0 at twice its batch (or rank 1 -> 2), planned again in the same arena. */
static void run_resized(tl_interpreter *it) {
    tl_tensor *t = tl_interpreter_get_input(it, 0);
    int32_t dims[TL_MAX_DIMS], k;
    if (t == NULL || t->ndim == 0) return;
    for (k = 0; k < t->ndim; k++) dims[k] = t->dims[k];
    dims[0] = dims[0] > 0 && dims[0] < 1024 ? 2 * dims[0] : 2;
    if (tl_interpreter_resize_input(it, 0, tl_interpreter_get_input_tensor_index(it, 0), dims, t->ndim, 0) ||
        tl_interpreter_allocate_tensors(it))
        return;
    for (k = 0; k < tl_interpreter_get_input_count(it); k++) {
        t = tl_interpreter_get_input(it, k);
        memset(t->data, 0x5a, t->bytes);
    }
    (void)tl_interpreter_invoke(it);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    tl_model model;
    tl_interpreter *it = NULL;
    int32_t s, k, n;
    tl_status st = tl_model_init(&model, data, size);
    if (st == TL_STATUS_OK) it = tl_interpreter_init(&model, NULL, arena, sizeof arena, &st);
    if (st == TL_STATUS_OK) st = tl_interpreter_add_custom(it, "TlFuzzCustom", fuzz_custom_prepare, fuzz_custom_eval, NULL);
    for (s = 0; it && s < tl_interpreter_get_signature_count(it); s++) { /* on-demand reads */
        (void)tl_interpreter_get_signature_key(it, s);
        n = tl_interpreter_get_signature_input_count(it, s);
        for (k = 0; k < n; k++) {
            const char *name = tl_interpreter_get_signature_input_name(it, s, k);
            (void)tl_interpreter_get_signature_input_tensor_index(it, s, k);
            (void)tl_interpreter_get_input_by_name(it, tl_interpreter_get_signature_key(it, s), name);
        }
        n = tl_interpreter_get_signature_output_count(it, s);
        for (k = 0; k < n; k++) {
            (void)tl_interpreter_get_signature_output_name(it, s, k);
            (void)tl_interpreter_get_signature_output_tensor_index(it, s, k);
        }
    }
    for (k = 0; it && k < tl_interpreter_get_node_count(it); k++) (void)tl_interpreter_get_node_op_name(it, k);
    if (it && st == TL_STATUS_OK) (void)tl_interpreter_set_max_while_iterations(it, 1000); /* a mutated loop may never end */
    if (it && st == TL_STATUS_OK && tl_interpreter_allocate_tensors(it) == TL_STATUS_OK) {
        for (k = 0; k < tl_interpreter_get_input_count(it); k++) {
            tl_tensor *t = tl_interpreter_get_input(it, k);
            memset(t->data, 0x5a, t->bytes);
        }
        (void)tl_interpreter_invoke(it);
        for (s = 0; s < tl_interpreter_get_signature_count(it); s++) /* other entry points */
            (void)tl_interpreter_invoke_subgraph(it, tl_interpreter_get_signature_subgraph(it, s));
        run_resized(it);
    }
    if (it) (void)tl_interpreter_error_message(it);
    return 0;
}

#ifndef TL_LIBFUZZER
static unsigned next(unsigned *s) {
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

int main(int argc, char **argv) {
    static unsigned char model[1 << 20], work[1 << 20];
    int a;
    long runs = 0;
    for (a = 1; a < argc; a++) {
        FILE *f = fopen(argv[a], "rb");
        size_t n, cut;
        unsigned seed = 12345u + (unsigned)a;
        int i;
        if (!f) {
            perror(argv[a]);
            return 2;
        }
        n = fread(model, 1, sizeof model, f);
        fclose(f);
        for (cut = 0; cut < n; cut++, runs++) { /* truncation at every byte, in its own copy */
            memcpy(work, model, cut);
            LLVMFuzzerTestOneInput(work, cut);
        }
        for (i = 0; i < 3000 && n; i++, runs++) {
            memcpy(work, model, n);
            work[next(&seed) % n] ^= (unsigned char)(1u << (next(&seed) % 8));
            LLVMFuzzerTestOneInput(work, n);
        }
        for (i = 0; i < 1000 && n >= 4; i++, runs++) {
            unsigned v = next(&seed) * 2654435761u;
            memcpy(work, model, n);
            memcpy(work + (next(&seed) % (n - 3)), &v, 4);
            LLVMFuzzerTestOneInput(work, n);
        }
    }
    printf("fuzz: %ld mutated models, no crash\n", runs);
    return 0;
}
#endif
