/* TRANSPOSE in the optimized tier (kernels/transpose.c is the definition): a data movement, so any
 * order of copies gives the reference's bytes. Prepare drops the size-1 axes and merges output axes
 * that stay neighbours in the input, so retinaface's NHWC <-> NCHW transposes become one 2-D
 * transpose. Eval then copies contiguous runs with memcpy when the last axis keeps its place, or
 * transposes the last two axes in 32 x 32 tiles with one typed load/store per element (1, 2, 4, 8
 * bytes), walking the remaining axes with an odometer. One thread: the models that use TRANSPOSE
 * move small tensors. */
#include <string.h>

#include "opt_kernels.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define TILE 32

typedef void (*copy_2d_fn)(uint8_t *dst, const uint8_t *src, int64_t rows, int64_t cols, int64_t row_stride,
                           int64_t col_stride, size_t elem);

typedef struct {
    int32_t ndim;                /* axes after merging, at least 1 */
    int64_t dims[TL_MAX_DIMS];   /* output dims */
    int64_t stride[TL_MAX_DIMS]; /* input stride, in elements, of each output axis */
    size_t elem;
    copy_2d_fn copy;
} transpose_opt;

/* dst[r][c] = src[r * row_stride + c * col_stride], dst dense [rows, cols], in tiles. */
#define COPY_2D(name, T)                                                                                        \
    static void name(uint8_t *dst, const uint8_t *src, int64_t rows, int64_t cols, int64_t row_stride,          \
                     int64_t col_stride, size_t elem) {                                                          \
        T *y = (T *)(void *)dst;                                                                                 \
        const T *x = (const T *)(const void *)src;                                                               \
        int64_t r0, c0, r, c;                                                                                    \
        (void)elem;                                                                                              \
        for (r0 = 0; r0 < rows; r0 += TILE) {                                                                    \
            int64_t r1 = r0 + TILE < rows ? r0 + TILE : rows;                                                   \
            for (c0 = 0; c0 < cols; c0 += TILE) {                                                                \
                int64_t c1 = c0 + TILE < cols ? c0 + TILE : cols;                                               \
                for (r = r0; r < r1; r++)                                                                        \
                    for (c = c0; c < c1; c++) y[r * cols + c] = x[r * row_stride + c * col_stride];             \
            }                                                                                                    \
        }                                                                                                        \
    }

COPY_2D(copy_2d_u8, uint8_t)
COPY_2D(copy_2d_u16, uint16_t)

/* Bytes, in 8 x 8 blocks: a block's 8 source rows of 8 bytes (rows of dst run along the source's
 * contiguous axis: row_stride 1) are transposed in 64-bit words by three rounds of swaps (4 x 4, 2 x 2,
 * 1 x 1 byte blocks; little-endian byte order), then stored as 8 dst rows of 8 bytes. The element loop
 * above costs about a byte per cycle, and retinaface's int8 NHWC <-> NCHW transposes took 37% of its
 * time in it. Edges, other strides and big-endian hosts take the element loop. */
static void transpose_8x8(uint64_t w[8]) {
    uint64_t t;
    int k;
    for (k = 0; k < 4; k++) {
        t = ((w[k] >> 32) ^ w[k + 4]) & 0x00000000FFFFFFFFull;
        w[k] ^= t << 32;
        w[k + 4] ^= t;
    }
    for (k = 0; k < 8; k += (k & 1) ? 3 : 1) { /* 0, 1, 4, 5 */
        t = ((w[k] >> 16) ^ w[k + 2]) & 0x0000FFFF0000FFFFull;
        w[k] ^= t << 16;
        w[k + 2] ^= t;
    }
    for (k = 0; k < 8; k += 2) {
        t = ((w[k] >> 8) ^ w[k + 1]) & 0x00FF00FF00FF00FFull;
        w[k] ^= t << 8;
        w[k + 1] ^= t;
    }
}

static int little_endian(void) {
    const uint16_t one = 1;
    return *(const uint8_t *)&one == 1;
}

/* dst[r][c] = src[r + c * col_stride] over rows [r_begin, r_end) and columns [c_begin, c_end): 8 x 8 blocks,
 * then the element loop right of and below them. */
