/* The int8 depthwise kernels on AVX-512 over packed int16 pairs of taps (tl_dw_s8_pairs in depthwise_s8.h),
 * included twice by depthwise_conv_2d_s8_x86.c: once for AVX-512 F/BW (DWP_DOT: vpmaddwd then vpaddd) and
 * once for VNNI (vpdpwssd). DWP_TARGET is the function attribute, DWP_NAME(n) names each copy. Per output row
 * and block of 32 channels, a 3x3 output is 12 int16 multiply-adds of 32 lanes (3 columns x {rows 0+1 low,
 * high; row 2 low, high}) into two int32 halves; four outputs in a row share the columns they read (6 at
 * stride 1, 9 at stride 2 instead of 12). Other windows run the same scheme in loops (dwk_block). Rows outside
 * the input read the zero point row (column step 0), and the border columns point their taps at it, so every
 * pixel is summed the same way. Sums wrap in int32 lanes as the reference's would not, but prepare bounds the
 * true sum inside int32, so the result is the same. */

/* Column `at` of the three rows: rows 0 and 1 interleaved (v0 low half, v1 high), row 2 with zeros (v2, v3). */
#define DW3_COLUMN(r0, r1, r2)                                                                                \
    do {                                                                                                      \
        __m512i a_ = DW3_LOAD(r0), b_ = DW3_LOAD(r1), c_ = DW3_LOAD(r2);                                      \
        v0 = _mm512_unpacklo_epi16(a_, b_);                                                                   \
        v1 = _mm512_unpackhi_epi16(a_, b_);                                                                   \
        v2 = _mm512_unpacklo_epi16(c_, zero);                                                                 \
        v3 = _mm512_unpackhi_epi16(c_, zero);                                                                 \
    } while (0)

/* One output's (lo, hi) sums take the loaded column as its window column k. */
#define DW3_MAC(lo, hi, k)                                                                                    \
    do {                                                                                                      \
        lo = DWP_DOT(lo, v0, w[4 * (k)]);                                                                     \
        hi = DWP_DOT(hi, v1, w[4 * (k) + 1]);                                                                 \
        lo = DWP_DOT(lo, v2, w[4 * (k) + 2]);                                                                 \
        hi = DWP_DOT(hi, v3, w[4 * (k) + 3]);                                                                 \
    } while (0)

/* 32 int8 (or the block's n under the mask) widened to int16 */
#define DW3_LOAD(p) (tail ? _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(m, (p))) \
                          : _mm512_cvtepi8_epi16(_mm256_loadu_si256((const __m256i *)(const void *)(p))))

/* Requantize both halves, put them back in channel order (vpackssdw), add the output offset and clamp in
 * int16 and int8 with saturation: equal to the reference's saturating add and clamp, since a value that
 * saturates int16 lies far outside the int8 activation range either way. */
DWP_TARGET static inline __attribute__((always_inline)) void DWP_NAME(dwp_store)(int8_t *y, __m512i lo, __m512i hi,
                                                                               const tl_requant_512 *q, int left,
                                                                               __m512i out_offset, __m256i q_lo,
                                                                               __m256i q_hi, __mmask32 m, int tail) {
    __m512i s = _mm512_packs_epi32(tl_requant_512_apply(lo, &q[0], left), tl_requant_512_apply(hi, &q[1], left));
    __m256i b = _mm512_cvtsepi16_epi8(_mm512_adds_epi16(s, out_offset));
    b = _mm256_min_epi8(_mm256_max_epi8(b, q_lo), q_hi);
    if (tail)
        _mm256_mask_storeu_epi8(y, m, b);
    else
        _mm256_storeu_si256((__m256i *)(void *)y, b);
}

/* One output row's block of 32 channels from c (tail: the last, partial one, masked by m). rows[ky] points at
 * input row ky's column 0, channel c (or at the zero point row), cs[ky] is its column step (0 for the zero
 * point row); zp points at the zero point, channel c. */
