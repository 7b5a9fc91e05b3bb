/* The FlexBuffer map reader (src/flexbuffer.h): values of real custom options (TFLite Micro's
 * audio preprocessor models) and of maps written by the `flatbuffers.flexbuffers` Python module
 * read back as written; then every truncation, every single-byte value at every position and
 * random multi-byte corruptions of each blob, each copied into a heap block of exactly its size
 * (so ASan sees any read past the end), go through every accessor: they must return a status,
 * never read outside the blob. Run under `make sanitize`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flexbuffer.h"

/* Blobs: flexbuffers.Dumps(...) from Python, or custom_options copied from the corpus models.
 * spectral: SignalFilterBankSpectralSubtraction's options (9 keys, int and bool values)
 * rfft: {'T': 7, 'fft_length': 512}; empty: {}
 * mixed: {"i": -5, "big": 1 << 40, "u": 3000000000, "f": 1.5, "t": True, "s": "str",
 *         "v": [1, -2, 300000], "mixed": [1, 2.5, "x", -7], "n": None}
 * small: {"a": 1, "b": [3, 4, 5], "c": False, "neg": -1000} */
static const uint8_t spectral[210] = {
    0x61, 0x6c, 0x74, 0x65, 0x72, 0x6e, 0x61, 0x74, 0x65, 0x5f, 0x6f, 0x6e, 0x65, 0x5f, 0x6d, 0x69,
    0x6e, 0x75, 0x73, 0x5f, 0x73, 0x6d, 0x6f, 0x6f, 0x74, 0x68, 0x69, 0x6e, 0x67, 0x00, 0x61, 0x6c,
    0x74, 0x65, 0x72, 0x6e, 0x61, 0x74, 0x65, 0x5f, 0x73, 0x6d, 0x6f, 0x6f, 0x74, 0x68, 0x69, 0x6e,
    0x67, 0x00, 0x63, 0x6c, 0x61, 0x6d, 0x70, 0x69, 0x6e, 0x67, 0x00, 0x6d, 0x69, 0x6e, 0x5f, 0x73,
    0x69, 0x67, 0x6e, 0x61, 0x6c, 0x5f, 0x72, 0x65, 0x6d, 0x61, 0x69, 0x6e, 0x69, 0x6e, 0x67, 0x00,
    0x6e, 0x75, 0x6d, 0x5f, 0x63, 0x68, 0x61, 0x6e, 0x6e, 0x65, 0x6c, 0x73, 0x00, 0x6f, 0x6e, 0x65,
    0x5f, 0x6d, 0x69, 0x6e, 0x75, 0x73, 0x5f, 0x73, 0x6d, 0x6f, 0x6f, 0x74, 0x68, 0x69, 0x6e, 0x67,
    0x00, 0x73, 0x6d, 0x6f, 0x6f, 0x74, 0x68, 0x69, 0x6e, 0x67, 0x00, 0x73, 0x6d, 0x6f, 0x6f, 0x74,
    0x68, 0x69, 0x6e, 0x67, 0x5f, 0x62, 0x69, 0x74, 0x73, 0x00, 0x73, 0x70, 0x65, 0x63, 0x74, 0x72,
    0x61, 0x6c, 0x5f, 0x73, 0x75, 0x62, 0x74, 0x72, 0x61, 0x63, 0x74, 0x69, 0x6f, 0x6e, 0x5f, 0x62,
    0x69, 0x74, 0x73, 0x00, 0x09, 0xa5, 0x88, 0x75, 0x6d, 0x59, 0x4d, 0x3a, 0x31, 0x23, 0x09, 0x00,
    0x01, 0x00, 0x09, 0x00, 0x29, 0x3c, 0xd7, 0x03, 0x00, 0x00, 0x33, 0x03, 0x28, 0x00, 0x67, 0x3e,
    0x99, 0x01, 0x0a, 0x00, 0x0e, 0x00, 0x05, 0x05, 0x69, 0x05, 0x05, 0x05, 0x05, 0x05, 0x05, 0x1b,
    0x25, 0x01,
};
static const uint8_t rfft[31] = {
    0x54, 0x00, 0x66, 0x66, 0x74, 0x5f, 0x6c, 0x65, 0x6e, 0x67, 0x74, 0x68, 0x00, 0x02, 0x0e, 0x0d,
    0x02, 0x00, 0x01, 0x00, 0x02, 0x00, 0x07, 0x00, 0x00, 0x02, 0x05, 0x05, 0x06, 0x25, 0x01,
};
static const uint8_t empty[7] = {
    0x00, 0x00, 0x01, 0x00, 0x00, 0x24, 0x01,
};
static const uint8_t mixed[196] = {
    0x69, 0x00, 0x62, 0x69, 0x67, 0x00, 0x75, 0x00, 0x66, 0x00, 0x74, 0x00, 0x73, 0x00, 0x03, 0x73,
    0x74, 0x72, 0x00, 0x76, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0xfe, 0xff, 0xff, 0xff, 0xe0, 0x93, 0x04, 0x00, 0x06, 0x06, 0x06, 0x6d, 0x69, 0x78, 0x65, 0x64,
    0x00, 0x01, 0x78, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x40,
    0x0e, 0x00, 0x00, 0x00, 0xf9, 0xff, 0xff, 0xff, 0x06, 0x0e, 0x14, 0x06, 0x6e, 0x00, 0x09, 0x4d,
    0x48, 0x51, 0x27, 0x07, 0x48, 0x4b, 0x50, 0x44, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf8, 0x3f,
    0xfb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x50, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x89, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x5e, 0xd0, 0xb2, 0x00, 0x00, 0x00, 0x00,
    0x94, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x0f, 0x07, 0x2a, 0x03, 0x14, 0x6b, 0x07,
    0x2a, 0x51, 0x27, 0x01,
};
static const uint8_t small[43] = {
    0x61, 0x00, 0x62, 0x00, 0x03, 0x03, 0x04, 0x05, 0x04, 0x04, 0x04, 0x63, 0x00, 0x6e, 0x65, 0x67,
    0x00, 0x04, 0x12, 0x11, 0x09, 0x08, 0x04, 0x00, 0x01, 0x00, 0x04, 0x00, 0x01, 0x00, 0x19, 0x00,
    0x00, 0x00, 0x18, 0xfc, 0x05, 0x28, 0x69, 0x05, 0x0c, 0x25, 0x01,
};

