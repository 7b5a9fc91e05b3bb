/* NON_MAX_SUPPRESSION_V4 (boxes, scores, max_output_size, iou_threshold, score_threshold -> selected
 * indices, valid count) and _V5 (+ soft_nms_sigma -> + selected scores): single-class greedy NMS with
 * LiteRT's Gaussian soft-NMS, float32 boxes [N, 4] (y1, x1, y2, x2 corners in either order) and
 * scores [N]. max_output_size must be a constant (with a runtime one LiteRT sizes the outputs by the
 * number selected, known only at invoke); the outputs have max_output_size entries, those past the
 * valid count 0, as LiteRT's.
 *
 * The selection is LiteRT's reference step by step: candidates scoring above score_threshold go into a
 * max-heap on score, popped one at a time and compared, newest selection first, with the selections
 * made since it was last compared: an IoU >= iou_threshold drops it; otherwise with sigma > 0 its
 * score decays by exp(-0.5 / sigma * iou^2). Unchanged, it is selected; still above the threshold, it
 * goes back into the heap (a selected candidate too, as LiteRT's does: popped again it meets itself,
 * IoU 1, and drops out, unless the box is empty or iou_threshold is above 1). Equal scores leave the
 * heap in the order libstdc++'s push_heap/pop_heap (which LiteRT's std::priority_queue compiles to)
 * gives, so the heap below is written to move elements exactly as those do. */
#include <math.h>
#include <string.h>

#include "non_max_suppression.h"

typedef struct {
    int32_t index;
    float score;
    int32_t begin; /* selections before this one were already compared with the candidate */
} candidate;

typedef struct {
    int32_t boxes, max_out, soft;
    tl_scratch *heap; /* boxes candidates */
} nms_data;

/* libstdc++'s __push_heap: the hole moves up while its parent scores below the value. */
static void sift_up(candidate *h, int32_t hole, int32_t top, candidate v) {
    int32_t parent = (hole - 1) / 2;
    while (hole > top && h[parent].score < v.score) {
        h[hole] = h[parent];
        hole = parent;
        parent = (hole - 1) / 2;
    }
    h[hole] = v;
}

static void heap_push(candidate *h, int32_t *n, candidate v) {
    h[*n] = v;
    (*n)++;
    sift_up(h, *n - 1, 0, h[*n - 1]);
}

/* libstdc++'s pop_heap + pop_back: the last element is re-inserted from the root's hole after the
 * hole is moved down along the larger children (the right one unless the left scores above it). */
static candidate heap_pop(candidate *h, int32_t *n) {
    candidate top = h[0], v;
    int32_t len = *n - 1, hole = 0, child = 0;
    if (*n > 1) {
        v = h[len];
        h[len] = h[0];
        while (child < (len - 1) / 2) {
            child = 2 * (child + 1);
            if (h[child].score < h[child - 1].score) child--;
            h[hole] = h[child];
            hole = child;
        }
        if ((len & 1) == 0 && child == (len - 2) / 2) {
            child = 2 * (child + 1);
            h[hole] = h[child - 1];
            hole = child - 1;
        }
        sift_up(h, hole, 0, v);
    }
    *n = len;
    return top;
}

/* std::min / std::max as LiteRT calls them: (b < a) ? b : a and (a < b) ? b : a. */
static float min_f(float a, float b) { return b < a ? b : a; }
static float max_f(float a, float b) { return a < b ? b : a; }

static float iou(const float *boxes, int32_t i, int32_t j) {
    const float *a = boxes + 4 * i, *b = boxes + 4 * j;
    const float ay0 = min_f(a[0], a[2]), ay1 = max_f(a[0], a[2]), ax0 = min_f(a[1], a[3]), ax1 = max_f(a[1], a[3]);
    const float by0 = min_f(b[0], b[2]), by1 = max_f(b[0], b[2]), bx0 = min_f(b[1], b[3]), bx1 = max_f(b[1], b[3]);
    const float area_a = (ay1 - ay0) * (ax1 - ax0), area_b = (by1 - by0) * (bx1 - bx0);
    float inter, uni;
    if (area_a <= 0.0f || area_b <= 0.0f) return 0.0f;
    inter = max_f(min_f(ay1, by1) - max_f(ay0, by0), 0.0f) * max_f(min_f(ax1, bx1) - max_f(ax0, bx0), 0.0f);
    uni = area_a + area_b - inter;
    return uni == 0.0f ? 0.0f : inter / uni;
}

static float scalar_f32(const tl_tensor *t) {
    float v;
    memcpy(&v, t->data, sizeof v);
    return v;
}

