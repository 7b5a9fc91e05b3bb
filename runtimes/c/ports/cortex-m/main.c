/* Firmware: run one model (compiled in as a C array by `tensorlite codegen`) on its input and
 * print each output's bytes as hex over semihosting, so the host can compare them bit for bit:
 *
 *     dsp <nodes that run a DSP-extension kernel (dsp/dsp_kernels.h)>
 *     ticks <SysTick core-clock ticks the first invoke took>
 *     arena <bytes used>
 *     output <index> <type> <bytes>
 *     <hex, 32 bytes per line> ...
 *     done
 *
 * g_input may hold several samples back to back: each runs in turn (state variables reset between
 * them) and prints its outputs, in order; no input at all runs once on zeros.
 *
 * The ticks count QEMU's virtual clock: with -icount shift=0 one instruction is one nanosecond, so
 * ticks * (1e9 / the core clock) is the instructions the invoke executed.
 *
 * Exit code 0 on success, 1 when the runtime returns an error (its message is printed). */
#include <stdint.h>
#include <string.h>

#include "dsp/dsp_kernels.h"
#include "semihost.h"
#include "tensorlite.h"

#ifndef TL_ARENA_BYTES
#define TL_ARENA_BYTES (1024u * 1024u)
#endif

extern const unsigned char g_model[];
extern const unsigned int g_model_len;
extern const unsigned char g_input[];
extern const unsigned int g_input_len;

static uint8_t arena[TL_ARENA_BYTES] __attribute__((aligned(16)));

/* SysTick on the core clock, 24 bits counting down; its interrupt counts the wraps. */
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
static volatile uint32_t systick_wraps;

void systick_handler(void);
void systick_handler(void) { systick_wraps++; }

static void systick_start(void) {
    SYST_RVR = 0xFFFFFFu;
    SYST_CVR = 0;
    systick_wraps = 0;
    SYST_CSR = 7u; /* core clock, interrupt, enable */
}

static uint32_t systick_ticks(void) {
    uint32_t wraps, value;
    do {
        wraps = systick_wraps;
        value = SYST_CVR;
    } while (wraps != systick_wraps);
    return (wraps << 24) + (0xFFFFFFu - value);
}

static void put_uint(const char *prefix, unsigned long v, const char *suffix) {
    char buf[24];
    int i = (int)sizeof buf - 1;
    buf[i] = '\0';
    do {
        buf[--i] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v && i > 0);
    semihost_puts(prefix);
    semihost_puts(buf + i);
    semihost_puts(suffix);
}

static void put_hex(const uint8_t *p, size_t n) {
    static const char digits[] = "0123456789abcdef";
    char line[2 * 32 + 2];
    size_t i = 0;
    while (i < n) {
        size_t k = 0;
        for (; k < 32 && i < n; k++, i++) {
            line[2 * k] = digits[p[i] >> 4];
            line[2 * k + 1] = digits[p[i] & 15];
        }
        line[2 * k] = '\n';
        line[2 * k + 1] = '\0';
        semihost_puts(line);
    }
}

static int fail(tl_interpreter *it, tl_status st) {
    semihost_puts("error: ");
    semihost_puts(it ? tl_interpreter_error_message(it) : tl_status_message(st));
    semihost_puts("\n");
    return 1;
}

int main(void) {
    tl_model model;
    tl_interpreter *it = NULL;
    tl_status st = tl_model_init(&model, g_model, g_model_len);
    size_t offset = 0, sample_bytes = 0, samples, k;
    int32_t i, n;
    if (st != TL_STATUS_OK) return fail(NULL, st);
    it = tl_interpreter_init(&model, NULL, arena, sizeof arena, &st);
    if (st != TL_STATUS_OK) return fail(it, st);
    st = tl_interpreter_allocate_tensors(it);
    if (st != TL_STATUS_OK) return fail(it, st);
    n = tl_interpreter_get_input_count(it);
    for (i = 0; i < n; i++) sample_bytes += tl_interpreter_get_input(it, i)->bytes;
    samples = sample_bytes && g_input_len >= sample_bytes ? g_input_len / sample_bytes : 1;
    for (k = 0; k < samples; k++) {
        if (k > 0 && (st = tl_interpreter_reset_variables(it)) != TL_STATUS_OK) return fail(it, st);
        for (i = 0; i < n; i++) {
            tl_tensor *in = tl_interpreter_get_input(it, i);
            if (offset + in->bytes <= g_input_len) memcpy(in->data, g_input + offset, in->bytes);
            else memset(in->data, 0, in->bytes);
            offset += in->bytes;
        }
        if (k == 0) systick_start();
        st = tl_interpreter_invoke(it);
        if (st != TL_STATUS_OK) return fail(it, st);
        if (k == 0) {
            uint32_t ticks = systick_ticks();
            put_uint("dsp ", (unsigned long)tl_dsp_node_count(it), "\n");
            put_uint("ticks ", (unsigned long)ticks, "\n");
            put_uint("arena ", (unsigned long)tl_interpreter_arena_bytes_used(it), "\n");
        }
        for (i = 0; i < tl_interpreter_get_output_count(it); i++) {
            const tl_tensor *out = tl_interpreter_get_output(it, i);
            put_uint("output ", (unsigned long)i, "");
            put_uint(" ", (unsigned long)out->type, "");
            put_uint(" ", (unsigned long)out->bytes, "\n");
            put_hex((const uint8_t *)out->data, out->bytes);
        }
    }
    semihost_puts("done\n");
    return 0;
}