static int failures;

#define EXPECT(cond)                                                   \
    do {                                                               \
        if (!(cond)) {                                                 \
            printf("%s:%d: failed: %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                \
        }                                                              \
    } while (0)

static void test_values(void) {
    tl_flex_map m;
    tl_flex_vec v;
    int32_t i32, arr[8];
    int64_t i64;
    uint32_t n;
    int b;
    float f;

    EXPECT(tl_flex_map_root(spectral, sizeof spectral, &m) == TL_STATUS_OK && m.len == 9);
    EXPECT(tl_flex_map_i32(&m, "alternate_one_minus_smoothing", &i32) == TL_STATUS_OK && i32 == 15401);
    EXPECT(tl_flex_map_i32(&m, "alternate_smoothing", &i32) == TL_STATUS_OK && i32 == 983);
    EXPECT(tl_flex_map_bool(&m, "clamping", &b) == TL_STATUS_OK && b == 0);
    EXPECT(tl_flex_map_i32(&m, "min_signal_remaining", &i32) == TL_STATUS_OK && i32 == 819);
    EXPECT(tl_flex_map_i32(&m, "num_channels", &i32) == TL_STATUS_OK && i32 == 40);
    EXPECT(tl_flex_map_i32(&m, "one_minus_smoothing", &i32) == TL_STATUS_OK && i32 == 15975);
    EXPECT(tl_flex_map_i32(&m, "smoothing", &i32) == TL_STATUS_OK && i32 == 409);
    EXPECT(tl_flex_map_i32(&m, "smoothing_bits", &i32) == TL_STATUS_OK && i32 == 10);
    EXPECT(tl_flex_map_i32(&m, "spectral_subtraction_bits", &i32) == TL_STATUS_OK && i32 == 14);
    EXPECT(tl_flex_map_i32(&m, "smooth", &i32) != TL_STATUS_OK); /* a prefix of a key is not the key */
    EXPECT(!tl_flex_map_has(&m, "nothing") && tl_flex_map_has(&m, "smoothing"));

    EXPECT(tl_flex_map_root(rfft, sizeof rfft, &m) == TL_STATUS_OK && m.len == 2);
    EXPECT(tl_flex_map_i32(&m, "T", &i32) == TL_STATUS_OK && i32 == 7);
    EXPECT(tl_flex_map_i32(&m, "fft_length", &i32) == TL_STATUS_OK && i32 == 512);

    EXPECT(tl_flex_map_root(empty, sizeof empty, &m) == TL_STATUS_OK && m.len == 0);
    EXPECT(tl_flex_map_i32(&m, "T", &i32) != TL_STATUS_OK);

    EXPECT(tl_flex_map_root(mixed, sizeof mixed, &m) == TL_STATUS_OK);
    EXPECT(tl_flex_map_i32(&m, "i", &i32) == TL_STATUS_OK && i32 == -5);
    EXPECT(tl_flex_map_i64(&m, "big", &i64) == TL_STATUS_OK && i64 == (int64_t)1 << 40);
    EXPECT(tl_flex_map_i32(&m, "big", &i32) != TL_STATUS_OK);          /* out of int32 range */
    EXPECT(tl_flex_map_i64(&m, "u", &i64) == TL_STATUS_OK && i64 == 3000000000LL);
    EXPECT(tl_flex_map_i32(&m, "u", &i32) != TL_STATUS_OK);
    EXPECT(tl_flex_map_f32(&m, "f", &f) == TL_STATUS_OK && f == 1.5f);
    EXPECT(tl_flex_map_i32(&m, "f", &i32) != TL_STATUS_OK);            /* a float is not an int */
    EXPECT(tl_flex_map_f32(&m, "i", &f) == TL_STATUS_OK && f == -5.0f);
    EXPECT(tl_flex_map_bool(&m, "t", &b) == TL_STATUS_OK && b == 1);
    EXPECT(tl_flex_map_i32(&m, "s", &i32) != TL_STATUS_OK);            /* a string is not an int */
    EXPECT(tl_flex_map_i32(&m, "n", &i32) != TL_STATUS_OK);            /* nor is null */
    EXPECT(tl_flex_map_vec(&m, "s", &v) != TL_STATUS_OK);
    EXPECT(tl_flex_map_i32_vec(&m, "v", arr, 8, &n) == TL_STATUS_OK && n == 3 && arr[0] == 1 && arr[1] == -2 &&
           arr[2] == 300000);
    EXPECT(tl_flex_map_i32_vec(&m, "v", arr, 2, &n) != TL_STATUS_OK && n == 0); /* more than max */
    EXPECT(tl_flex_map_vec(&m, "mixed", &v) == TL_STATUS_OK && v.len == 4);
    EXPECT(tl_flex_vec_i64(&v, 0, &i64) == TL_STATUS_OK && i64 == 1);
    EXPECT(tl_flex_vec_i64(&v, 1, &i64) != TL_STATUS_OK);              /* 2.5 */
    EXPECT(tl_flex_vec_i64(&v, 2, &i64) != TL_STATUS_OK);              /* "x" */
    EXPECT(tl_flex_vec_i64(&v, 3, &i64) == TL_STATUS_OK && i64 == -7);
    EXPECT(tl_flex_vec_i64(&v, 4, &i64) != TL_STATUS_OK);              /* index past the end */
    EXPECT(tl_flex_map_i32_vec(&m, "mixed", arr, 8, &n) != TL_STATUS_OK);

    EXPECT(tl_flex_map_root(small, sizeof small, &m) == TL_STATUS_OK && m.len == 4);
    EXPECT(tl_flex_map_i32(&m, "a", &i32) == TL_STATUS_OK && i32 == 1);
    EXPECT(tl_flex_map_i32_vec(&m, "b", arr, 8, &n) == TL_STATUS_OK && n == 3 && arr[0] == 3 && arr[2] == 5);
    EXPECT(tl_flex_map_bool(&m, "c", &b) == TL_STATUS_OK && b == 0);
    EXPECT(tl_flex_map_i32(&m, "neg", &i32) == TL_STATUS_OK && i32 == -1000);

    EXPECT(tl_flex_map_root(NULL, 0, &m) != TL_STATUS_OK);
    EXPECT(tl_flex_map_root(small, 2, &m) != TL_STATUS_OK);
    EXPECT(tl_flex_map_i32(&m, "a", &i32) != TL_STATUS_OK);            /* a failed root reads as empty */
}

/* Every accessor on a (possibly hostile) blob; results are only required to be statuses. */
static unsigned long exercise(const uint8_t *blob, size_t size) {
    static const char *const keys[] = {"a", "b", "c", "neg", "i", "big", "u", "f", "t", "s", "v", "mixed", "n",
                                       "T", "fft_length", "smoothing", "clamping", "num_channels", ""};
    tl_flex_map m;
    tl_flex_vec v;
    size_t k;
    unsigned long ok = 0;
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy) return 0;
    memcpy(copy, blob, size);
    if (tl_flex_map_root(copy, size, &m) == TL_STATUS_OK) {
        for (k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            int32_t i32, arr[16];
            int64_t i64;
            uint32_t n, j;
            int b;
            float f;
            ok += tl_flex_map_has(&m, keys[k]);
            ok += tl_flex_map_i32(&m, keys[k], &i32) == TL_STATUS_OK;
            ok += tl_flex_map_i64(&m, keys[k], &i64) == TL_STATUS_OK;
            ok += tl_flex_map_bool(&m, keys[k], &b) == TL_STATUS_OK;
            ok += tl_flex_map_f32(&m, keys[k], &f) == TL_STATUS_OK;
            ok += tl_flex_map_i32_vec(&m, keys[k], arr, 16, &n) == TL_STATUS_OK;
            if (tl_flex_map_vec(&m, keys[k], &v) == TL_STATUS_OK)
                for (j = 0; j < v.len && j < 64; j++) ok += tl_flex_vec_i64(&v, j, &i64) == TL_STATUS_OK;
        }
    }
    free(copy);
    return ok;
}

static unsigned long runs;

static void mutate_all(const uint8_t *blob, size_t size) {
    uint8_t buf[512];
    size_t len, pos;
    unsigned value, trial, seed = 12345;
    if (size > sizeof buf) return;
    for (len = 0; len <= size; len++, runs++) /* truncations: the start and the end kept */
        exercise(blob, len), exercise(blob + size - len, len);
    for (pos = 0; pos < size; pos++) /* every value at every position */
        for (value = 0; value < 256; value++, runs++) {
            memcpy(buf, blob, size);
            buf[pos] = (uint8_t)value;
            exercise(buf, size);
        }
    for (trial = 0; trial < 20000; trial++, runs++) { /* a few random bytes at once */
        unsigned k;
        memcpy(buf, blob, size);
        for (k = 0; k < 4; k++) {
            seed = seed * 1103515245u + 12345u;
            buf[(seed >> 8) % size] = (uint8_t)(seed >> 20);
        }
        exercise(buf, size);
    }
}

int main(void) {
    test_values();
    mutate_all(spectral, sizeof spectral);
    mutate_all(rfft, sizeof rfft);
    mutate_all(empty, sizeof empty);
    mutate_all(mixed, sizeof mixed);
    mutate_all(small, sizeof small);
    if (failures) {
        printf("test_flexbuffer: %d failures\n", failures);
        return 1;
    }
    printf("test_flexbuffer: ok (%lu hostile blobs)\n", runs);
    return 0;
}
