/* The LSTM cell of LSTM (one step) and UNIDIRECTIONAL_SEQUENCE_LSTM (a sequence), state carried in two
 * variable tensors (output state h, cell state c) that live in the arena across invokes. Per step, with
 * x the step's input and h the previous output:
 *     gate_g = W_g x + R_g h + b_g             g = input, forget, cell, output
 *     c      = sigmoid(f) * c + sigmoid(i) * act(cell gate),  clipped to +-cell_clip
 *     h      = sigmoid(o) * act(c)            (the step's output)
 * Inputs (24, the schema's LSTM layout): 0 input, 1-4 input weights W (i f c o), 5-8 recurrent
 * weights R, 9-11 peephole weights, 12-15 biases, 16-17 projection weights and bias, 18 output
 * state, 19 cell state, 20-23 layer-norm coefficients. Supported: float32 and hybrid with all of LiteRT's
 * optional parts (CIFG: input gate = 1 - forget gate; peephole terms p .* c, the output gate's on the new c; layer
 * norm of each gate's sum before its bias; projection of h, clipped to +-proj_clip). Hybrid is LiteRT's
 * dynamic-range LSTM: float32 activations, int8 weights (input, recurrent, peephole, projection) with one scale
 * each; every product's float operand (the step's input, the output state, the projection's input) quantized per
 * row at run time, symmetric or asymmetric, the gates then in float as the float32 cell (tl_lstm_step). The
 * integer 8x8->16 variant runs them all too; sequences batch- or time-major; LiteRT's int8x8_8 LSTM (12
 * intermediates) and the rest are refused by name.
 *
 * The integer variant is LiteRT's (int8 input, weights and output state, int16 cell state, int32
 * biases, five intermediates: the gates' scales under layer norm and the hidden state's quantization):
 * each gate is two int32 dot products (input and recurrent side, zero points taken off the inputs),
 * each rescaled to the gate's scale (Q3.12 without layer norm) and added with int16 saturation; peephole
 * terms int16 x int16 rescaled and added with saturation; layer norm in integers (mean and variance of the
 * values x 1024, LiteRT's fixed-point inverse square root, coefficient and bias, back to Q3.12); sigmoid and
 * tanh in 16-bit fixed point (common/fixed_point16.h); the cell update in the cell state's power-of-two
 * scale (input gate 32767 - forget gate under CIFG); the hidden state rescaled from Q0.15 x Q0.15 to its
 * intermediate's quantization, then projected (int8 weights, int32 bias) to the output state's and clipped. */
#include <math.h>
#include <string.h>

#include "lstm.h"

#include "fixed_point.h"
#include "fixed_point16.h"
#include "hybrid.h"
#include "quant_math.h"

enum {
    IN_INPUT = 0, IN_INPUT_WEIGHTS = 1, IN_RECURRENT_WEIGHTS = 5, IN_PEEPHOLE = 9, IN_BIAS = 12,
    IN_PROJECTION_WEIGHTS = 16, IN_PROJECTION_BIAS = 17, IN_OUTPUT_STATE = 18, IN_CELL_STATE = 19,
    IN_LAYER_NORM = 20
};
enum { GATE_INPUT = 0, GATE_FORGET = 1, GATE_CELL = 2, GATE_OUTPUT = 3, GATES = 4 };
enum { IN_FORGET_WEIGHTS = 2 };
/* UnidirectionalSequenceLSTMOptions; LSTMOptions has kernel_type (FULL 0, BASIC 1) as field 3 */
enum { OPT_ACTIVATION = 0, OPT_CELL_CLIP = 1, OPT_PROJ_CLIP = 2, OPT_TIME_MAJOR = 3, OPT_DIAGONAL_RECURRENT = 5 };
enum { OPT_KERNEL_TYPE = 3, OPT_ASYMMETRIC = 4 };
enum { ACT_NONE = 0, ACT_RELU = 1, ACT_RELU_N1_TO_1 = 2, ACT_RELU6 = 3, ACT_TANH = 4 };
enum { HIDDEN_INTERMEDIATE = 4, INTERMEDIATES = 5 };

/* What prepare works out (on its stack); commit() keeps only what the node's variant reads in eval. */
typedef struct {
    int32_t n_batch, n_time, n_input, n_cell, n_output, time_major;
    int8_t activation;
    float cell_clip;
    tl_scratch *scratch;
    union { /* integer variant (q) or hybrid (hy) */
        struct {
            int32_t in_mult[GATES], in_shift[GATES], rec_mult[GATES], rec_shift[GATES];
            int32_t in_zp, h_zp;         /* zero points of the input and the output state */
            int32_t hidden_mult, hidden_shift, hidden_zp;
            int32_t cell_shift;          /* log2 of the cell state's scale (-15..-9) */
            int32_t cell_clip_q;         /* 0: no clipping */
            int32_t peep_mult[3], peep_shift[3];        /* peephole: int16 weights x int16 cell state -> the gate */
            int32_t proj_mult, proj_shift, proj_clip_q; /* projection of the int8 hidden state to the output state */
            int32_t ln_mult[GATES], ln_shift[GATES], ln_guard[GATES]; /* layer norm: coefficient scale, variance floor */
        } q;
        struct {
            float w_scale[GATES], r_scale[GATES], peephole_scale[3], proj_scale; /* the int8 weights' scales */
        } hy;
    } v;
    uint8_t asymmetric;
    tl_scratch *rows;
    uint8_t cifg, peephole, projection, layer_norm;
    float proj_clip;
} lstm_setup;

/* The op data: this header, then the variant's parts, each present only where the variant has it (part()):
 *   float32: lstm_f;  hybrid: lstm_f, lstm_hy;
 *   integer: lstm_q, then lstm_q_peephole, lstm_q_projection and lstm_q_layer_norm where the cell has them. */
typedef struct {
    int32_t n_batch, n_time, n_input, n_cell, n_output;
    int8_t activation;
    uint8_t time_major, asymmetric, cifg, peephole, projection, layer_norm;
    /* gate values: GATES x n_cell floats (float32, hybrid), GATES (less the input gate under CIFG) x n_cell int16
     * (integer with layer norm or projection); NULL for the other integer cells, which run one cell at a time */
    tl_scratch *scratch;
} lstm_data;

typedef struct {
    tl_scratch *rows; /* hybrid: one quantized row of the input, the output state or the projection's input */
    float cell_clip, proj_clip;
} lstm_f;
typedef struct {
    float w_scale[GATES], r_scale[GATES], peephole_scale[3], proj_scale; /* the int8 weights' scales */
} lstm_hy;
typedef struct {
    int32_t in_mult[GATES], in_shift[GATES], rec_mult[GATES], rec_shift[GATES];
    int32_t hidden_mult, hidden_shift;
    int32_t cell_clip_q;          /* 0: no clipping */
    int16_t in_zp, h_zp;          /* zero points of the input and the output state */
    int16_t hidden_zp;
    int16_t cell_shift;           /* log2 of the cell state's scale (-15..-9) */
} lstm_q;
typedef struct {
    int32_t mult[3], shift[3];    /* int16 weights x int16 cell state -> the gate (i, f, o) */
} lstm_q_peephole;
typedef struct {
    int32_t mult, shift, clip_q;  /* the int8 hidden state to the output state's quantization */
} lstm_q_projection;
typedef struct {
    int32_t mult[GATES], shift[GATES], guard[GATES]; /* coefficient scale, variance floor */
} lstm_q_layer_norm;

/* The op data's part `offset` bytes past its header. The header's size is a multiple of a pointer's, so lstm_f
 * (a pointer first) is aligned after it; the other parts hold 4-byte fields only, at multiples of 4. */
