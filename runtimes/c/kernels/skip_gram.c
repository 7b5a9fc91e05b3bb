/* SKIP_GRAM: the skip-grams of a sentence, as LiteRT's reference kernel makes them. The input's first string is
 * split into words (a word ends at an ASCII whitespace byte found from the second byte on; as in LiteRT, the first
 * word keeps a leading whitespace byte, and a sentence of one whitespace byte is one word); the output holds, as
 * strings joined by one space, every sequence of ngram_size words (1 to ngram_size with include_all_ngrams) in
 * sentence order whose consecutive words are at most max_skip_size words apart, in the order of LiteRT's depth-first
 * walk (first word, then each possible next word). Fewer words than ngram_size give no strings.
 *
 * The number of strings depends on the text, and memory is planned before invoke: prepare reserves a bound and
 * eval sets the output's dims ([count]) at each invoke (common/value_shaped.h). With L the input's string capacity,
 * W = (L + 1) / 2 words at most (each word a byte, a whitespace byte between two), S = max(max_skip_size, 0) and
 * k over the n-gram sizes produced, a word starts at most W * (S + 1)^(k - 1) k-grams, so there are at most
 * C = W * sum (S + 1)^(k - 1) strings; a word sits at one of k places in at most (S + 1)^(k - 1) k-grams each, and
 * brings its bytes and one space to each, so the bytes are at most (L + W) * sum k * (S + 1)^(k - 1). The output
 * reserves C strings' header and those bytes; a bound of 2^31 bytes or more is refused. */
#include <string.h>

#include "../src/kernel_api.h"
#include "../src/string_tensor.h"
#include "common/value_shaped.h"

enum { OPT_NGRAM_SIZE = 0, OPT_MAX_SKIP_SIZE = 1, OPT_INCLUDE_ALL = 2 };

typedef struct {
    int32_t ngram, skip, include_all, max_words;
    tl_scratch *work; /* max_words (start, length) pairs, then ngram stack entries */
} skip_gram_data;

static int is_space(uint8_t c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

static int include_ngram(const skip_gram_data *d, int32_t size) {
    if (size <= 0) return 0;
    return d->include_all ? size <= d->ngram : size == d->ngram;
}

static int step_in(const skip_gram_data *d, const int32_t *stack, int32_t at, int32_t words) {
    if (at < d->ngram && stack[at] + 1 < words) {
        if (at == 0) return 1;
        if (stack[at] - stack[at - 1] <= d->skip) return 1;
    }
    return 0;
}

/* LiteRT's walk over the n-grams: counts them and their bytes (out NULL), or writes the strings after a header
 * of n_out entries. */
static void walk(const skip_gram_data *d, const uint8_t *text, const int32_t *words, int32_t n_words,
                 int32_t *stack, uint8_t *out, int32_t n_out, int64_t *count, int64_t *bytes) {
    int32_t at = 1, k;
    uint32_t pos = (uint32_t)TL_STRING_HEADER_BYTES(n_out);
    memset(stack, 0, sizeof(int32_t) * (size_t)d->ngram);
    *count = *bytes = 0;
    while (at >= 0) {
        if (step_in(d, stack, at, n_words)) {
            stack[at]++;
            at++;
            if (at < d->ngram) stack[at] = stack[at - 1];
            continue;
        }
        if (include_ngram(d, at)) {
            for (k = 0; k < at; k++) {
                const int32_t *w = words + 2 * stack[k];
                if (out) {
                    if (k) out[pos] = ' ';
                    memcpy(out + pos + (k > 0), text + w[0], (size_t)w[1]);
                }
                pos += (uint32_t)(w[1] + (k > 0));
                *bytes += w[1] + (k > 0);
            }
            if (out) tl_string_end(out, (int32_t)*count, pos);
            *count += 1;
        }
        at--;
    }
}

/* The words of text[0, len) as (start, length) pairs; returns their count. */
static int32_t split_words(const uint8_t *text, int32_t len, int32_t *words) {
    int32_t i, prev = 0, n = 0;
    for (i = 1; i < len; i++)
        if (is_space(text[i])) {
            if (i > prev && !is_space(text[prev])) {
                words[2 * n] = prev;
                words[2 * n + 1] = i - prev;
                n++;
            }
            prev = i + 1;
        }
    if (len > prev) {
        words[2 * n] = prev;
        words[2 * n + 1] = len - prev;
        n++;
    }
    return n;
}

static tl_status tl_skip_gram_eval(tl_interpreter *it, tl_node *node) {
    const skip_gram_data *d = node->op_data;
    const tl_tensor *in = tl_node_input(it, node, 0);
    tl_tensor *out = tl_node_output(it, node, 0);
    int32_t *words = d->work->data, *stack = words + 2 * (size_t)d->max_words, n_words = 0, len;
    const uint8_t *text;
    const char *why = tl_string_check(in->data, in->bytes, tl_tensor_numel(in));
    int64_t count = 0, bytes = 0;
    if (why) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, why);
    text = tl_string_at(in->data, 0, &len);
    if (len > 0) n_words = split_words(text, len, words);
    if (n_words >= d->ngram) walk(d, text, words, n_words, stack, NULL, 0, &count, &bytes);
    /* prepare's bound holds these; checked all the same, as a malformed bound must not write past the plan */
    if ((uint64_t)TL_STRING_HEADER_BYTES(count) + (uint64_t)bytes > out->bytes)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "the n-grams outgrow the output's planned bytes");
    tl_string_begin(out->data, (int32_t)count);
    if (count) walk(d, text, words, n_words, stack, out->data, (int32_t)count, &count, &bytes);
    {   /* the shape's storage was taken in prepare (tl_value_shaped_output); bytes stay the planned bound */
        uint32_t planned = out->bytes;
        tl_status st;
        len = (int32_t)count;
        st = tl_tensor_set_dims(it, out, &len, 1);
        out->bytes = planned;
        return st;
    }
}