static void blocks_8x8(uint8_t *dst, const uint8_t *src, int64_t r_begin, int64_t r_end, int64_t c_begin, int64_t c_end,
                       int64_t cols, int64_t col_stride) {
    int64_t r8 = r_begin + ((r_end - r_begin) & ~(int64_t)7), c8 = c_begin + ((c_end - c_begin) & ~(int64_t)7);
    int64_t r0, c0, r, c;
    uint64_t w[8];
    int k;
    for (r0 = r_begin; r0 < r8; r0 += 8)
        for (c0 = c_begin; c0 < c8; c0 += 8) {
            for (k = 0; k < 8; k++) memcpy(&w[k], src + r0 + (c0 + k) * col_stride, 8); /* dst column c0 + k */
            transpose_8x8(w);
            for (k = 0; k < 8; k++) memcpy(dst + (r0 + k) * cols + c0, &w[k], 8);
        }
    for (r = r_begin; r < r_end; r++) /* the columns right of the blocks, then the rows below them */
        for (c = r < r8 ? c8 : c_begin; c < c_end; c++) dst[r * cols + c] = src[r + c * col_stride];
}

#if defined(__SSE2__)
/* 16 x 16 byte blocks in SSE2 (every x86-64): four rounds of interleaving vector i with vector i + 8
 * (bytes 0-7 into vector 2i, 8-15 into 2i + 1). Each round rotates the 8-bit address (vector, byte) of
 * every element left by one bit, so four rounds swap its halves: the block is transposed. */
static void blocks_16x16(uint8_t *dst, const uint8_t *src, int64_t rows, int64_t cols, int64_t col_stride) {
    int64_t r0, c0;
    __m128i x[16], y[16];
    int k, round;
    for (r0 = 0; r0 + 16 <= rows; r0 += 16)
        for (c0 = 0; c0 + 16 <= cols; c0 += 16) {
            for (k = 0; k < 16; k++) x[k] = _mm_loadu_si128((const __m128i *)(const void *)(src + r0 + (c0 + k) * col_stride));
            for (round = 0; round < 2; round++) { /* x -> y, then y -> x */
                for (k = 0; k < 8; k++) {
                    y[2 * k] = _mm_unpacklo_epi8(x[k], x[k + 8]);
                    y[2 * k + 1] = _mm_unpackhi_epi8(x[k], x[k + 8]);
                }
                for (k = 0; k < 8; k++) {
                    x[2 * k] = _mm_unpacklo_epi8(y[k], y[k + 8]);
                    x[2 * k + 1] = _mm_unpackhi_epi8(y[k], y[k + 8]);
                }
            }
            for (k = 0; k < 16; k++) _mm_storeu_si128((__m128i *)(void *)(dst + (r0 + k) * cols + c0), x[k]);
        }
}

/* Eight vectors: `rounds` rounds of interleaving vector i with i + 4, each rotating the 7-bit address
 * (vector, byte) of every element left by one bit. */
static void interleave_8(__m128i x[8], int rounds) {
    __m128i y[8];
    int k;
    for (; rounds > 0; rounds--) {
        for (k = 0; k < 4; k++) {
            y[2 * k] = _mm_unpacklo_epi8(x[k], x[k + 4]);
            y[2 * k + 1] = _mm_unpackhi_epi8(x[k], x[k + 4]);
        }
        for (k = 0; k < 8; k++) x[k] = y[k];
    }
}

/* cols == 8 (NCHW -> NHWC with 8 channels): 16 rows from the 8 source runs; after three rounds vector k
 * holds dst rows 2k and 2k + 1, which are adjacent. Rows past the last 16 are left. */
static int64_t cols_8(uint8_t *dst, const uint8_t *src, int64_t rows, int64_t col_stride) {
    int64_t r0;
    __m128i x[8];
    int k;
    for (r0 = 0; r0 + 16 <= rows; r0 += 16) {
        for (k = 0; k < 8; k++) x[k] = _mm_loadu_si128((const __m128i *)(const void *)(src + r0 + k * col_stride));
        interleave_8(x, 3);
        for (k = 0; k < 8; k++) _mm_storeu_si128((__m128i *)(void *)(dst + r0 * 8 + 16 * k), x[k]);
    }
    return r0;
}

/* rows == 8 (NHWC -> NCHW from 8 channels): 16 columns are 128 contiguous source bytes; after four
 * rounds vector r holds dst row r's 16 columns. Columns past the last 16 are left. */
static int64_t rows_8(uint8_t *dst, const uint8_t *src, int64_t cols, int64_t col_stride) {
    int64_t c0;
    __m128i x[8];
    int k;
    for (c0 = 0; c0 + 16 <= cols; c0 += 16) {
        for (k = 0; k < 8; k++) x[k] = _mm_loadu_si128((const __m128i *)(const void *)(src + (c0 + 2 * k) * col_stride));
        interleave_8(x, 4);
        for (k = 0; k < 8; k++) _mm_storeu_si128((__m128i *)(void *)(dst + k * cols + c0), x[k]);
    }
    return c0;
}
#endif