static const void *part(const lstm_data *d, size_t offset) { return (const char *)(d + 1) + offset; }
#define F_PART(d) ((const lstm_f *)part(d, 0))
#define HY_PART(d) ((const lstm_hy *)part(d, sizeof(lstm_f)))
#define Q_PART(d) ((const lstm_q *)part(d, 0))
#define PEEP_PART(d) ((const lstm_q_peephole *)part(d, sizeof(lstm_q)))
#define PROJ_PART(d) ((const lstm_q_projection *)part(d, sizeof(lstm_q) + ((d)->peephole ? sizeof(lstm_q_peephole) : 0)))
#define LN_PART(d)                                                                                                  \
    ((const lstm_q_layer_norm *)part(d, sizeof(lstm_q) + ((d)->peephole ? sizeof(lstm_q_peephole) : 0) +             \
                                            ((d)->projection ? sizeof(lstm_q_projection) : 0)))

static int is_matrix(const tl_tensor *t, int32_t rows, int32_t cols);

/* Which optional parts the cell has, their shapes checked (LiteRT's float kernel runs them all). */
static tl_status features(tl_interpreter *it, const tl_node *node, lstm_setup *d, int32_t n) {
    const tl_tensor *pw = tl_node_input(it, node, IN_PROJECTION_WEIGHTS), *pb = tl_node_input(it, node, IN_PROJECTION_BIAS);
    int32_t g;
    d->cifg = !tl_node_input(it, node, IN_INPUT_WEIGHTS + GATE_INPUT);
    if (d->cifg != !tl_node_input(it, node, IN_RECURRENT_WEIGHTS + GATE_INPUT) ||
        (d->cifg && tl_node_input(it, node, IN_BIAS + GATE_INPUT)))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "CIFG: the input gate's weights and bias are all absent or all present");
    for (g = 0; g < 3; g++) {
        const tl_tensor *p = tl_node_input(it, node, IN_PEEPHOLE + g);
        if (p && (p->ndim != 1 || p->dims[0] != d->n_cell))
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "peephole weights must be [cells]");
    }
    d->peephole = tl_node_input(it, node, IN_PEEPHOLE + 1) != NULL;
    if (d->peephole != (tl_node_input(it, node, IN_PEEPHOLE + 2) != NULL) ||
        (!d->cifg && d->peephole != (tl_node_input(it, node, IN_PEEPHOLE) != NULL)) || (d->cifg && tl_node_input(it, node, IN_PEEPHOLE)))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "peephole weights must be given for every gate (but the input gate under CIFG)");
    d->projection = pw != NULL;
    if (pb && !pw) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "projection bias without projection weights");
    if (pw && !is_matrix(pw, d->n_output, d->n_cell)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "projection weights must be [outputs, cells]");
    if (pb && (pb->ndim != 1 || pb->dims[0] != d->n_output)) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "projection bias must be [outputs]");
    if (!pw && d->n_output != d->n_cell)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output size must equal the cell count without projection");
    d->layer_norm = 0;
    for (g = d->cifg ? 1 : 0; n == 24 && g < GATES; g++) {
        const tl_tensor *l = tl_node_input(it, node, IN_LAYER_NORM + g);
        if (l && (l->ndim != 1 || l->dims[0] != d->n_cell))
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "layer normalization coefficients must be [cells]");
        if (g == (d->cifg ? 1 : 0)) d->layer_norm = l != NULL;
        else if ((l != NULL) != d->layer_norm)
            return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "layer normalization coefficients must be given for every gate");
    }
    if (n == 24 && d->cifg && tl_node_input(it, node, IN_LAYER_NORM))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "no input gate layer normalization under CIFG");
    return TL_STATUS_OK;
}

static tl_status tl_lstm_eval_float(tl_interpreter *it, tl_node *node);
static tl_status tl_lstm_eval_s8(tl_interpreter *it, tl_node *node);

static tl_tensor *intermediate(tl_interpreter *it, const tl_node *node, uint32_t k) {
    tl_fb_vec v = tl_node_intermediates(it, node);
    if (k >= v.len) return NULL;
    return tl_node_tensor(it, node, tl_fb_vec_i32(&it->fb, v, k));
}

static int is_matrix(const tl_tensor *t, int32_t rows, int32_t cols) {
    return t->ndim == 2 && t->dims[0] == rows && t->dims[1] == cols;
}

/* log2 of a power-of-two scale, as LiteRT's CheckedLog2 accepts it (within 1e-3). */
static int power_of_two_exponent(float scale, int32_t *exponent) {
    float l = logf(scale) * (1.0f / logf(2.0f));
    float r = (float)floor((double)l + 0.5);
    *exponent = (int32_t)r;
    return fabsf(l - r) < 1e-3f;
}

/* Requantization of a gate's input or recurrent product to the gate's scale (Q3.12, or under layer norm the
 * gate's intermediate tensor's), formed in float as LiteRT forms it. */
static tl_status gate_multiplier(tl_interpreter *it, const tl_node *node, const tl_tensor *w, const tl_tensor *x,
                                 float gate_scale, int32_t *mult, int32_t *shift) {
    float effective = (float)((float)(w->scale * x->scale) / gate_scale);
    return tl_quantize_multiplier_checked(it, node, (double)effective, mult, shift);
}

/* v reduced modulo 2^32, as LiteRT's int32 accumulation wraps (only hostile models get there). */
static int32_t wrap_i32(int64_t v) {
    uint32_t u = (uint32_t)(uint64_t)v;
    return u <= (uint32_t)INT32_MAX ? (int32_t)u : -(int32_t)(~u) - 1;
}

/* Copies what the variant reads in eval from prepare's working (s) into the node's op data (lstm_data and its
 * parts) and picks its eval. */