DWP_TARGET static inline __attribute__((always_inline)) void DWP_NAME(dw3_block)(
    const tl_dw_s8_pairs *p, const int8_t *const rows[3], const int64_t cs[3], const int8_t *zp, int32_t blk,
    __mmask32 m, int tail, int8_t *out) {
    const tl_conv_data *d = p->conv;
    const tl_window *win = &d->win;
    const int32_t stride = win->stride_w, pad = win->pad_w, in_w = d->in_w, out_w = win->out_w;
    const int64_t ys = d->out_c;
    const __m512i zero = _mm512_setzero_si512(), out_offset = _mm512_set1_epi16((int16_t)d->out_offset);
    const __m256i q_lo = _mm256_set1_epi8((int8_t)d->q_lo), q_hi = _mm256_set1_epi8((int8_t)d->q_hi);
    const int16_t *wp = p->w + (int64_t)blk * 12 * 32;
    const int32_t *pb = p->bias + (int64_t)blk * 32, *pm = p->mult + (int64_t)blk * 32, *ps = p->shift + (int64_t)blk * 32;
    const __m512i b_lo = _mm512_loadu_si512(pb), b_hi = _mm512_loadu_si512(pb + 16);
    tl_requant_512 q[2];
    __m512i w[12], v0, v1, v2, v3;
    /* outputs whose window lies inside the row: [in_lo, in_hi) */
    const int32_t in_lo0 = (pad + stride - 1) / stride;
    const int32_t in_hi0 = in_w - 3 + pad < 0 ? 0 : (in_w - 3 + pad) / stride + 1;
    const int32_t in_hi = in_hi0 < out_w ? in_hi0 : out_w, in_lo = in_lo0 < in_hi ? in_lo0 : in_hi;
    int32_t ox, k;
    for (k = 0; k < 12; k++) w[k] = _mm512_loadu_si512(wp + k * 32);
    q[0] = tl_requant_512_setup(_mm512_loadu_si512(pm), _mm512_loadu_si512(ps));
    q[1] = tl_requant_512_setup(_mm512_loadu_si512(pm + 16), _mm512_loadu_si512(ps + 16));
    for (ox = 0; ox < out_w; ox++) {
        if (ox == in_lo) {
            if (stride == 1)
                for (; ox + 4 <= in_hi; ox += 4) {
                    const int64_t at = ox - pad;
                    const int8_t *r0 = rows[0] + at * cs[0], *r1 = rows[1] + at * cs[1], *r2 = rows[2] + at * cs[2];
                    __m512i l0 = b_lo, h0 = b_hi, l1 = b_lo, h1 = b_hi, l2 = b_lo, h2 = b_hi, l3 = b_lo, h3 = b_hi;
                    DW3_COLUMN(r0, r1, r2);
                    DW3_MAC(l0, h0, 0);
                    DW3_COLUMN(r0 + cs[0], r1 + cs[1], r2 + cs[2]);
                    DW3_MAC(l0, h0, 1);
                    DW3_MAC(l1, h1, 0);
                    DW3_COLUMN(r0 + 2 * cs[0], r1 + 2 * cs[1], r2 + 2 * cs[2]);
                    DW3_MAC(l0, h0, 2);
                    DW3_MAC(l1, h1, 1);
                    DW3_MAC(l2, h2, 0);
                    DW3_COLUMN(r0 + 3 * cs[0], r1 + 3 * cs[1], r2 + 3 * cs[2]);
                    DW3_MAC(l1, h1, 2);
                    DW3_MAC(l2, h2, 1);
                    DW3_MAC(l3, h3, 0);
                    DW3_COLUMN(r0 + 4 * cs[0], r1 + 4 * cs[1], r2 + 4 * cs[2]);
                    DW3_MAC(l2, h2, 2);
                    DW3_MAC(l3, h3, 1);
                    DW3_COLUMN(r0 + 5 * cs[0], r1 + 5 * cs[1], r2 + 5 * cs[2]);
                    DW3_MAC(l3, h3, 2);
                    DWP_NAME(dwp_store)(out + ox * ys, l0, h0, q, p->left, out_offset, q_lo, q_hi, m, tail);
                    DWP_NAME(dwp_store)(out + (ox + 1) * ys, l1, h1, q, p->left, out_offset, q_lo, q_hi, m, tail);
                    DWP_NAME(dwp_store)(out + (ox + 2) * ys, l2, h2, q, p->left, out_offset, q_lo, q_hi, m, tail);
                    DWP_NAME(dwp_store)(out + (ox + 3) * ys, l3, h3, q, p->left, out_offset, q_lo, q_hi, m, tail);
                }
            else if (stride == 2)
                for (; ox + 4 <= in_hi; ox += 4) {
                    const int64_t at = 2 * ox - pad;
                    const int8_t *r0 = rows[0] + at * cs[0], *r1 = rows[1] + at * cs[1], *r2 = rows[2] + at * cs[2];
                    __m512i l0 = b_lo, h0 = b_hi, l1 = b_lo, h1 = b_hi, l2 = b_lo, h2 = b_hi, l3 = b_lo, h3 = b_hi;
                    DW3_COLUMN(r0, r1, r2);
                    DW3_MAC(l0, h0, 0);
                    DW3_COLUMN(r0 + cs[0], r1 + cs[1], r2 + cs[2]);
                    DW3_MAC(l0, h0, 1);
                    DW3_COLUMN(r0 + 2 * cs[0], r1 + 2 * cs[1], r2 + 2 * cs[2]);
                    DW3_MAC(l0, h0, 2);
                    DW3_MAC(l1, h1, 0);
                    DW3_COLUMN(r0 + 3 * cs[0], r1 + 3 * cs[1], r2 + 3 * cs[2]);
                    DW3_MAC(l1, h1, 1);
                    DW3_COLUMN(r0 + 4 * cs[0], r1 + 4 * cs[1], r2 + 4 * cs[2]);
                    DW3_MAC(l1, h1, 2);
                    DW3_MAC(l2, h2, 0);
                    DW3_COLUMN(r0 + 5 * cs[0], r1 + 5 * cs[1], r2 + 5 * cs[2]);
                    DW3_MAC(l2, h2, 1);
                    DW3_COLUMN(r0 + 6 * cs[0], r1 + 6 * cs[1], r2 + 6 * cs[2]);
                    DW3_MAC(l2, h2, 2);
                    DW3_MAC(l3, h3, 0);
                    DW3_COLUMN(r0 + 7 * cs[0], r1 + 7 * cs[1], r2 + 7 * cs[2]);
                    DW3_MAC(l3, h3, 1);
                    DW3_COLUMN(r0 + 8 * cs[0], r1 + 8 * cs[1], r2 + 8 * cs[2]);
                    DW3_MAC(l3, h3, 2);
                    DWP_NAME(dwp_store)(out + ox * ys, l0, h0, q, p->left, out_offset, q_lo, q_hi, m, tail);
                    DWP_NAME(dwp_store)(out + (ox + 1) * ys, l1, h1, q, p->left, out_offset, q_lo, q_hi, m, tail);
                    DWP_NAME(dwp_store)(out + (ox + 2) * ys, l2, h2, q, p->left, out_offset, q_lo, q_hi, m, tail);
                    DWP_NAME(dwp_store)(out + (ox + 3) * ys, l3, h3, q, p->left, out_offset, q_lo, q_hi, m, tail);
                }
            if (ox == out_w) break;
        }
        { /* one output; a column outside the input reads the zero point */
            const int32_t ix = ox * stride - pad;
            __m512i lo = b_lo, hi = b_hi;
            for (k = 0; k < 3; k++) {
                const int inside = ix + k >= 0 && ix + k < in_w;
                const int64_t at = ix + k;
                DW3_COLUMN(inside ? rows[0] + at * cs[0] : zp, inside ? rows[1] + at * cs[1] : zp,
                           inside ? rows[2] + at * cs[2] : zp);
                DW3_MAC(lo, hi, k);
            }
            DWP_NAME(dwp_store)(out + ox * ys, lo, hi, q, p->left, out_offset, q_lo, q_hi, m, tail);
        }
    }
}