static tl_status tl_non_max_suppression_eval_f32(tl_interpreter *it, tl_node *node) {
    const nms_data *d = node->op_data;
    const float *boxes = tl_node_input(it, node, 0)->data, *scores = tl_node_input(it, node, 1)->data;
    const float iou_threshold = scalar_f32(tl_node_input(it, node, 3));
    const float score_threshold = scalar_f32(tl_node_input(it, node, 4));
    const float sigma = d->soft ? scalar_f32(tl_node_input(it, node, 5)) : 0.0f;
    int32_t *sel = tl_node_output(it, node, 0)->data;
    float *sel_scores = d->soft ? tl_node_output(it, node, 1)->data : NULL;
    int32_t *valid = tl_node_output(it, node, d->soft ? 2 : 1)->data;
    candidate *heap = d->heap ? d->heap->data : NULL;
    int32_t n = 0, count = 0, outputs, i, j;
    float scale;
    if (sigma < 0.0f) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "soft_nms_sigma is negative");
    for (i = 0; i < d->boxes; i++)
        if (scores[i] > score_threshold) {
            candidate c;
            c.index = i;
            c.score = scores[i];
            c.begin = 0;
            heap_push(heap, &n, c);
        }
    outputs = n < d->max_out ? n : d->max_out;
    scale = sigma > 0.0f ? -0.5f / sigma : 0.0f;
    while (count < outputs && n > 0) {
        candidate c = heap_pop(heap, &n);
        const float original = c.score;
        int hard = 0;
        for (j = count - 1; j >= c.begin; j--) {
            const float o = iou(boxes, c.index, sel[j]);
            if (o >= iou_threshold) {
                hard = 1;
                break;
            }
            if (sigma > 0.0f) c.score = c.score * expf(scale * o * o);
            if (c.score <= score_threshold) break;
        }
        c.begin = count;
        if (hard) continue;
        if (c.score == original) {
            sel[count] = c.index;
            if (sel_scores) sel_scores[count] = c.score;
            count++;
        }
        if (c.score > score_threshold) heap_push(heap, &n, c);
    }
    *valid = count;
    for (i = count; i < d->max_out; i++) {
        sel[i] = 0;
        if (sel_scores) sel_scores[i] = 0.0f;
    }
    return TL_STATUS_OK;
}

static int is_f32_scalar(const tl_tensor *t) { return t && t->type == TL_TYPE_FLOAT32 && t->ndim == 0; }

tl_status tl_non_max_suppression_prepare_common(tl_interpreter *it, tl_node *node, int soft) {
    const tl_tensor *boxes = tl_node_input(it, node, 0), *scores = tl_node_input(it, node, 1);
    const tl_tensor *max_out = tl_node_input(it, node, 2);
    const int32_t outs = soft ? 3 : 2;
    const tl_tensor *sel = tl_node_output(it, node, 0), *valid = tl_node_output(it, node, outs - 1);
    nms_data *d;
    int32_t m, i;
    if (tl_node_num_inputs(node) != (soft ? 6 : 5) || tl_node_num_outputs(node) != outs || !boxes || !scores ||
        !max_out || !sel || !valid)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID,
                       soft ? "needs 6 inputs and 3 outputs (indices, scores, valid count)"
                            : "needs 5 inputs and 2 outputs (indices, valid count)");
    if (boxes->type != TL_TYPE_FLOAT32 || boxes->ndim != 2 || boxes->dims[1] != 4)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "boxes must be float32 [num_boxes, 4]");
    if (scores->type != TL_TYPE_FLOAT32 || scores->ndim != 1 || scores->dims[0] != boxes->dims[0])
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "scores must be float32 [num_boxes]");
    if (max_out->type != TL_TYPE_INT32 || max_out->ndim != 0)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "max_output_size must be an int32 scalar");
    for (i = 3; i < (soft ? 6 : 5); i++)
        if (!is_f32_scalar(tl_node_input(it, node, i)))
            return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "iou_threshold, score_threshold and sigma must be float32 scalars");
    if (!max_out->is_constant)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED,
                       "max_output_size must be a constant: with a runtime one the outputs' size is the number "
                       "selected, known only at invoke (memory is planned before invoke)");
    memcpy(&m, max_out->data, sizeof m);
    if (m < 0) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "max_output_size is negative");
    if (sel->type != TL_TYPE_INT32 || sel->ndim != 1 || sel->dims[0] != m)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "selected indices must be int32 [max_output_size]");
    if (soft) {
        const tl_tensor *sc = tl_node_output(it, node, 1);
        if (!sc || sc->type != TL_TYPE_FLOAT32 || sc->ndim != 1 || sc->dims[0] != m)
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "selected scores must be float32 [max_output_size]");
    }
    if (valid->type != TL_TYPE_INT32 || valid->ndim != 0)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "the valid count must be an int32 scalar");
    d = tl_alloc_persistent(it, sizeof *d);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    node->op_data = d;
    d->boxes = boxes->dims[0];
    d->max_out = m;
    d->soft = soft;
    if (d->boxes > 0) {
        d->heap = tl_request_scratch(it, node, (size_t)d->boxes * sizeof(candidate));
        if (!d->heap) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "scratch");
    }
    node->eval = tl_non_max_suppression_eval_f32;
    return TL_STATUS_OK;
}