static tl_status commit(tl_interpreter *it, tl_node *node, const lstm_setup *s, int integer) {
    lstm_data *d;
    char *p;
    size_t bytes = sizeof *d;
    int hybrid = !integer && s->rows;
    if (integer)
        bytes += sizeof(lstm_q) + (s->peephole ? sizeof(lstm_q_peephole) : 0) + (s->projection ? sizeof(lstm_q_projection) : 0) +
                 (s->layer_norm ? sizeof(lstm_q_layer_norm) : 0);
    else
        bytes += sizeof(lstm_f) + (hybrid ? sizeof(lstm_hy) : 0);
    d = tl_alloc_persistent(it, bytes);
    if (!d) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "op data");
    d->n_batch = s->n_batch;
    d->n_time = s->n_time;
    d->n_input = s->n_input;
    d->n_cell = s->n_cell;
    d->n_output = s->n_output;
    d->activation = s->activation;
    d->time_major = (uint8_t)s->time_major;
    d->asymmetric = s->asymmetric;
    d->cifg = s->cifg;
    d->peephole = s->peephole;
    d->projection = s->projection;
    d->layer_norm = s->layer_norm;
    d->scratch = s->scratch;
    p = (char *)(d + 1);
    if (integer) {
        lstm_q *q = (lstm_q *)(void *)p;
        memcpy(q->in_mult, s->v.q.in_mult, sizeof q->in_mult);
        memcpy(q->in_shift, s->v.q.in_shift, sizeof q->in_shift);
        memcpy(q->rec_mult, s->v.q.rec_mult, sizeof q->rec_mult);
        memcpy(q->rec_shift, s->v.q.rec_shift, sizeof q->rec_shift);
        q->hidden_mult = s->v.q.hidden_mult;
        q->hidden_shift = s->v.q.hidden_shift;
        q->cell_clip_q = s->v.q.cell_clip_q;
        q->in_zp = (int16_t)s->v.q.in_zp; /* int8 zero points, checked by tl_check_quantized */
        q->h_zp = (int16_t)s->v.q.h_zp;
        q->hidden_zp = (int16_t)s->v.q.hidden_zp;
        q->cell_shift = (int16_t)s->v.q.cell_shift;
        p += sizeof *q;
        if (s->peephole) {
            lstm_q_peephole *pp = (lstm_q_peephole *)(void *)p;
            memcpy(pp->mult, s->v.q.peep_mult, sizeof pp->mult);
            memcpy(pp->shift, s->v.q.peep_shift, sizeof pp->shift);
            p += sizeof *pp;
        }
        if (s->projection) {
            lstm_q_projection *pr = (lstm_q_projection *)(void *)p;
            pr->mult = s->v.q.proj_mult;
            pr->shift = s->v.q.proj_shift;
            pr->clip_q = s->v.q.proj_clip_q;
            p += sizeof *pr;
        }
        if (s->layer_norm) {
            lstm_q_layer_norm *ln = (lstm_q_layer_norm *)(void *)p;
            memcpy(ln->mult, s->v.q.ln_mult, sizeof ln->mult);
            memcpy(ln->shift, s->v.q.ln_shift, sizeof ln->shift);
            memcpy(ln->guard, s->v.q.ln_guard, sizeof ln->guard);
        }
    } else {
        lstm_f *f = (lstm_f *)(void *)p;
        f->rows = s->rows;
        f->cell_clip = s->cell_clip;
        f->proj_clip = s->proj_clip;
        if (hybrid) {
            lstm_hy *hy = (lstm_hy *)(void *)(p + sizeof *f);
            memcpy(hy->w_scale, s->v.hy.w_scale, sizeof hy->w_scale);
            memcpy(hy->r_scale, s->v.hy.r_scale, sizeof hy->r_scale);
            memcpy(hy->peephole_scale, s->v.hy.peephole_scale, sizeof hy->peephole_scale);
            hy->proj_scale = s->v.hy.proj_scale;
        }
    }
    node->op_data = d;
    node->eval = integer ? tl_lstm_eval_s8 : tl_lstm_eval_float;
    return TL_STATUS_OK;
}

/* A quantized int8 or int16 constant of the integer cell (NULL is fine): symmetric, one scale. */
static tl_status integer_weight(tl_interpreter *it, const tl_node *node, const tl_tensor *t, tl_type type) {
    if (!t) return TL_STATUS_OK;
    if (t->type != type)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED,
                       "integer LSTM needs int8 weights, int16 peephole and layer-norm weights, int32 biases");
    if (!t->is_constant) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "integer LSTM weights and biases must be constant");
    if (type == TL_TYPE_INT32) return TL_STATUS_OK;
    if (tl_check_quantized(it, node, t)) return TL_STATUS_MODEL_INVALID;
    if (t->zero_point != 0) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "LSTM weights must be symmetric (zero point 0)");
    return TL_STATUS_OK;
}

static tl_status prepare_s8(tl_interpreter *it, tl_node *node, lstm_setup *d) {
    tl_tensor *in = tl_node_input(it, node, IN_INPUT), *out = tl_node_output(it, node, 0);
    tl_tensor *h = tl_node_input(it, node, IN_OUTPUT_STATE), *c = tl_node_input(it, node, IN_CELL_STATE);
    tl_tensor *hidden = intermediate(it, node, HIDDEN_INTERMEDIATE), *pw = tl_node_input(it, node, IN_PROJECTION_WEIGHTS);
    float hidden_scale, gate_scale[GATES];
    int32_t g, widest = d->n_input > d->n_output ? d->n_input : d->n_output;
    tl_status st;
    if (d->activation != ACT_TANH) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "integer LSTM needs the TANH activation");
    if (out->type != TL_TYPE_INT8 || h->type != TL_TYPE_INT8 || c->type != TL_TYPE_INT16)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "integer LSTM needs int8 output and output state, int16 cell state");
    if (tl_node_intermediates(it, node).len == 12)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED,
                       "int8x8_8 LSTM (12 intermediates; LiteRT runs it with projection and layer norm only) is not supported");
    if (tl_node_intermediates(it, node).len != INTERMEDIATES || !hidden)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "integer LSTM needs its 5 intermediate tensors");
    if (tl_check_quantized(it, node, in) || tl_check_quantized(it, node, out) || tl_check_quantized(it, node, h) ||
        tl_check_quantized(it, node, c))
        return TL_STATUS_MODEL_INVALID;
    /* the hidden intermediate may be typed float32: only its quantization is read */
    if (!hidden->quantized || !(hidden->scale > 0.0f) || hidden->scale > 3.0e38f || hidden->zero_point < -128 ||
        hidden->zero_point > 127)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "hidden state intermediate needs an int8 quantization");
    if (c->zero_point != 0) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "cell state zero point must be 0");
    if (!power_of_two_exponent(c->scale, &d->v.q.cell_shift) || d->v.q.cell_shift < -15 || d->v.q.cell_shift > -9)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "cell state scale must be a power of two in 2^-15..2^-9");
    if (d->n_cell > widest) widest = d->n_cell;
    if ((int64_t)widest * 128 * 256 > INT32_MAX / 2)
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "depth too large for int32 accumulation");
    for (g = 0; g < GATES; g++) { /* Q3.12, or under layer norm the gate's intermediate (LiteRT reads its scale) */
        const tl_tensor *mid = intermediate(it, node, (uint32_t)g);
        gate_scale[g] = 1.0f / 4096.0f;
        if (!d->layer_norm || (d->cifg && g == GATE_INPUT)) continue;
        if (!mid || !mid->quantized || !(mid->scale > 0.0f) || mid->scale > 3.0e38f)
            return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "layer-normalized integer LSTM needs its gates' intermediate scales");
        gate_scale[g] = mid->scale;
    }
    for (g = d->cifg ? GATE_FORGET : 0; g < GATES; g++) {
        tl_tensor *w = tl_node_input(it, node, IN_INPUT_WEIGHTS + g), *r = tl_node_input(it, node, IN_RECURRENT_WEIGHTS + g);
        tl_tensor *b = tl_node_input(it, node, IN_BIAS + g), *ln = d->layer_norm ? tl_node_input(it, node, IN_LAYER_NORM + g) : NULL;
        if ((st = integer_weight(it, node, w, TL_TYPE_INT8)) || (st = integer_weight(it, node, r, TL_TYPE_INT8)) ||
            (st = integer_weight(it, node, b, TL_TYPE_INT32)) || (st = integer_weight(it, node, ln, TL_TYPE_INT16)))
            return st;
        if ((st = gate_multiplier(it, node, w, in, gate_scale[g], &d->v.q.in_mult[g], &d->v.q.in_shift[g])) != TL_STATUS_OK ||
            (st = gate_multiplier(it, node, r, h, gate_scale[g], &d->v.q.rec_mult[g], &d->v.q.rec_shift[g])) != TL_STATUS_OK)
            return st;
        if (ln) { /* LiteRT: the coefficients' scale as a multiplier; variances below 1 become 10000 x that scale */
            float guard = 10000.0f * ln->scale;
            if ((st = tl_quantize_multiplier_checked(it, node, (double)ln->scale, &d->v.q.ln_mult[g], &d->v.q.ln_shift[g])))
                return st;
            d->v.q.ln_guard[g] = guard >= 1.0f ? (guard < 2147483520.0f ? (int32_t)guard : INT32_MAX) : 1;
        }
    }
    for (g = 0; g < 3; g++) {
        const tl_tensor *p = tl_node_input(it, node, IN_PEEPHOLE + g);
        float effective;
        if (!p) continue;
        if ((st = integer_weight(it, node, p, TL_TYPE_INT16))) return st;
        effective = (float)(pow(2.0, d->v.q.cell_shift) * (double)p->scale / (double)gate_scale[g == 2 ? GATE_OUTPUT : g]);
        if ((st = tl_quantize_multiplier_checked(it, node, (double)effective, &d->v.q.peep_mult[g], &d->v.q.peep_shift[g])))
            return st;
    }
    if (pw) {
        const tl_tensor *pb = tl_node_input(it, node, IN_PROJECTION_BIAS);
        float effective;
        if ((st = integer_weight(it, node, pw, TL_TYPE_INT8)) || (st = integer_weight(it, node, pb, TL_TYPE_INT32))) return st;
        effective = pw->scale * hidden->scale / h->scale;
        if ((st = tl_quantize_multiplier_checked(it, node, (double)effective, &d->v.q.proj_mult, &d->v.q.proj_shift))) return st;
        d->v.q.proj_clip_q = 0;
        if (d->proj_clip > 0.0f) {
            float q = d->proj_clip / h->scale;
            d->v.q.proj_clip_q = (int32_t)(q > 127.0f ? 127.0f : q);
        }
    }
    d->v.q.in_zp = in->zero_point;
    d->v.q.h_zp = h->zero_point;
    /* Q0.15 (output gate) x Q0.15 (tanh of the cell) -> the hidden state's quantization. */
    hidden_scale = (float)(pow(2.0, -15) / (double)hidden->scale * pow(2.0, -15));
    if ((st = tl_quantize_multiplier_checked(it, node, (double)hidden_scale, &d->v.q.hidden_mult, &d->v.q.hidden_shift)))
        return st;
    d->v.q.hidden_zp = hidden->zero_point;
    d->v.q.cell_clip_q = 0;
    if (d->cell_clip > 0.0f) { /* LiteRT: no clipping unless positive */
        float q = d->cell_clip / c->scale;
        d->v.q.cell_clip_q = (int32_t)(q > 32767.0f ? 32767.0f : q);
    }
    if (d->layer_norm || d->projection) { /* both need every cell's gate (layer norm: their mean and variance) */
        d->scratch = tl_request_scratch(it, node, sizeof(int16_t) * (size_t)(GATES - d->cifg) * (size_t)d->n_cell);
        if (!d->scratch) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "LSTM gate scratch");
    }
    return commit(it, node, d, 1);
}

