/* STABLEHLO_RNG_BIT_GENERATOR: random bits from a uint64 state, as LiteRT's reference kernel (found on its
 * output): outputs the new state and int32, uint32, int64 or uint64 bits (a 64-bit value is two words, the
 * first the low half). StablehloRngBitGeneratorOptions.algorithm:
 * - PHILOX (and DEFAULT): Philox-4x32-10 (common/philox.h), key state[0]; counter low half state[1], high half
 *   state[2] or, for a state of 2, state[0]; four words per block; the low half steps per block, wrapping
 *   within 64 bits; the new state has the low half moved on by the blocks used.
 * - THREEFRY: Threefry-2x32-20 (common/threefry.h), state of 2: key state[0], counter state[1]; two words per
 *   block; the new state has the counter moved on by the blocks used.
 * Each invoke starts from the state input; the words of a block past the output's end are dropped. */
#include <string.h>

#include "../src/kernel_api.h"
#include "common/philox.h"
#include "common/threefry.h"

enum { OPT_ALGORITHM = 0 };                              /* StablehloRngBitGeneratorOptions (a byte enum) */
enum { ALG_DEFAULT = 0, ALG_PHILOX = 1, ALG_THREEFRY = 2 }; /* RngAlgorithm */

typedef struct {
    int32_t threefry;
    int32_t words_per_value; /* 1 or 2 */
} rbg_data;

static uint64_t load_u64(const tl_tensor *t, int32_t i) {
    uint64_t v;
    memcpy(&v, (const uint8_t *)t->data + 8 * i, 8);
    return v;
}

static tl_status tl_stablehlo_rng_bit_generator_eval(tl_interpreter *it, tl_node *node) {
    const rbg_data *d = node->op_data;
    const tl_tensor *state = tl_node_input(it, node, 0);
    tl_tensor *new_state = tl_node_output(it, node, 0), *out = tl_node_output(it, node, 1);
    uint32_t *y = out->data, block[4], key[2];
    uint64_t k = load_u64(state, 0), lo = load_u64(state, 1), hi, words, i, per = d->threefry ? 2 : 4, blocks;
    uint64_t s[3];
    int32_t n = state->dims[0], j;
    hi = n == 3 ? load_u64(state, 2) : k;
    key[0] = (uint32_t)k;
    key[1] = (uint32_t)(k >> 32);
    words = (uint64_t)tl_tensor_numel(out) * (uint64_t)d->words_per_value;
    blocks = (words + per - 1) / per;
    for (i = 0; i < words; i++) {
        if (i % per == 0) {
            uint64_t c = lo + i / per;
            if (d->threefry) {
                uint32_t ctr[2];
                ctr[0] = (uint32_t)c;
                ctr[1] = (uint32_t)(c >> 32);
                tl_threefry2x32(ctr, key, block);
            } else {
                tl_philox p;
                p.key[0] = key[0];
                p.key[1] = key[1];
                p.counter[0] = (uint32_t)c;
                p.counter[1] = (uint32_t)(c >> 32);
                p.counter[2] = (uint32_t)hi;
                p.counter[3] = (uint32_t)(hi >> 32);
                tl_philox_next(&p, block);
            }
        }
        y[i] = block[i % per];
    }
    for (j = 0; j < n; j++) s[j] = load_u64(state, j);
    s[1] = lo + blocks;
    memcpy(new_state->data, s, (size_t)n * 8);
    return TL_STATUS_OK;
}

tl_status tl_stablehlo_rng_bit_generator_prepare(tl_interpreter *it, tl_node *node) {
    const tl_tensor *state = tl_node_input(it, node, 0);
    const tl_tensor *new_state = tl_node_output(it, node, 0), *out = tl_node_output(it, node, 1);
    int8_t alg;
    rbg_data *d;
    if (!state || !new_state || !out || tl_node_num_outputs(node) != 2)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs the state input and two outputs (new state, bits)");
    if (tl_fb_i8(&it->fb, node->options, OPT_ALGORITHM, ALG_DEFAULT, &alg))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (alg != ALG_DEFAULT && alg != ALG_PHILOX && alg != ALG_THREEFRY)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "unknown algorithm");
    if (state->type != TL_TYPE_UINT64 || new_state->type != TL_TYPE_UINT64 || state->ndim != 1 ||
        !tl_same_shape(state, new_state))
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "the state and the new state must be uint64 vectors of one size");
    if (alg == ALG_THREEFRY ? state->dims[0] != 2 : state->dims[0] != 2 && state->dims[0] != 3)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH,
                       alg == ALG_THREEFRY ? "THREEFRY's state must hold 2 values" : "PHILOX's state must hold 2 or 3 values");
    if (out->type != TL_TYPE_INT32 && out->type != TL_TYPE_UINT32 && out->type != TL_TYPE_INT64 &&
        out->type != TL_TYPE_UINT64)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "the bits must be int32, uint32, int64 or uint64");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    d->threefry = alg == ALG_THREEFRY;
    d->words_per_value = tl_type_size(out->type) == 8 ? 2 : 1;
    node->op_data = d;
    node->eval = tl_stablehlo_rng_bit_generator_eval;
    return TL_STATUS_OK;
}
