/* MULTINOMIAL: num_samples class indices per row of float32 logits [batch, classes], int32 or int64, from the
 * node's Philox stream (common/random.h), as LiteRT's reference kernel (TensorFlow's multinomial, checked on
 * LiteRT's output): each row's cumulative sums of exp(logit - the row's largest finite logit) in double
 * (non-finite logits add nothing), then per sample u * total with u a double from two words, and the first
 * class whose cumulative sum exceeds it (classes when none does). An invoke draws from the stream as it is
 * and then moves it on by batch * (num_samples rounded up to 4) * 512 blocks. num_samples (an int32 scalar)
 * must equal the output's second dim: checked in prepare when constant, at invoke otherwise. */
#include <math.h>

#include "common/random.h"

typedef struct {
    tl_philox philox;
    int32_t batch, classes, samples;
    tl_scratch *cdf; /* classes doubles */
} multinomial_data;

#define MULTINOMIAL_EVAL(name, T)                                                                         \
    static tl_status name(tl_interpreter *it, tl_node *node) {                                            \
        multinomial_data *d = node->op_data;                                                               \
        const tl_tensor *num = tl_node_input(it, node, 1);                                                 \
        const float *logits = tl_node_input(it, node, 0)->data;                                            \
        T *y = tl_node_output(it, node, 0)->data;                                                          \
        double *cdf = d->cdf->data;                                                                        \
        tl_philox p = d->philox;                                                                           \
        uint32_t block[4];                                                                                 \
        int32_t b, j, k = 4; /* k: words of block used */                                                  \
        if (!num->is_constant && *(const int32_t *)num->data != d->samples)                                \
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "num_samples differs from the output's shape"); \
        for (b = 0; b < d->batch; b++) {                                                                   \
            const float *row = logits + (int64_t)b * d->classes;                                           \
            float max = -3.40282347e+38f;                                                                  \
            double total = 0.0;                                                                            \
            for (j = 0; j < d->classes; j++)                                                               \
                if (isfinite(row[j]) && row[j] > max) max = row[j];                                        \
            for (j = 0; j < d->classes; j++) {                                                             \
                if (isfinite(row[j])) total += exp((double)row[j] - (double)max);                          \
                cdf[j] = total;                                                                            \
            }                                                                                              \
            for (j = 0; j < d->samples; j++) {                                                             \
                double u, find;                                                                            \
                int32_t lo = 0, hi = d->classes;                                                           \
                if (k == 4) {                                                                              \
                    tl_philox_next(&p, block);                                                             \
                    k = 0;                                                                                 \
                }                                                                                          \
                u = tl_philox_double(block[k], block[k + 1]);                                              \
                k += 2;                                                                                    \
                find = u * total;                                                                          \
                while (lo < hi) { /* first cdf > find */                                                   \
                    int32_t mid = lo + (hi - lo) / 2;                                                      \
                    if (cdf[mid] > find) hi = mid;                                                         \
                    else lo = mid + 1;                                                                     \
                }                                                                                          \
                y[(int64_t)b * d->samples + j] = (T)lo;                                                    \
            }                                                                                              \
        }                                                                                                  \
        tl_philox_skip(&d->philox, (uint64_t)d->batch * (uint64_t)((d->samples + 3) / 4 * 4) * 512u);      \
        return TL_STATUS_OK;                                                                               \
    }

MULTINOMIAL_EVAL(tl_multinomial_eval_f32_s32, int32_t)
MULTINOMIAL_EVAL(tl_multinomial_eval_f32_s64, int64_t)

tl_status tl_multinomial_prepare(tl_interpreter *it, tl_node *node) {
    const tl_tensor *logits = tl_node_input(it, node, 0), *num = tl_node_input(it, node, 1);
    const tl_tensor *out = tl_node_output(it, node, 0);
    multinomial_data *d;
    tl_status st;
    if (!logits || !num || !out) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs logits, num_samples and output");
    if (logits->type != TL_TYPE_FLOAT32) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "logits must be float32");
    if (out->type != TL_TYPE_INT32 && out->type != TL_TYPE_INT64)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "output must be int32 or int64");
    if (num->type != TL_TYPE_INT32 || tl_tensor_numel(num) != 1)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "num_samples must be one int32");
    if (logits->ndim != 2 || out->ndim != 2 || out->dims[0] != logits->dims[0])
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "logits must be [batch, classes] and the output [batch, num_samples]");
    if (num->is_constant && *(const int32_t *)num->data != out->dims[1])
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "num_samples differs from the output's shape");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    if ((st = tl_random_seed(it, node, &d->philox)) != TL_STATUS_OK) return st;
    d->batch = logits->dims[0];
    d->classes = logits->dims[1];
    d->samples = out->dims[1];
    d->cdf = tl_request_scratch(it, node, (size_t)(d->classes ? d->classes : 1) * sizeof(double));
    if (!d->cdf) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "scratch");
    node->op_data = d;
    node->eval = out->type == TL_TYPE_INT32 ? tl_multinomial_eval_f32_s32 : tl_multinomial_eval_f32_s64;
    return TL_STATUS_OK;
}