tl_status tl_lstm_hybrid_weight(tl_interpreter *it, const tl_node *node, const tl_tensor *t, float *scale) {
    if (!t) return TL_STATUS_OK;
    if (t->type != TL_TYPE_INT8)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "hybrid LSTM needs int8 weights (input, recurrent, peephole, projection)");
    if (tl_tensor_quant_count(it, t) != 1 || tl_check_quantized(it, node, t))
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "hybrid LSTM weights need one usable scale each");
    if (t->zero_point != 0) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "hybrid LSTM weights need zero point 0");
    *scale = t->scale;
    return TL_STATUS_OK;
}

/* Hybrid: int8 weights (input, recurrent, peephole, projection) with one scale each, zero point 0; biases,
 * layer-norm coefficients and the projection bias float32, as LiteRT's hybrid kernel takes them. */
static tl_status prepare_hybrid(tl_interpreter *it, tl_node *node, lstm_setup *d) {
    int32_t g, widest = d->n_input > d->n_output ? d->n_input : d->n_output;
    tl_status st;
    if (d->n_cell > widest) widest = d->n_cell;
    for (g = d->cifg ? GATE_FORGET : 0; g < GATES; g++) {
        tl_tensor *b = tl_node_input(it, node, IN_BIAS + g), *ln = d->layer_norm ? tl_node_input(it, node, IN_LAYER_NORM + g) : NULL;
        if ((st = tl_lstm_hybrid_weight(it, node, tl_node_input(it, node, IN_INPUT_WEIGHTS + g), &d->v.hy.w_scale[g])) ||
            (st = tl_lstm_hybrid_weight(it, node, tl_node_input(it, node, IN_RECURRENT_WEIGHTS + g), &d->v.hy.r_scale[g])))
            return st;
        if (b->type != TL_TYPE_FLOAT32 || (ln && ln->type != TL_TYPE_FLOAT32))
            return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "hybrid LSTM needs float32 biases and layer normalization coefficients");
    }
    for (g = 0; g < 3; g++)
        if ((st = tl_lstm_hybrid_weight(it, node, tl_node_input(it, node, IN_PEEPHOLE + g), &d->v.hy.peephole_scale[g]))) return st;
    if ((st = tl_lstm_hybrid_weight(it, node, tl_node_input(it, node, IN_PROJECTION_WEIGHTS), &d->v.hy.proj_scale))) return st;
    if (tl_node_input(it, node, IN_PROJECTION_BIAS) && tl_node_input(it, node, IN_PROJECTION_BIAS)->type != TL_TYPE_FLOAT32)
        return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "hybrid LSTM needs a float32 projection bias");
    if ((int64_t)widest > INT32_MAX / (2 * 255 * 128))
        return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "depth too large for int32 accumulation");
    d->rows = tl_hybrid_request_rows(it, node, 1, widest);
    if (!d->rows) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "hybrid LSTM scratch");
    return commit(it, node, d, 0);
}

static tl_status prepare_f32(tl_interpreter *it, tl_node *node, lstm_setup *d) {
    tl_tensor *out = tl_node_output(it, node, 0);
    int32_t k;
    if (d->activation < ACT_NONE || d->activation > ACT_TANH) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "fused activation");
    if (out->type != TL_TYPE_FLOAT32) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "output must be float32");
    if (tl_node_input(it, node, IN_FORGET_WEIGHTS)->type == TL_TYPE_INT8) {
        d->scratch = tl_request_scratch(it, node, sizeof(float) * (size_t)GATES * (size_t)d->n_cell);
        if (!d->scratch) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "LSTM gate scratch");
        return prepare_hybrid(it, node, d);
    }
    for (k = 1; k < tl_node_num_inputs(node); k++) {
        tl_tensor *t = tl_node_input(it, node, k);
        if (t && t->type != TL_TYPE_FLOAT32)
            return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "float32 LSTM needs float32 (or hybrid int8) weights");
    }
    if (out->type != TL_TYPE_FLOAT32) return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "output must be float32");
    if (d->layer_norm || d->projection) { /* otherwise one cell at a time (tl_lstm_step) */
        d->scratch = tl_request_scratch(it, node, sizeof(float) * (size_t)GATES * (size_t)d->n_cell);
        if (!d->scratch) return tl_fail(it, node, TL_STATUS_ARENA_TOO_SMALL, "LSTM gate scratch");
    }
    return commit(it, node, d, 0);
}