/* Any window up to 7x7 (the 3x3 loops above, generalised): one window row pair of one column at a time, loaded
 * once for the four outputs of a group that read it. */
DWP_TARGET static inline __attribute__((always_inline)) void DWP_NAME(dwk_block)(
    const tl_dw_s8_pairs *p, const int8_t *const rows[], const int64_t cs[], const int8_t *zp, int32_t blk,
    __mmask32 m, int tail, int8_t *out) {
    const tl_conv_data *d = p->conv;
    const tl_window *win = &d->win;
    const int32_t stride = win->stride_w, pad = win->pad_w, in_w = d->in_w, out_w = win->out_w;
    const int32_t kh = win->filter_h, kw = win->filter_w, pairs = p->pairs;
    const int64_t ys = d->out_c;
    const __m512i zero = _mm512_setzero_si512(), out_offset = _mm512_set1_epi16((int16_t)d->out_offset);
    const __m256i q_lo = _mm256_set1_epi8((int8_t)d->q_lo), q_hi = _mm256_set1_epi8((int8_t)d->q_hi);
    const int16_t *wp = p->w + (int64_t)blk * kw * pairs * 2 * 32;
    const int32_t *pb = p->bias + (int64_t)blk * 32, *pm = p->mult + (int64_t)blk * 32, *ps = p->shift + (int64_t)blk * 32;
    const __m512i b_lo = _mm512_loadu_si512(pb), b_hi = _mm512_loadu_si512(pb + 16);
    const int32_t in_lo0 = (pad + stride - 1) / stride;
    const int32_t in_hi0 = in_w - kw + pad < 0 ? 0 : (in_w - kw + pad) / stride + 1;
    const int32_t in_hi = in_hi0 < out_w ? in_hi0 : out_w, in_lo = in_lo0 < in_hi ? in_lo0 : in_hi;
    tl_requant_512 q[2];
    int32_t ox, j, r, k;
    q[0] = tl_requant_512_setup(_mm512_loadu_si512(pm), _mm512_loadu_si512(ps));
    q[1] = tl_requant_512_setup(_mm512_loadu_si512(pm + 16), _mm512_loadu_si512(ps + 16));
/* window column k of row pair r into the sums (lo, hi) */
#define DWK_MAC(lo, hi, k)                                                                                    \
    do {                                                                                                      \
        const int16_t *w_ = wp + (((int64_t)(k) * pairs + r) * 2) * 32;                                       \
        lo = DWP_DOT(lo, u0, _mm512_loadu_si512(w_));                                                         \
        hi = DWP_DOT(hi, u1, _mm512_loadu_si512(w_ + 32));                                                    \
    } while (0)
    for (ox = 0; ox < out_w; ox++) {
        if (ox == in_lo) {
            for (; ox + 4 <= in_hi; ox += 4) {
                const int64_t at = (int64_t)ox * stride - pad;
                const int32_t cols = 3 * stride + kw;
                __m512i l0 = b_lo, h0 = b_hi, l1 = b_lo, h1 = b_hi, l2 = b_lo, h2 = b_hi, l3 = b_lo, h3 = b_hi;
                for (j = 0; j < cols; j++)
                    for (r = 0; r < pairs; r++) {
                        const __m512i a = DW3_LOAD(rows[2 * r] + (at + j) * cs[2 * r]);
                        const __m512i b = 2 * r + 1 < kh ? DW3_LOAD(rows[2 * r + 1] + (at + j) * cs[2 * r + 1]) : zero;
                        const __m512i u0 = _mm512_unpacklo_epi16(a, b), u1 = _mm512_unpackhi_epi16(a, b);
                        if (j < kw) DWK_MAC(l0, h0, j);
                        if (j >= stride && j - stride < kw) DWK_MAC(l1, h1, j - stride);
                        if (j >= 2 * stride && j - 2 * stride < kw) DWK_MAC(l2, h2, j - 2 * stride);
                        if (j >= 3 * stride) DWK_MAC(l3, h3, j - 3 * stride);
                    }
                DWP_NAME(dwp_store)(out + ox * ys, l0, h0, q, p->left, out_offset, q_lo, q_hi, m, tail);
                DWP_NAME(dwp_store)(out + (ox + 1) * ys, l1, h1, q, p->left, out_offset, q_lo, q_hi, m, tail);
                DWP_NAME(dwp_store)(out + (ox + 2) * ys, l2, h2, q, p->left, out_offset, q_lo, q_hi, m, tail);
                DWP_NAME(dwp_store)(out + (ox + 3) * ys, l3, h3, q, p->left, out_offset, q_lo, q_hi, m, tail);
            }
            if (ox == out_w) break;
        }
        { /* one output; a column outside the input reads the zero point */
            const int32_t ix = ox * stride - pad;
            __m512i lo = b_lo, hi = b_hi;
            for (k = 0; k < kw; k++) {
                const int inside = ix + k >= 0 && ix + k < in_w;
                const int64_t at = ix + k;
                for (r = 0; r < pairs; r++) {
                    const __m512i a = DW3_LOAD(inside ? rows[2 * r] + at * cs[2 * r] : zp);
                    const __m512i b = 2 * r + 1 < kh ? DW3_LOAD(inside ? rows[2 * r + 1] + at * cs[2 * r + 1] : zp) : zero;
                    const __m512i u0 = _mm512_unpacklo_epi16(a, b), u1 = _mm512_unpackhi_epi16(a, b);
                    DWK_MAC(lo, hi, k);
                }
            }
            DWP_NAME(dwp_store)(out + ox * ys, lo, hi, q, p->left, out_offset, q_lo, q_hi, m, tail);
        }
    }
#undef DWK_MAC
}