static void copy_2d_u8_blocks(uint8_t *dst, const uint8_t *src, int64_t rows, int64_t cols, int64_t row_stride,
                              int64_t col_stride, size_t elem) {
    int64_t r16 = 0, c16 = 0;
    if (row_stride != 1 || !little_endian()) {
        copy_2d_u8(dst, src, rows, cols, row_stride, col_stride, elem);
        return;
    }
#if defined(__SSE2__)
    if (cols == 8) {
        blocks_8x8(dst, src, cols_8(dst, src, rows, col_stride), rows, 0, cols, cols, col_stride);
        return;
    }
    if (rows == 8 && col_stride == 8) { /* the source is [cols][8], contiguous */
        blocks_8x8(dst, src, 0, rows, rows_8(dst, src, cols, col_stride), cols, cols, col_stride);
        return;
    }
    r16 = rows & ~(int64_t)15;
    c16 = cols & ~(int64_t)15;
    blocks_16x16(dst, src, rows, cols, col_stride);
    if (c16 == 0) r16 = 0; /* no blocks were done */
#endif
    blocks_8x8(dst, src, 0, r16, c16, cols, cols, col_stride); /* right of the 16 x 16 blocks */
    blocks_8x8(dst, src, r16, rows, 0, cols, cols, col_stride); /* below them (all, without SSE2) */
}
COPY_2D(copy_2d_u32, uint32_t)
COPY_2D(copy_2d_u64, uint64_t)

static void copy_2d_bytes(uint8_t *dst, const uint8_t *src, int64_t rows, int64_t cols, int64_t row_stride,
                          int64_t col_stride, size_t elem) {
    int64_t r, c;
    for (r = 0; r < rows; r++)
        for (c = 0; c < cols; c++)
            memcpy(dst + (size_t)(r * cols + c) * elem, src + (size_t)(r * row_stride + c * col_stride) * elem, elem);
}

static tl_status eval_transpose(tl_interpreter *it, tl_node *node) {
    const transpose_opt *o = node->op_data;
    const uint8_t *x = tl_node_input(it, node, 0)->data;
    uint8_t *y = tl_node_output(it, node, 0)->data;
    int32_t n = o->ndim, outer = o->stride[n - 1] == 1 ? n - 1 : n - 2, k;
    int64_t idx[TL_MAX_DIMS] = {0}, blocks = 1, block, src = 0;
    int64_t inner = outer == n - 1 ? o->dims[n - 1] : o->dims[n - 2] * o->dims[n - 1];
    size_t bytes = (size_t)inner * o->elem;
    for (k = 0; k < outer; k++) blocks *= o->dims[k];
    for (block = 0; block < blocks; block++) {
        uint8_t *dst = y + (size_t)block * bytes;
        if (outer == n - 1)
            memcpy(dst, x + (size_t)src * o->elem, bytes);
        else
            o->copy(dst, x + (size_t)src * o->elem, o->dims[n - 2], o->dims[n - 1], o->stride[n - 2], o->stride[n - 1],
                    o->elem);
        for (k = outer - 1; k >= 0; k--) { /* the next block's first input element */
            src += o->stride[k];
            if (++idx[k] < o->dims[k]) break;
            src -= o->stride[k] * o->dims[k];
            idx[k] = 0;
        }
    }
    return TL_STATUS_OK;
}

tl_status tl_transpose_opt_prepare(tl_interpreter *it, tl_node *node, int32_t ndim, const int32_t *out_dims,
                                   const int64_t *in_stride, size_t elem) {
    transpose_opt *o = tl_alloc_persistent(it, sizeof *o);
    int32_t i, n = 0;
    if (!o) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "optimized TRANSPOSE op data");
    for (i = 0; i < ndim; i++) {
        if (out_dims[i] == 1) continue;
        if (n > 0 && o->stride[n - 1] == in_stride[i] * out_dims[i]) { /* neighbours in the input too */
            o->dims[n - 1] *= out_dims[i];
            o->stride[n - 1] = in_stride[i];
        } else {
            o->dims[n] = out_dims[i];
            o->stride[n] = in_stride[i];
            n++;
        }
    }
    if (n == 0) { /* one element */
        o->dims[0] = 1;
        o->stride[0] = 1;
        n = 1;
    }
    o->ndim = n;
    o->elem = elem;
    o->copy = elem == 1 ? copy_2d_u8_blocks : elem == 2 ? copy_2d_u16 : elem == 4 ? copy_2d_u32 : elem == 8 ? copy_2d_u64
                                                                                                   : copy_2d_bytes;
    node->op_data = o;
    node->eval = eval_transpose;
    return TL_STATUS_OK;
}