tl_status tl_lstm_prepare_common(tl_interpreter *it, tl_node *node, int sequence) {
    int32_t n = tl_node_num_inputs(node), g;
    tl_tensor *in = tl_node_input(it, node, IN_INPUT), *out = tl_node_output(it, node, 0);
    tl_tensor *h = tl_node_input(it, node, IN_OUTPUT_STATE), *c = tl_node_input(it, node, IN_CELL_STATE);
    tl_tensor *w_out = tl_node_input(it, node, IN_INPUT_WEIGHTS + GATE_OUTPUT);
    tl_tensor *r_out = tl_node_input(it, node, IN_RECURRENT_WEIGHTS + GATE_OUTPUT);
    uint8_t time_major = 0, diagonal = 0, kernel_type = 0;
    lstm_setup setup, *d = &setup;
    tl_status st;
    if (n != 20 && n != 24) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "LSTM takes 20 or 24 inputs");
    if (!in || !out || !h || !c || !w_out || !r_out || tl_node_num_outputs(node) != 1)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "needs input, weights, both states and one output");
    memset(d, 0, sizeof *d);
    if (tl_fb_i8(&it->fb, node->options, OPT_ACTIVATION, 0, &d->activation) != TL_STATUS_OK ||
        tl_fb_f32(&it->fb, node->options, OPT_CELL_CLIP, 0.0f, &d->cell_clip) != TL_STATUS_OK ||
        tl_fb_f32(&it->fb, node->options, OPT_PROJ_CLIP, 0.0f, &d->proj_clip) != TL_STATUS_OK ||
        (sequence && tl_fb_u8(&it->fb, node->options, OPT_TIME_MAJOR, 0, &time_major) != TL_STATUS_OK) ||
        (sequence && tl_fb_u8(&it->fb, node->options, OPT_DIAGONAL_RECURRENT, 0, &diagonal) != TL_STATUS_OK) ||
        (!sequence && tl_fb_u8(&it->fb, node->options, OPT_KERNEL_TYPE, 0, &kernel_type) != TL_STATUS_OK) ||
        tl_fb_u8(&it->fb, node->options, OPT_ASYMMETRIC, 0, &d->asymmetric) != TL_STATUS_OK)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "options");
    if (diagonal) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "diagonal recurrent weights are not supported");
    if (kernel_type != 0) return tl_fail(it, node, TL_STATUS_MODEL_UNSUPPORTED, "the BASIC LSTM kernel (kernel_type 1) is not supported");
    d->time_major = time_major != 0;
    if (!sequence && in->ndim != 2) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input must be [batch, features]");
    if (in->ndim == 3) {
        d->n_time = d->time_major ? in->dims[0] : in->dims[1];
        d->n_batch = d->time_major ? in->dims[1] : in->dims[0];
    } else if (in->ndim == 2) {
        d->n_time = 1;
        d->n_batch = in->dims[0];
    } else {
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "input must be [batch, time, features] (or time-major, or 2-D)");
    }
    d->n_input = in->dims[in->ndim - 1];
    if (w_out->ndim != 2 || r_out->ndim != 2) return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "weights must be 2-D");
    d->n_cell = w_out->dims[0];
    d->n_output = r_out->dims[1];
    if (d->n_input <= 0 || d->n_cell <= 0 || d->n_output <= 0 || d->n_batch <= 0 || d->n_time < 0)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "empty dimension");
    if ((st = features(it, node, d, n)) != TL_STATUS_OK) return st;
    for (g = d->cifg ? GATE_FORGET : 0; g < GATES; g++) {
        tl_tensor *w = tl_node_input(it, node, IN_INPUT_WEIGHTS + g), *r = tl_node_input(it, node, IN_RECURRENT_WEIGHTS + g);
        tl_tensor *b = tl_node_input(it, node, IN_BIAS + g);
        if (!w || !r || !b) return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "a gate's weights or bias is missing");
        if (!is_matrix(w, d->n_cell, d->n_input) || !is_matrix(r, d->n_cell, d->n_output) || tl_tensor_numel(b) != d->n_cell)
            return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "gate weights must be [cells, inputs] and [cells, outputs], bias [cells]");
    }
    if (!h->is_variable || !c->is_variable || h->is_constant || c->is_constant)
        return tl_fail(it, node, TL_STATUS_MODEL_INVALID, "output and cell states must be variable tensors");
    if (tl_tensor_numel(h) != (int64_t)d->n_batch * d->n_output || tl_tensor_numel(c) != (int64_t)d->n_batch * d->n_cell)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "state sizes must be batch x outputs and batch x cells");
    if (out->ndim != in->ndim || out->dims[out->ndim - 1] != d->n_output ||
        tl_tensor_numel(out) != (int64_t)d->n_time * d->n_batch * d->n_output)
        return tl_fail(it, node, TL_STATUS_SHAPE_MISMATCH, "output must be the input's shape with outputs as last dimension");
    if (in->type == TL_TYPE_FLOAT32 && h->type == TL_TYPE_FLOAT32 && c->type == TL_TYPE_FLOAT32) return prepare_f32(it, node, d);
    if (in->type == TL_TYPE_INT8) return prepare_s8(it, node, d);
    return tl_fail(it, node, TL_STATUS_TYPE_UNSUPPORTED, "LSTM supports float32 and int8 (8x8->16) inputs");
}

/* Offset of step (t, b) in a [time, batch, n] or [batch, time, n] tensor. */
static size_t step_offset(const lstm_data *d, int32_t t, int32_t b, int32_t n) {
    size_t row = d->time_major ? (size_t)t * (size_t)d->n_batch + (size_t)b : (size_t)b * (size_t)d->n_time + (size_t)t;
    return row * (size_t)n;
}

static float apply_f32(int8_t act, float x) {
    switch (act) {
    case ACT_RELU: return x < 0.0f ? 0.0f : x;
    case ACT_RELU_N1_TO_1: return x < -1.0f ? -1.0f : (x > 1.0f ? 1.0f : x);
    case ACT_RELU6: return x < 0.0f ? 0.0f : (x > 6.0f ? 6.0f : x);
    case ACT_TANH: return tanhf(x);
    default: return x;
    }
}

static float sigmoid_f32(float x) { return 1.0f / (1.0f + expf(-x)); }

/* gate_g += M_g v for each gate's matrix M_g [cells, depth]. Float32 as LiteRT's float kernel (each row's dot
 * product summed from zero, then added); hybrid (cell->rows) with v quantized once for all gates. */
static void add_products(const tl_lstm_cell *cell, const void *const m[GATES], const float scale[GATES], const float *v,
                         int32_t depth, float *gate) {
    int32_t g, i, k, n_cell = cell->n_cell;
    tl_hybrid_rows q;
    if (cell->rows) q = tl_hybrid_quantize_rows(cell->rows, v, 1, depth, cell->asymmetric);
    for (g = cell->cifg ? GATE_FORGET : 0; g < GATES; g++) {
        float *out = gate + g * n_cell;
        if (cell->rows) {
            tl_hybrid_accumulate(m[g], scale[g], n_cell, depth, &q, 1, out, 0);
            continue;
        }
        for (i = 0; i < n_cell; i++) {
            const float *mi = (const float *)m[g] + (size_t)i * (size_t)depth;
            float dot = 0.0f;
            for (k = 0; k < depth; k++) dot += mi[k] * v[k];
            out[i] += dot;
        }
    }
}

/* The rest of a gate after its products, as LiteRT orders it: + peephole .* c (hybrid: the weights recovered as
 * scale x int8); under layer norm the sum normalized (mean, 1e-8 added to the variance), scaled by the
 * coefficients and the bias added; then the gate's activation (act < 0: sigmoid). */