DWP_TARGET void DWP_NAME(tl_dw_s8_pairs)(const tl_dw_s8_pairs *p, const int8_t *x, int8_t *y, int64_t first_row,
                                         int64_t last_row) {
    const tl_conv_data *d = p->conv;
    const tl_window *win = &d->win;
    const int32_t c_all = d->out_c, blocks = (c_all + TL_DWP_CB - 1) / TL_DWP_CB, kh = win->filter_h;
    const int32_t tail_n = c_all - (blocks - 1) * TL_DWP_CB;
    const __mmask32 tail_m = (__mmask32)(tail_n == 32 ? 0xFFFFFFFFu : (1u << tail_n) - 1u);
    const int three = kh == 3 && win->filter_w == 3;
    int64_t line;
    int32_t blk, ky;
    for (line = first_row; line < last_row; line++) {
        const int32_t b = (int32_t)(line / win->out_h), oy = (int32_t)(line % win->out_h);
        const int32_t iy0 = oy * win->stride_h - win->pad_h;
        int8_t *out_row = y + ((int64_t)b * win->out_h + oy) * win->out_w * c_all;
        const int8_t *base[TL_DWP_MAX_SIDE];
        int64_t cs[TL_DWP_MAX_SIDE];
        for (ky = 0; ky < kh; ky++) {
            const int32_t iy = iy0 + ky;
            const int inside = iy >= 0 && iy < d->in_h;
            base[ky] = inside ? x + ((int64_t)b * d->in_h + iy) * d->in_w * c_all : p->zp;
            cs[ky] = inside ? c_all : 0;
        }
        for (blk = 0; blk < blocks; blk++) {
            const int32_t c = blk * TL_DWP_CB;
            const int full = blk + 1 < blocks || tail_n == TL_DWP_CB;
            const int8_t *rows[TL_DWP_MAX_SIDE];
            for (ky = 0; ky < kh; ky++) rows[ky] = base[ky] + c;
            if (three && full)
                DWP_NAME(dw3_block)(p, rows, cs, p->zp + c, blk, 0xFFFFFFFFu, 0, out_row + c);
            else if (three)
                DWP_NAME(dw3_block)(p, rows, cs, p->zp + c, blk, tail_m, 1, out_row + c);
            else if (full)
                DWP_NAME(dwk_block)(p, rows, cs, p->zp + c, blk, 0xFFFFFFFFu, 0, out_row + c);
            else
                DWP_NAME(dwk_block)(p, rows, cs, p->zp + c, blk, tail_m, 1, out_row + c);
        }
    }
}