/* (S + 1)^(k - 1) summed over the sizes produced, plain (times 1) or times k; 0 when past 2^40. */
static uint64_t size_sum(const skip_gram_data *d, int weighted) {
    uint64_t total = 0, power = 1;
    int32_t k;
    for (k = 1; k <= d->ngram; k++) {
        if (d->include_all || k == d->ngram) total += weighted ? (uint64_t)k * power : power;
        if (total > ((uint64_t)1 << 40)) return 0;
        power *= (uint64_t)(d->skip < 0 ? 0 : d->skip) + 1;
        if (power > ((uint64_t)1 << 40)) power = (uint64_t)1 << 41;
    }
    return total;
}

tl_status tl_skip_gram_prepare(tl_interpreter *it, tl_node *node) {
    const tl_tensor *in = tl_node_input(it, node, 0);
    tl_tensor *out = tl_node_output(it, node, 0);
    skip_gram_data *d;
    uint8_t include_all;
    uint64_t text, words, count, bytes, f_count, f_bytes;
    int32_t bound;
    if (!in || !out || tl_node_num_inputs(node) != 1 || tl_node_num_outputs(node) != 1)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs one input and one output");
    if (in->type != TL_TYPE_STRING || out->type != TL_TYPE_STRING)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "input and output must be STRING");
    if (tl_tensor_numel(in) < 1) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "the input holds no string");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    if (tl_fb_i32(&it->fb, node->options, OPT_NGRAM_SIZE, 0, &d->ngram) != TL_STATUS_OK ||
        tl_fb_i32(&it->fb, node->options, OPT_MAX_SKIP_SIZE, 0, &d->skip) != TL_STATUS_OK ||
        tl_fb_u8(&it->fb, node->options, OPT_INCLUDE_ALL, 0, &include_all) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    d->include_all = include_all != 0;
    if (d->ngram < 1 || d->ngram > 64)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "ngram_size must be 1 to 64");
    if (in->bytes < TL_STRING_HEADER_BYTES(tl_tensor_numel(in)))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "the input's capacity cannot hold its header");
    text = in->bytes - TL_STRING_HEADER_BYTES(tl_tensor_numel(in)); /* string 0 is at most this long */
    words = (text + 1) / 2;
    f_count = size_sum(d, 0);
    f_bytes = size_sum(d, 1);
    count = words * f_count;
    bytes = TL_STRING_HEADER_BYTES(count) + (text + words) * f_bytes;
    if (!f_count || !f_bytes || count > 0x7ffffffu || bytes > 0x7fffffffu)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED,
                       "the output's bound (from the input's capacity, ngram_size and max_skip_size) holds 2^31 bytes "
                       "or more");
    d->max_words = (int32_t)words;
    d->work = tl_request_scratch(it, node, sizeof(int32_t) * (2 * (size_t)words + (size_t)d->ngram));
    if (!d->work) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "word list scratch");
    bound = (int32_t)count;
    {
        tl_status st = tl_value_shaped_output(it, node, 0, &bound, 1); /* names the op when it refuses */
        if (st != TL_STATUS_OK) return st;
    }
    out->bytes = (uint32_t)bytes;
    node->op_data = d;
    node->eval = tl_skip_gram_eval;
    return TL_STATUS_OK;
}