static void finish_gate(const tl_lstm_cell *cell, int32_t g, const float *c, float *gate, int8_t act) {
    int32_t i, n_cell = cell->n_cell, p = g == GATE_OUTPUT ? 2 : g;
    const float *ln = cell->layer_norm[g];
    const void *peep = g == GATE_CELL ? NULL : cell->peephole[p];
    if (peep && cell->rows)
        for (i = 0; i < n_cell; i++) gate[i] += (cell->peephole_scale[p] * (float)((const int8_t *)peep)[i]) * c[i];
    else if (peep)
        for (i = 0; i < n_cell; i++) gate[i] += ((const float *)peep)[i] * c[i];
    if (ln) {
        float sum = 0.0f, sq = 0.0f, mean, inv;
        for (i = 0; i < n_cell; i++) sum += gate[i];
        mean = sum / (float)n_cell;
        for (i = 0; i < n_cell; i++) sq += (gate[i] - mean) * (gate[i] - mean);
        inv = 1.0f / sqrtf(sq / (float)n_cell + 1e-8f);
        for (i = 0; i < n_cell; i++) gate[i] = (gate[i] - mean) * inv * ln[i] + cell->bias[g][i];
    }
    for (i = 0; i < n_cell; i++) gate[i] = act < 0 ? sigmoid_f32(gate[i]) : apply_f32(act, gate[i]);
}

static float dot_f32(const float *m, const float *v, int32_t n) {
    float dot = 0.0f;
    int32_t k;
    for (k = 0; k < n; k++) dot += m[k] * v[k];
    return dot;
}

/* A float32 cell without layer norm or projection, one cell at a time: each gate value takes the operations of the
 * whole-gate path below in the same order (bias, + input product, + auxiliary product, + recurrent product,
 * + peephole, activation), so the results are the same without a gate scratch. y (written cell by cell) is not h,
 * which every cell reads. */
static void step_cells_f32(const tl_lstm_cell *cell, const float *x, const float *aux, const float *h, float *c, float *y) {
    int32_t g, i, n_cell = cell->n_cell, first = cell->cifg ? GATE_FORGET : GATE_INPUT;
    const float *p[3];
    for (g = 0; g < 3; g++) p[g] = cell->peephole[g];
    for (i = 0; i < n_cell; i++) {
        float v[GATES], ci;
        for (g = first; g < GATES; g++) {
            v[g] = cell->bias[g][i];
            v[g] += dot_f32((const float *)cell->w[g] + (size_t)i * (size_t)cell->n_input, x, cell->n_input);
            if (aux && cell->aux_w[GATE_FORGET])
                v[g] += dot_f32((const float *)cell->aux_w[g] + (size_t)i * (size_t)cell->n_aux, aux, cell->n_aux);
            v[g] += dot_f32((const float *)cell->r[g] + (size_t)i * (size_t)cell->n_output, h, cell->n_output);
        }
        if (!cell->cifg) {
            if (p[0]) v[GATE_INPUT] += p[0][i] * c[i];
            v[GATE_INPUT] = sigmoid_f32(v[GATE_INPUT]);
        }
        if (p[1]) v[GATE_FORGET] += p[1][i] * c[i];
        v[GATE_FORGET] = sigmoid_f32(v[GATE_FORGET]);
        v[GATE_CELL] = apply_f32(cell->activation, v[GATE_CELL]);
        ci = v[GATE_FORGET] * c[i];
        ci += v[GATE_CELL] * (cell->cifg ? 1.0f - v[GATE_FORGET] : v[GATE_INPUT]);
        if (cell->cell_clip > 0.0f) ci = ci > cell->cell_clip ? cell->cell_clip : (ci < -cell->cell_clip ? -cell->cell_clip : ci);
        c[i] = ci;
        if (p[2]) v[GATE_OUTPUT] += p[2][i] * c[i]; /* the output gate's peephole reads the new cell state */
        v[GATE_OUTPUT] = sigmoid_f32(v[GATE_OUTPUT]);
        y[i] = v[GATE_OUTPUT] * apply_f32(cell->activation, c[i]);
    }
}

void tl_lstm_step(const tl_lstm_cell *cell, const float *x, const float *aux, float *h, float *c, float *y, float *gate) {
    int32_t g, i, k, n_cell = cell->n_cell;
    float *ig, *fg, *cg, *og;
    if (!cell->rows && !cell->proj_w && !cell->layer_norm[GATE_FORGET]) {
        step_cells_f32(cell, x, aux, h, c, y);
        memcpy(h, y, sizeof(float) * (size_t)cell->n_output);
        return;
    }
    ig = gate + GATE_INPUT * n_cell;
    fg = gate + GATE_FORGET * n_cell;
    cg = gate + GATE_CELL * n_cell;
    og = gate + GATE_OUTPUT * n_cell;
    for (g = cell->cifg ? GATE_FORGET : 0; g < GATES; g++) { /* each gate starts at its bias (0 under layer norm) */
        if (cell->layer_norm[g]) memset(gate + g * n_cell, 0, sizeof(float) * (size_t)n_cell);
        else memcpy(gate + g * n_cell, cell->bias[g], sizeof(float) * (size_t)n_cell);
    }
    add_products(cell, cell->w, cell->w_scale, x, cell->n_input, gate);
    if (aux && cell->aux_w[GATE_FORGET]) add_products(cell, cell->aux_w, cell->aux_scale, aux, cell->n_aux, gate);
    add_products(cell, cell->r, cell->r_scale, h, cell->n_output, gate);
    if (!cell->cifg) finish_gate(cell, GATE_INPUT, c, ig, -1);
    finish_gate(cell, GATE_FORGET, c, fg, -1);
    finish_gate(cell, GATE_CELL, c, cg, cell->activation);
    for (i = 0; i < n_cell; i++) {
        float ci = fg[i] * c[i];
        ci += cg[i] * (cell->cifg ? 1.0f - fg[i] : ig[i]);
        if (cell->cell_clip > 0.0f) ci = ci > cell->cell_clip ? cell->cell_clip : (ci < -cell->cell_clip ? -cell->cell_clip : ci);
        c[i] = ci;
    }
    finish_gate(cell, GATE_OUTPUT, c, og, -1); /* its peephole reads the new cell state */
    for (i = 0; i < n_cell; i++) og[i] = og[i] * apply_f32(cell->activation, c[i]);
    if (!cell->proj_w) {
        memcpy(y, og, sizeof(float) * (size_t)n_cell);
    } else {
        for (i = 0; i < cell->n_output; i++) y[i] = cell->proj_b ? cell->proj_b[i] : 0.0f;
        if (cell->rows) {
            tl_hybrid_rows q = tl_hybrid_quantize_rows(cell->rows, og, 1, n_cell, cell->asymmetric);
            tl_hybrid_accumulate(cell->proj_w, cell->proj_scale, cell->n_output, n_cell, &q, 1, y, 0);
        } else {
            for (i = 0; i < cell->n_output; i++) {
                const float *pi = (const float *)cell->proj_w + (size_t)i * (size_t)n_cell;
                float dot = 0.0f;
                for (k = 0; k < n_cell; k++) dot += pi[k] * og[k];
                y[i] += dot;
            }
        }
        if (cell->proj_clip > 0.0f)
            for (i = 0; i < cell->n_output; i++)
                y[i] = y[i] > cell->proj_clip ? cell->proj_clip : (y[i] < -cell->proj_clip ? -cell->proj_clip : y[i]);
    }
    memcpy(h, y, sizeof(float) * (size_t)cell->n_output);
}