/* Few channels as runs (tl_dw_s8_flat_* in depthwise_s8.h): per output row, blocks of 32 bytes of the run. */
DWP_TARGET void DWP_NAME(tl_dw_s8_flat)(const tl_dw_s8_pairs *p, const int8_t *x, int8_t *y, int64_t first_row,
                                        int64_t last_row) {
    const tl_conv_data *d = p->conv;
    const tl_window *win = &d->win;
    const int32_t c_all = d->out_c, kh = win->filter_h, kw = win->filter_w, pairs = p->pairs;
    const int32_t run = win->out_w * c_all;
    const __m512i zero = _mm512_setzero_si512(), out_offset = _mm512_set1_epi16((int16_t)d->out_offset);
    const __m256i q_lo = _mm256_set1_epi8((int8_t)d->q_lo), q_hi = _mm256_set1_epi8((int8_t)d->q_hi);
    const int16_t *wp = p->w;
    const __m512i b_lo = _mm512_loadu_si512(p->bias), b_hi = _mm512_loadu_si512(p->bias + 16);
    tl_requant_512 q[2];
    int64_t line;
    int32_t at, k, r, ky;
    q[0] = tl_requant_512_setup(_mm512_loadu_si512(p->mult), _mm512_loadu_si512(p->shift));
    q[1] = tl_requant_512_setup(_mm512_loadu_si512(p->mult + 16), _mm512_loadu_si512(p->shift + 16));
    for (line = first_row; line < last_row; line++) {
        const int32_t b = (int32_t)(line / win->out_h), oy = (int32_t)(line % win->out_h);
        const int32_t iy0 = oy * win->stride_h - win->pad_h;
        int8_t *out_row = y + ((int64_t)b * win->out_h + oy) * run;
        const int8_t *rows[TL_DWP_MAX_SIDE];
        for (ky = 0; ky < kh; ky++) {
            const int32_t iy = iy0 + ky;
            rows[ky] = iy >= 0 && iy < d->in_h ? x + ((int64_t)b * d->in_h + iy) * d->in_w * c_all : p->zp;
        }
        for (at = 0; at < run; at += TL_DWP_CB) {
            const int tail = run - at < TL_DWP_CB;
            const __mmask32 m = (__mmask32)(tail ? (1u << (run - at)) - 1u : 0xFFFFFFFFu);
            __m512i lo = b_lo, hi = b_hi;
            for (k = 0; k < kw; k++)
                for (r = 0; r < pairs; r++) {
                    const __m512i a = DW3_LOAD(rows[2 * r] + at + k * c_all);
                    const __m512i bb = 2 * r + 1 < kh ? DW3_LOAD(rows[2 * r + 1] + at + k * c_all) : zero;
                    const __m512i u0 = _mm512_unpacklo_epi16(a, bb), u1 = _mm512_unpackhi_epi16(a, bb);
                    const int16_t *w_ = wp + (((int64_t)k * pairs + r) * 2) * 32;
                    lo = DWP_DOT(lo, u0, _mm512_loadu_si512(w_));
                    hi = DWP_DOT(hi, u1, _mm512_loadu_si512(w_ + 32));
                }
            DWP_NAME(dwp_store)(out_row + at, lo, hi, q, p->left, out_offset, q_lo, q_hi, m, tail);
        }
    }
}

#undef DW3_COLUMN
#undef DW3_MAC
#undef DW3_LOAD