/* Float32 and hybrid cells: the node's tensors into a tl_lstm_cell, then one step per batch row and time. */
static tl_status tl_lstm_eval_float(tl_interpreter *it, tl_node *node) {
    const lstm_data *d = node->op_data;
    const lstm_f *f = F_PART(d);
    const lstm_hy *hy = f->rows ? HY_PART(d) : NULL;
    const float *x_all = tl_node_input(it, node, IN_INPUT)->data;
    float *y_all = tl_node_output(it, node, 0)->data;
    float *h_all = tl_node_input(it, node, IN_OUTPUT_STATE)->data, *c_all = tl_node_input(it, node, IN_CELL_STATE)->data;
    const tl_tensor *t_in;
    tl_lstm_cell cell;
    int32_t g, b, t;
    memset(&cell, 0, sizeof cell);
    cell.n_input = d->n_input;
    cell.n_cell = d->n_cell;
    cell.n_output = d->n_output;
    cell.activation = d->activation;
    cell.cell_clip = f->cell_clip;
    cell.proj_clip = f->proj_clip;
    cell.cifg = d->cifg;
    cell.asymmetric = d->asymmetric;
    cell.rows = f->rows;
    cell.proj_scale = hy ? hy->proj_scale : 0.0f;
    for (g = d->cifg ? GATE_FORGET : 0; g < GATES; g++) {
        cell.w[g] = tl_node_input(it, node, IN_INPUT_WEIGHTS + g)->data;
        cell.r[g] = tl_node_input(it, node, IN_RECURRENT_WEIGHTS + g)->data;
        cell.bias[g] = tl_node_input(it, node, IN_BIAS + g)->data;
        cell.w_scale[g] = hy ? hy->w_scale[g] : 0.0f;
        cell.r_scale[g] = hy ? hy->r_scale[g] : 0.0f;
        if (d->layer_norm) cell.layer_norm[g] = tl_node_input(it, node, IN_LAYER_NORM + g)->data;
    }
    for (g = 0; g < 3; g++) {
        cell.peephole[g] = (t_in = tl_node_input(it, node, IN_PEEPHOLE + g)) ? t_in->data : NULL;
        cell.peephole_scale[g] = hy ? hy->peephole_scale[g] : 0.0f;
    }
    cell.proj_w = (t_in = tl_node_input(it, node, IN_PROJECTION_WEIGHTS)) ? t_in->data : NULL;
    cell.proj_b = (t_in = tl_node_input(it, node, IN_PROJECTION_BIAS)) ? t_in->data : NULL;
    for (b = 0; b < d->n_batch; b++)
        for (t = 0; t < d->n_time; t++)
            tl_lstm_step(&cell, x_all + step_offset(d, t, b, d->n_input), NULL, h_all + (size_t)b * (size_t)d->n_output,
                         c_all + (size_t)b * (size_t)d->n_cell, y_all + step_offset(d, t, b, d->n_output),
                         d->scratch ? d->scratch->data : NULL);
    return TL_STATUS_OK;
}

/* Gate g of cell i before its activation: the input-side and recurrent-side products, each rescaled to the gate's
 * scale (Q3.12 without layer norm) and added with int16 saturation (LiteRT accumulates the two into the gate that
 * way). LiteRT folds bias - zero_point * sum(w) into one precomputed bias per row (the bias only without layer
 * norm, which adds it itself); taking the zero points off the inputs as they are read instead gives the same sum
 * modulo 2^32 without n_cell int32 per gate and side in the arena. prepare bounds each dot product inside int32. */
static int16_t gate_s8(const lstm_data *d, const lstm_q *q, int32_t g, int32_t i, const int8_t *w, const int8_t *r,
                       const int32_t *bias, const int8_t *x, const int8_t *h) {
    const int8_t *wi = w + (size_t)i * (size_t)d->n_input, *ri = r + (size_t)i * (size_t)d->n_output;
    /* sum(w * (x - zp)) as sum(w * x) - zp * sum(w): plain int8 dot products, which compilers vectorise; the same
     * value modulo 2^32 (prepare bounds each dot product inside int32) */
    const int32_t n_in = d->n_input, n_out = d->n_output;
    int32_t in_dot = 0, rec_dot = 0, w_sum = 0, r_sum = 0, k;
    int64_t v;
    for (k = 0; k < n_in; k++) {
        in_dot += wi[k] * x[k];
        w_sum += wi[k];
    }
    for (k = 0; k < n_out; k++) {
        rec_dot += ri[k] * h[k];
        r_sum += ri[k];
    }
    in_dot = wrap_i32((int64_t)in_dot - (int64_t)q->in_zp * w_sum);
    rec_dot = wrap_i32((int64_t)rec_dot - (int64_t)q->h_zp * r_sum);
    v = tl_fp16_sat(tl_multiply_by_quantized_multiplier(wrap_i32((d->layer_norm ? 0 : (int64_t)bias[i]) + in_dot),
                                                        q->in_mult[g], q->in_shift[g]));
    v += tl_multiply_by_quantized_multiplier(rec_dot, q->rec_mult[g], q->rec_shift[g]);
    return (int16_t)(v > 32767 ? 32767 : (v < -32768 ? -32768 : v));
}

/* Peephole term (k: i, f, o): the gate plus p .* c rescaled to the gate's scale, saturated to int16. */
static int16_t peephole_s8(const lstm_q_peephole *pp, int32_t k, int16_t p, int16_t c, int16_t gate) {
    return (int16_t)tl_fp16_sat(tl_multiply_by_quantized_multiplier(p * c, pp->mult[k], pp->shift[k]) + gate);
}

/* The cell state's update from the forget, cell and input gates' sums: forget * cell (Q0.15 x the cell's scale)
 * plus input * candidate (Q0.30 down to the cell's scale), saturated, clipped; input = 32767 - forget under CIFG. */
static int16_t cell_s8(const lstm_data *d, const lstm_q *q, int16_t ig, int16_t fg, int16_t cg, int16_t c) {
    int32_t f_s = tl_fp16_logistic(fg, 3), c_t = tl_fp16_tanh(cg, 3);
    int32_t i_s = d->cifg ? 32767 - f_s : tl_fp16_logistic(ig, 3);
    int32_t kept = tl_fp16_wrap(tl_rounding_divide_by_pot(f_s * c, 15));
    int32_t added = tl_fp16_wrap(tl_rounding_divide_by_pot(i_s * c_t, 30 + q->cell_shift));
    int32_t ci = tl_fp16_sat(kept + added);
    if (q->cell_clip_q > 0) ci = tl_clamp_i32(ci, -q->cell_clip_q, q->cell_clip_q);
    return (int16_t)ci;
}

/* The hidden state (int8, its intermediate's quantization): sigmoid(output gate) x tanh(cell), Q0.15 x Q0.15. */
static int32_t hidden_s8(const lstm_q *q, int16_t og, int16_t c) {
    int32_t o_s = tl_fp16_logistic(og, 3), c_t = tl_fp16_tanh(c, 15 + q->cell_shift);
    int32_t v = tl_multiply_by_quantized_multiplier(o_s * c_t, q->hidden_mult, q->hidden_shift) + q->hidden_zp;
    return tl_clamp_i32(v, -128, 127);
}

/* LiteRT's integer layer normalization of one gate (its sums at the gate's intermediate scale) to Q3.12: mean and
 * variance of the values times 1024 (the variance floored at the guard), each value centred and scaled by the
 * inverse standard deviation, times the coefficient plus the bias, /1024 rounded half away from zero, rescaled by
 * the coefficients' scale. */
static void layer_norm_s8(const lstm_data *d, int32_t g, const int16_t *coef, const int32_t *bias, int16_t *gate) {
    const lstm_q_layer_norm *l = LN_PART(d);
    int64_t sum = 0, sum_sq = 0, variance;
    int32_t i, n = d->n_cell, mean, var, mult;
    int right;
    for (i = 0; i < n; i++) {
        sum += gate[i];
        sum_sq += gate[i] * gate[i];
    }
    mean = (int32_t)(sum * 1024 / n);
    variance = sum_sq * ((1 << 20) / n) - (int64_t)mean * mean;
    var = (int32_t)(variance / (1 << 20));
    if (var < 1) var = l->guard[g];
    mult = tl_fp_inv_sqrt(var, &right);
    for (i = 0; i < n; i++) {
        int32_t rescaled = tl_multiply_by_quantized_multiplier(1024 * gate[i] - mean, mult, -right);
        int64_t v3 = wrap_i32((int64_t)rescaled * coef[i] + bias[i]);
        int32_t v4 = (int32_t)((v3 > 0 ? v3 + 512 : v3 - 512) / 1024);
        gate[i] = (int16_t)tl_fp16_sat(tl_multiply_by_quantized_multiplier(v4, l->mult[g], l->shift[g] + 12));
    }
}

/* One step of the integer cell with layer norm or projection: each gate over all cells into the scratch (layer
 * norm reads a gate's mean and variance, the projection every cell's hidden state), then the cell update, the
 * hidden state (kept less its zero point in the cell gate's row, free by then) and the output. */
static void step_gates_s8(const lstm_data *d, const int8_t *const w[GATES], const int8_t *const r[GATES],
                          const int32_t *const bias[GATES], const int16_t *const peep[3], const int16_t *const ln[GATES],
                          const int8_t *pw, const int32_t *pb, const int8_t *x, const int8_t *h, int16_t *c, int8_t *y,
                          int16_t *scratch) {
    const lstm_q *q = Q_PART(d);
    const lstm_q_peephole *pp = d->peephole ? PEEP_PART(d) : NULL;
    int32_t g, i, k, first = d->cifg ? GATE_FORGET : GATE_INPUT;
    int16_t *gate[GATES];
    for (g = first; g < GATES; g++) gate[g] = scratch + (size_t)(g - first) * (size_t)d->n_cell;
    for (g = first; g < GATES; g++)
        for (i = 0; i < d->n_cell; i++) gate[g][i] = gate_s8(d, q, g, i, w[g], r[g], bias[g], x, h);
    for (g = first; g < GATE_OUTPUT; g++) { /* the output gate's peephole reads the updated cell state */
        if (g != GATE_CELL && peep[g])
            for (i = 0; i < d->n_cell; i++) gate[g][i] = peephole_s8(pp, g, peep[g][i], c[i], gate[g][i]);
        if (ln[g]) layer_norm_s8(d, g, ln[g], bias[g], gate[g]);
    }
    for (i = 0; i < d->n_cell; i++)
        c[i] = cell_s8(d, q, d->cifg ? 0 : gate[GATE_INPUT][i], gate[GATE_FORGET][i], gate[GATE_CELL][i], c[i]);
    if (peep[2])
        for (i = 0; i < d->n_cell; i++) gate[GATE_OUTPUT][i] = peephole_s8(pp, 2, peep[2][i], c[i], gate[GATE_OUTPUT][i]);
    if (ln[GATE_OUTPUT]) layer_norm_s8(d, GATE_OUTPUT, ln[GATE_OUTPUT], bias[GATE_OUTPUT], gate[GATE_OUTPUT]);
    for (i = 0; i < d->n_cell; i++) {
        int32_t v = hidden_s8(q, gate[GATE_OUTPUT][i], c[i]);
        if (pw) gate[GATE_CELL][i] = (int16_t)(v - q->hidden_zp);
        else y[i] = (int8_t)v;
    }
    if (pw) {
        const lstm_q_projection *pr = PROJ_PART(d);
        const int16_t *hid = gate[GATE_CELL];
        for (i = 0; i < d->n_output; i++) { /* projection: int32 sum, to the output state's quantization */
            const int8_t *pi = pw + (size_t)i * (size_t)d->n_cell;
            int32_t dot = 0, v;
            for (k = 0; k < d->n_cell; k++) dot += pi[k] * hid[k];
            v = tl_multiply_by_quantized_multiplier(wrap_i32((pb ? (int64_t)pb[i] : 0) + dot), pr->mult, pr->shift);
            v = tl_clamp_i32(v + q->h_zp, -128, 127);
            if (pr->clip_q > 0) v = tl_clamp_i32(v, -pr->clip_q, pr->clip_q);
            y[i] = (int8_t)v;
        }
    }
}

static tl_status tl_lstm_eval_s8(tl_interpreter *it, tl_node *node) {
    const lstm_data *d = node->op_data;
    const lstm_q *q = Q_PART(d);
    const lstm_q_peephole *pp = d->peephole ? PEEP_PART(d) : NULL;
    const int8_t *x_all = tl_node_input(it, node, IN_INPUT)->data;
    int8_t *y_all = tl_node_output(it, node, 0)->data, *h_all = tl_node_input(it, node, IN_OUTPUT_STATE)->data;
    int16_t *c_all = tl_node_input(it, node, IN_CELL_STATE)->data;
    const tl_tensor *t_in;
    const int8_t *w[GATES], *r[GATES], *pw = (t_in = tl_node_input(it, node, IN_PROJECTION_WEIGHTS)) ? t_in->data : NULL;
    const int32_t *bias[GATES], *pb = (t_in = tl_node_input(it, node, IN_PROJECTION_BIAS)) ? t_in->data : NULL;
    const int16_t *peep[3], *ln[GATES];
    int32_t g, b, t, i, first = d->cifg ? GATE_FORGET : GATE_INPUT;
    memset(w, 0, sizeof w);
    memset(r, 0, sizeof r);
    memset(bias, 0, sizeof bias);
    memset(ln, 0, sizeof ln);
    for (g = first; g < GATES; g++) {
        w[g] = tl_node_input(it, node, IN_INPUT_WEIGHTS + g)->data;
        r[g] = tl_node_input(it, node, IN_RECURRENT_WEIGHTS + g)->data;
        bias[g] = tl_node_input(it, node, IN_BIAS + g)->data;
        ln[g] = d->layer_norm ? tl_node_input(it, node, IN_LAYER_NORM + g)->data : NULL;
    }
    for (g = 0; g < 3; g++) peep[g] = (t_in = tl_node_input(it, node, IN_PEEPHOLE + g)) ? t_in->data : NULL;
    for (b = 0; b < d->n_batch; b++) {
        int8_t *h = h_all + (size_t)b * (size_t)d->n_output;
        int16_t *c = c_all + (size_t)b * (size_t)d->n_cell;
        for (t = 0; t < d->n_time; t++) {
            const int8_t *x = x_all + step_offset(d, t, b, d->n_input);
            int8_t *y = y_all + step_offset(d, t, b, d->n_output);
            if (d->scratch) {
                step_gates_s8(d, w, r, bias, peep, ln, pw, pb, x, h, c, y, d->scratch->data);
            } else { /* no layer norm, no projection: one cell at a time, no gate scratch (y is not h) */
                for (i = 0; i < d->n_cell; i++) {
                    int16_t v[GATES] = {0, 0, 0, 0};
                    for (g = first; g < GATES; g++) v[g] = gate_s8(d, q, g, i, w[g], r[g], bias[g], x, h);
                    if (peep[0]) v[GATE_INPUT] = peephole_s8(pp, 0, peep[0][i], c[i], v[GATE_INPUT]);
                    if (peep[1]) v[GATE_FORGET] = peephole_s8(pp, 1, peep[1][i], c[i], v[GATE_FORGET]);
                    c[i] = cell_s8(d, q, v[GATE_INPUT], v[GATE_FORGET], v[GATE_CELL], c[i]);
                    if (peep[2]) v[GATE_OUTPUT] = peephole_s8(pp, 2, peep[2][i], c[i], v[GATE_OUTPUT]);
                    y[i] = (int8_t)hidden_s8(q, v[GATE_OUTPUT], c[i]);
                }
            }
            memcpy(h, y, (size_t)d->n_output);
        }
    }
    return TL_STATUS_OK;
}
