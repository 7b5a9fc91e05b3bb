"""tests/runtime_c/op_coverage.py's cases for the recurrent builtins (RNN, UNIDIRECTIONAL_SEQUENCE_RNN,
BIDIRECTIONAL_SEQUENCE_RNN): one-op models with their hidden states as variable tensors, float32 weights or
LiteRT's hybrid int8 weights (symmetric or asymmetric run-time quantization of the inputs). The probe is the
float32 case; test_recurrent.py runs every case over several invokes (the states carried) and a reset."""
from __future__ import annotations

import zlib

import numpy as np

from tests.runtime_c.tflite_graph import Model, quant

ACT = {"none": 0, "relu": 1, "relu_n1_to_1": 2, "relu6": 3, "tanh": 4}


def _rng(*key) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def _weights(g, rng, name, shape, hybrid):
    """A weight constant: float32 N(0, 0.4), or int8 in [-127, 127] with a scale (hybrid), or uint8 bytes (hybrid
    "uint8": LiteRT reads them as int8, 200 as -56, and ignores their zero point, here 128)."""
    if hybrid == "uint8":
        return g.const(name, rng.integers(0, 256, shape).astype(np.uint8), quant(0.4 / 64, 128))
    if hybrid:
        return g.const(name, rng.integers(-127, 128, shape).astype(np.int8), quant(0.4 / 64, 0))
    return g.const(name, (0.4 * rng.standard_normal(shape)).astype(np.float32))


def _variable(g, name, shape):
    i = g.tensor(name, shape, "float32")
    g.g.tensors[i].isVariable = True
    return i


def _cell(g, rng, prefix, units, inputs, hybrid, aux=0):
    """Weights, recurrent weights and bias (and auxiliary weights) of one RNN cell."""
    w = _weights(g, rng, prefix + "w", [units, inputs], hybrid)
    r = _weights(g, rng, prefix + "r", [units, units], hybrid)
    b = g.const(prefix + "b", (0.1 * rng.standard_normal(units)).astype(np.float32))
    a = _weights(g, rng, prefix + "aux_w", [units, aux], hybrid) if aux else -1
    return w, r, b, a


def _x(rng, shape):
    return rng.standard_normal(shape).astype(np.float32)


# RNN: (batch, inputs, units, activation, hybrid, asymmetric)
RNN_CASES = [(2, 5, 4, "tanh", False, False), (1, 3, 6, "relu", False, False), (3, 8, 5, "tanh", True, False),
             (2, 6, 4, "relu_n1_to_1", True, True), (2, 4, 3, "none", False, False), (2, 5, 4, "tanh", "uint8", True)]


def _rnn(k, batch, inputs, units, act, hybrid, asym):
    rng = _rng("RNN", k)
    m = Model()
    g = m.subgraph()
    x = g.input("x", [batch, inputs], "float32")
    w, r, b, _ = _cell(g, rng, "", units, inputs, hybrid)
    h = _variable(g, "h", [batch, units])
    y = g.tensor("y", [batch, units], "float32")
    g.op("RNN", [x, w, r, b, h], [y], fused_activation_function=ACT[act], asymmetric_quantize_inputs=asym)
    g.output(y)
    return m.build(), [_x(rng, [batch, inputs])]


# UNIDIRECTIONAL_SEQUENCE_RNN: (batch, time, inputs, units, activation, time_major, hybrid, asymmetric)
SEQ_CASES = [(2, 3, 5, 4, "tanh", False, False, False), (3, 4, 2, 5, "relu", True, False, False),
             (2, 3, 6, 4, "tanh", False, True, False), (3, 2, 5, 3, "tanh", True, True, True),
             (1, 5, 4, 4, "relu6", False, False, False), (2, 3, 5, 4, "tanh", True, "uint8", False)]


def _seq_rnn(k, batch, time, inputs, units, act, time_major, hybrid, asym):
    rng = _rng("UNIDIRECTIONAL_SEQUENCE_RNN", k)
    m = Model()
    g = m.subgraph()
    lead = [time, batch] if time_major else [batch, time]
    x = g.input("x", lead + [inputs], "float32")
    w, r, b, _ = _cell(g, rng, "", units, inputs, hybrid)
    h = _variable(g, "h", [batch, units])
    y = g.tensor("y", lead + [units], "float32")
    g.op("UNIDIRECTIONAL_SEQUENCE_RNN", [x, w, r, b, h], [y], time_major=time_major,
         fused_activation_function=ACT[act], asymmetric_quantize_inputs=asym)
    g.output(y)
    return m.build(), [_x(rng, lead + [inputs])]


# BIDIRECTIONAL_SEQUENCE_RNN: (batch, time, inputs, fw units, bw units, time_major, merge, aux, hybrid, asym);
# aux: None, "cross" (auxiliary input and weights) or "bw" (auxiliary input read by the backward cell).
BIDI_CASES = [(2, 3, 4, 3, 5, False, False, None, False, False), (2, 4, 3, 4, 4, True, True, None, False, False),
              (3, 3, 5, 4, 3, False, True, "cross", False, False), (2, 3, 4, 3, 3, True, False, "bw", False, False),
              (2, 3, 6, 4, 5, False, False, None, True, False), (2, 2, 5, 3, 4, False, True, None, True, True),
              (2, 3, 4, 3, 4, False, False, None, "uint8", False)]
# Hybrid cases LiteRT's reference kernel gets wrong (test_recurrent.py checks ours against NumPy instead): time-major,
# an auxiliary input read by the backward cell, auxiliary weights (LiteRT crashes on some of these).
BIDI_HYBRID_LITERT_WRONG = [(2, 3, 5, 3, 4, True, False, None, True, False),
                            (2, 2, 5, 3, 4, False, False, "bw", True, True),
                            (2, 3, 4, 3, 4, False, True, "cross", True, False)]


def _bidi_rnn(k, batch, time, inputs, fw_units, bw_units, time_major, merge, aux, hybrid, asym):
    rng = _rng("BIDIRECTIONAL_SEQUENCE_RNN", k)
    m = Model()
    g = m.subgraph()
    lead = [time, batch] if time_major else [batch, time]
    # LiteRT checks the backward weights against the input depth ("bw"), and its time-major loop steps through the
    # auxiliary input by the input's depth (reading past its end when the auxiliary input is narrower)
    aux_depth = inputs if aux == "bw" or time_major else 3
    x = g.input("x", lead + [inputs], "float32")
    xa = g.input("aux", lead + [aux_depth], "float32") if aux else -1
    bw_inputs = aux_depth if aux == "bw" else inputs
    fw = _cell(g, rng, "fw_", fw_units, inputs, hybrid, aux_depth if aux == "cross" else 0)
    fh = _variable(g, "fw_h", [batch, fw_units])
    bw = _cell(g, rng, "bw_", bw_units, bw_inputs, hybrid, aux_depth if aux == "cross" else 0)
    bh = _variable(g, "bw_h", [batch, bw_units])
    if merge:
        outs = [g.tensor("y", lead + [fw_units + bw_units], "float32")]
    else:
        outs = [g.tensor("fw_y", lead + [fw_units], "float32"), g.tensor("bw_y", lead + [bw_units], "float32")]
    ins = [x, *fw[:3], fh, *bw[:3], bh, xa, fw[3], bw[3]]
    g.op("BIDIRECTIONAL_SEQUENCE_RNN", ins, outs, time_major=time_major, fused_activation_function=ACT["tanh"],
         merge_outputs=merge, asymmetric_quantize_inputs=asym)
    g.output(*outs)
    feeds = [_x(rng, lead + [inputs])] + ([_x(rng, lead + [aux_depth])] if aux else [])
    return m.build(), feeds


BUILDERS = {"RNN": (_rnn, RNN_CASES), "UNIDIRECTIONAL_SEQUENCE_RNN": (_seq_rnn, SEQ_CASES),
            "BIDIRECTIONAL_SEQUENCE_RNN": (_bidi_rnn, BIDI_CASES)}


def _cases(name: str, dtype: str) -> list[tuple[bytes, list]]:
    """All cases sit under float32 (the activations' type; hybrid cases have int8 weights): LiteRT's reference
    kernels run no other type."""
    if dtype != "float32":
        return []
    build, found = BUILDERS[name]
    return [build(k, *c) for k, c in enumerate(found)]


CASES = {name: (lambda dtype, name=name: _cases(name, dtype)) for name in BUILDERS}


# LSTM (one step) and UNIDIRECTIONAL_SEQUENCE_LSTM: (batch, time, inputs, cells, activation, cell_clip, time_major);
# time is ignored by LSTM. The integer cases are LiteRT's 8x8->16 variant (int8 input, weights and output state,
# int16 cell state at 2^-11, int32 biases, the hidden state's quantization in the 5th intermediate).
LSTM_CASES = [(2, 3, 5, 4, "tanh", 0.0, False), (1, 4, 3, 6, "tanh", 1.5, False), (3, 2, 4, 3, "relu", 0.0, True),
              (2, 3, 6, 5, "tanh", 0.0, True)]
_Q_X, _Q_H, _Q_HIDDEN = quant(0.03, 5), quant(1 / 128, -2), quant(1 / 127, 1)


# Hybrid (float32 activations, int8 weights): the LSTM_CASES' parameters and asymmetric_quantize_inputs.
LSTM_HYBRID_CASES = [(2, 3, 5, 4, "tanh", 0.0, False, False), (3, 2, 4, 3, "tanh", 1.0, True, True),
                     (1, 4, 6, 5, "relu", 0.0, False, True)]


# Float32 cells with LiteRT's optional parts: (batch, time, inputs, cells, outputs, cifg, peephole, projection
# bias (None: no projection), layer norm, cell_clip, proj_clip, time_major).
LSTM_FEATURE_CASES = [(2, 3, 4, 5, 5, True, False, None, False, 0.0, 0.0, False),
                      (2, 3, 4, 5, 5, False, True, None, False, 0.0, 0.0, True),
                      (2, 3, 4, 6, 3, False, False, True, False, 0.0, 0.3, False),
                      (1, 4, 3, 4, 4, False, False, None, True, 0.0, 0.0, False),
                      (3, 2, 5, 6, 4, True, True, False, True, 1.0, 0.0, False)]


# Hybrid cells (int8 weights, peephole and projection weights with one scale each; float32 biases, layer-norm
# coefficients and projection bias) with the same optional parts: LSTM_FEATURE_CASES' fields and
# asymmetric_quantize_inputs.
LSTM_HYBRID_FEATURE_CASES = [(2, 3, 4, 5, 5, True, False, None, False, 0.0, 0.0, False, False),
                             (2, 3, 4, 5, 5, False, True, None, False, 0.0, 0.0, True, True),
                             (2, 3, 4, 6, 3, False, False, True, False, 0.0, 0.3, False, False),
                             (2, 3, 4, 6, 3, False, False, False, False, 0.0, 0.0, True, True),
                             (1, 4, 3, 4, 4, False, False, None, True, 0.0, 0.0, False, True),
                             (3, 2, 5, 6, 4, True, True, False, True, 1.0, 0.0, False, False),
                             (2, 3, 5, 6, 4, False, True, True, True, 0.0, 0.5, True, True)]


def _lstm_features(name, k, batch, time, inputs, cells, outputs, cifg, peephole, proj_bias, layer_norm, clip,
                   proj_clip, time_major, asym=None):
    """asym None: float32 weights; True or False: hybrid int8 weights, with that asymmetric_quantize_inputs."""
    hybrid = asym is not None
    rng = _rng(name, "features", k, *(("hybrid",) if hybrid else ()))
    seq = name == "UNIDIRECTIONAL_SEQUENCE_LSTM"
    m = Model()
    g = m.subgraph()
    lead = ([time, batch] if time_major else [batch, time]) if seq else [batch]
    x = g.input("x", lead + [inputs], "float32")

    def const(nm, scale, shape):
        return g.const(nm, (scale * rng.standard_normal(shape)).astype(np.float32))

    def weights(nm, scale, shape):
        if hybrid:
            return g.const(nm, rng.integers(-127, 128, shape).astype(np.int8), quant(scale / 64, 0))
        return const(nm, scale, shape)
    gates = range(1, 4) if cifg else range(4)
    w = [weights(f"w{j}", 0.4, [cells, inputs]) if j in gates else -1 for j in range(4)]
    r = [weights(f"r{j}", 0.4, [cells, outputs]) if j in gates else -1 for j in range(4)]
    b = [const(f"b{j}", 0.1, [cells]) if j in gates else -1 for j in range(4)]
    p = [weights(f"p{j}", 0.3, [cells]) if peephole and (j > 0 or not cifg) else -1 for j in range(3)]
    pw = weights("proj_w", 0.4, [outputs, cells]) if proj_bias is not None else -1
    pb = const("proj_b", 0.1, [outputs]) if proj_bias else -1
    ln = [const(f"ln{j}", 0.5, [cells]) if layer_norm and j in gates else -1 for j in range(4)]
    h, c = _variable(g, "h", [batch, outputs]), _variable(g, "c", [batch, cells])
    y = g.tensor("y", lead + [outputs], "float32")
    options = {"fused_activation_function": ACT["tanh"], "cell_clip": clip, "proj_clip": proj_clip,
               "asymmetric_quantize_inputs": bool(asym)}
    if seq:
        options["time_major"] = time_major
    g.op(name, [x, *w, *r, *p, *b, pw, pb, h, c, *ln], [y], **options)
    g.output(y)
    return m.build(), [_x(rng, lead + [inputs])]


def _lstm(name, dtype, k, batch, time, inputs, cells, act, clip, time_major, asym=False):
    rng = _rng(name, dtype, k)
    seq = name == "UNIDIRECTIONAL_SEQUENCE_LSTM"
    hybrid = dtype == "hybrid"
    dtype = "float32" if hybrid else dtype
    integer = dtype == "int8"
    m = Model()
    g = m.subgraph()
    lead = ([time, batch] if time_major else [batch, time]) if seq else [batch]
    x = g.input("x", lead + [inputs], dtype, _Q_X if integer else None)

    def weights(nm, shape):
        if hybrid:
            return g.const(nm, rng.integers(-127, 128, shape).astype(np.int8), quant(0.4 / 64, 0))
        if integer:
            return g.const(nm, rng.integers(-127, 128, shape).astype(np.int8), quant(0.5 / 127, 0))
        return g.const(nm, (0.4 * rng.standard_normal(shape)).astype(np.float32))

    w = [weights(f"w{j}", [cells, inputs]) for j in range(4)]
    r = [weights(f"r{j}", [cells, cells]) for j in range(4)]
    if integer:  # bias scale: input scale x weight scale
        b = [g.const(f"b{j}", rng.integers(-2000, 2000, cells).astype(np.int32), quant(0.03 * 0.5 / 127, 0))
             for j in range(4)]
    else:
        b = [g.const(f"b{j}", (0.1 * rng.standard_normal(cells)).astype(np.float32)) for j in range(4)]
    h = g.tensor("h", [batch, cells], dtype, _Q_H if integer else None)
    c = g.tensor("c", [batch, cells], "int16" if integer else "float32", quant(2.0 ** -11, 0) if integer else None)
    for t in (h, c):
        g.g.tensors[t].isVariable = True
    y = g.tensor("y", lead + [cells], dtype, _Q_H if integer else None)
    ins = [x, *w, *r, -1, -1, -1, *b, -1, -1, h, c, -1, -1, -1, -1]
    options = {"fused_activation_function": ACT[act], "cell_clip": clip, "asymmetric_quantize_inputs": asym}
    if seq:
        options["time_major"] = time_major
    g.op(name, ins, [y], **options)
    if integer:
        mids = [g.tensor(f"mid{j}", [], "int16", quant(2.0 ** -12, 0)) for j in range(4)]
        mids.append(g.tensor("hidden", [], "int8", _Q_HIDDEN))
        g.g.operators[-1].intermediates = mids
    g.output(y)
    shape = lead + [inputs]
    feed = rng.integers(-128, 128, shape).astype(np.int8) if integer else _x(rng, shape)
    return m.build(), [feed]


# LiteRT's integer 8x8->16 cell with its optional parts: LSTM_FEATURE_CASES' fields. Peephole weights int16,
# layer-norm coefficients int16 (the gates then at their intermediates' scales), projection weights int8 with an int32
# bias. With peephole and projection the outputs equal the cells: LiteRT's integer peephole covers only the first
# `outputs` values of each batch row otherwise (test_recurrent.py checks ours against NumPy there).
LSTM_INT_FEATURE_CASES = [(2, 3, 4, 5, 5, True, False, None, False, 0.0, 0.0, False),
                          (2, 3, 4, 5, 5, False, True, None, False, 0.0, 0.0, True),
                          (2, 3, 4, 6, 3, False, False, True, False, 0.0, 0.3, False),
                          (1, 4, 3, 4, 4, False, False, None, True, 0.0, 0.0, False),
                          (3, 2, 5, 6, 6, True, True, False, True, 1.0, 0.0, False),
                          (2, 3, 5, 4, 4, False, True, True, True, 0.0, 0.2, True),
                          (2, 3, 4, 8, 3, False, False, False, True, 0.0, 0.0, False)]


def _lstm_int_features(name, k, batch, time, inputs, cells, outputs, cifg, peephole, proj_bias, layer_norm, clip,
                       proj_clip, time_major, peephole_range=0.3):
    """peephole_range: the peephole weights' largest magnitude."""
    rng = _rng(name, "int8 features", k)
    seq = name == "UNIDIRECTIONAL_SEQUENCE_LSTM"
    m = Model()
    g = m.subgraph()
    lead = ([time, batch] if time_major else [batch, time]) if seq else [batch]
    x = g.input("x", lead + [inputs], "int8", _Q_X)

    def const(nm, dtype, lo, hi, shape, scale):
        return g.const(nm, rng.integers(lo, hi, shape).astype(dtype), quant(scale, 0))
    gates = range(1, 4) if cifg else range(4)
    w = [const(f"w{j}", np.int8, -127, 128, [cells, inputs], 0.5 / 127) if j in gates else -1 for j in range(4)]
    r = [const(f"r{j}", np.int8, -127, 128, [cells, outputs], 0.5 / 127) if j in gates else -1 for j in range(4)]
    b = [const(f"b{j}", np.int32, -2000, 2000, [cells], 0.03 * 0.5 / 127) if j in gates else -1 for j in range(4)]
    p = [const(f"p{j}", np.int16, -3000, 3000, [cells], peephole_range / 3000) if peephole and (j > 0 or not cifg)
         else -1 for j in range(3)]
    pw = const("proj_w", np.int8, -127, 128, [outputs, cells], 0.4 / 127) if proj_bias is not None else -1
    pb = const("proj_b", np.int32, -100, 100, [outputs], 1e-4) if proj_bias else -1
    ln = [const(f"ln{j}", np.int16, 10000, 30000, [cells], 1 / 32768) if layer_norm and j in gates else -1
          for j in range(4)]
    h = g.tensor("h", [batch, outputs], "int8", _Q_H)
    c = g.tensor("c", [batch, cells], "int16", quant(2.0 ** -11, 0))
    for t in (h, c):
        g.g.tensors[t].isVariable = True
    y = g.tensor("y", lead + [outputs], "int8", _Q_H)
    options = {"fused_activation_function": ACT["tanh"], "cell_clip": clip, "proj_clip": proj_clip}
    if seq:
        options["time_major"] = time_major
    g.op(name, [x, *w, *r, *p, *b, pw, pb, h, c, *ln], [y], **options)
    mids = [g.tensor(f"mid{j}", [], "int16", quant(0.002 if layer_norm else 2.0 ** -12, 0)) for j in range(4)]
    g.g.operators[-1].intermediates = mids + [g.tensor("hidden", [], "int8", _Q_HIDDEN)]
    g.output(y)
    return m.build(), [rng.integers(-128, 128, lead + [inputs]).astype(np.int8)]


def _lstm_cases(name, dtype):
    if dtype not in ("float32", "int8"):
        return []
    if dtype == "int8":
        return [_lstm(name, dtype, k, *c) for k, c in enumerate(LSTM_CASES) if c[4] == "tanh"] + \
            [_lstm_int_features(name, k, *c) for k, c in enumerate(LSTM_INT_FEATURE_CASES)]
    return [_lstm(name, dtype, k, *c) for k, c in enumerate(LSTM_CASES)] + \
        [_lstm(name, "hybrid", k, *c) for k, c in enumerate(LSTM_HYBRID_CASES)] + \
        [_lstm_features(name, k, *c) for k, c in enumerate(LSTM_FEATURE_CASES)] + \
        [_lstm_features(name, k, *c) for k, c in enumerate(LSTM_HYBRID_FEATURE_CASES)]


for _name in ("LSTM", "UNIDIRECTIONAL_SEQUENCE_LSTM"):
    CASES[_name] = lambda dtype, name=_name: _lstm_cases(name, dtype)


# BIDIRECTIONAL_SEQUENCE_LSTM (float32): (batch, time, inputs, fw cells, bw cells, time_major, merge, activation,
# cell_clip).
# LiteRT's prepare checks the backward cell count against the forward one: both the same here. Batch-major merged
# outputs are not among them: LiteRT's reference kernel misplaces the backward values of every batch row after the
# first (test_recurrent.py compares ours with LiteRT's unmerged outputs instead).
BIDI_LSTM_CASES = [(2, 3, 4, 3, 3, True, False, "tanh", 0.0), (2, 4, 3, 4, 4, False, False, "tanh", 0.0),
                   (1, 3, 5, 4, 4, False, False, "relu", 2.0), (3, 2, 4, 2, 2, True, True, "tanh", 0.8)]


def _bidi_lstm(k, batch, time, inputs, fw_cells, bw_cells, time_major, merge, act, clip):
    rng = _rng("BIDIRECTIONAL_SEQUENCE_LSTM", k)
    m = Model()
    g = m.subgraph()
    lead = [time, batch] if time_major else [batch, time]
    x = g.input("x", lead + [inputs], "float32")

    def cell(prefix, cells):
        def const(name, scale, shape):
            return g.const(prefix + name, (scale * rng.standard_normal(shape)).astype(np.float32))
        w = [const(f"w{j}", 0.4, [cells, inputs]) for j in range(4)]
        r = [const(f"r{j}", 0.4, [cells, cells]) for j in range(4)]
        b = [const(f"b{j}", 0.1, [cells]) for j in range(4)]
        return [*w, *r, -1, -1, -1, *b, -1, -1]

    fw, bw = cell("fw_", fw_cells), cell("bw_", bw_cells)
    states = [_variable(g, n, [batch, c]) for n, c in (("fw_h", fw_cells), ("fw_c", fw_cells), ("bw_h", bw_cells),
                                                       ("bw_c", bw_cells))]
    if merge:
        outs = [g.tensor("y", lead + [fw_cells + bw_cells], "float32")]
    else:
        outs = [g.tensor("fw_y", lead + [fw_cells], "float32"), g.tensor("bw_y", lead + [bw_cells], "float32")]
    g.op("BIDIRECTIONAL_SEQUENCE_LSTM", [x, *fw, *bw, *states, *([-1] * 9)], outs, time_major=time_major,
         merge_outputs=merge, fused_activation_function=ACT[act], cell_clip=clip)
    g.output(*outs)
    return m.build(), [_x(rng, lead + [inputs])]


CASES["BIDIRECTIONAL_SEQUENCE_LSTM"] = lambda dtype: (
    [_bidi_lstm(k, *c) for k, c in enumerate(BIDI_LSTM_CASES)] if dtype == "float32" else [])


# BIDIRECTIONAL_SEQUENCE_LSTM with LiteRT's optional parts (both directions alike): (batch, time, inputs, cells,
# outputs, time_major, merge, cifg, peephole, projection bias (None: no projection), proj_clip).
BIDI_LSTM_FEATURE_CASES = [(2, 3, 4, 4, 4, True, False, True, False, None, 0.0),
                           (2, 3, 4, 4, 4, False, False, False, True, None, 0.0),
                           (2, 3, 5, 5, 3, True, True, False, False, True, 0.25),
                           (1, 4, 3, 4, 2, False, False, True, True, False, 0.0)]


def _bidi_lstm_features(k, batch, time, inputs, cells, outputs, time_major, merge, cifg, peephole, proj_bias,
                        proj_clip, aux=None, aux_depth=3, asym=None):
    """aux: None, "cross" (an auxiliary input both cells weigh) or "bw" (an auxiliary input without weights: the
    backward cell's input, aux_depth wide); asym None: float32 weights, True or False: hybrid int8 weights with that
    asymmetric_quantize_inputs."""
    hybrid = asym is not None
    rng = _rng("BIDIRECTIONAL_SEQUENCE_LSTM", "features", k, *((aux, aux_depth, asym) if aux or hybrid else ()))
    m = Model()
    g = m.subgraph()
    lead = [time, batch] if time_major else [batch, time]
    x = g.input("x", lead + [inputs], "float32")
    xa = g.input("aux", lead + [aux_depth], "float32") if aux else -1

    def cell(prefix, depth):
        def const(name, scale, shape):
            return g.const(prefix + name, (scale * rng.standard_normal(shape)).astype(np.float32))

        def weights(name, scale, shape):
            if hybrid:
                return g.const(prefix + name, rng.integers(-127, 128, shape).astype(np.int8), quant(scale / 64, 0))
            return const(name, scale, shape)
        gates = range(1, 4) if cifg else range(4)
        w = [weights(f"w{j}", 0.4, [cells, depth]) if j in gates else -1 for j in range(4)]
        r = [weights(f"r{j}", 0.4, [cells, outputs]) if j in gates else -1 for j in range(4)]
        p = [weights(f"p{j}", 0.3, [cells]) if peephole and (j > 0 or not cifg) else -1 for j in range(3)]
        b = [const(f"b{j}", 0.1, [cells]) if j in gates else -1 for j in range(4)]
        pw = weights("proj_w", 0.4, [outputs, cells]) if proj_bias is not None else -1
        pb = const("proj_b", 0.1, [outputs]) if proj_bias else -1
        a = [weights(f"aux_w{j}", 0.4, [cells, aux_depth]) if aux == "cross" and j in gates else -1 for j in range(4)]
        return [*w, *r, *p, *b, pw, pb], a

    (fw, fw_aux), (bw, bw_aux) = cell("fw_", inputs), cell("bw_", aux_depth if aux == "bw" else inputs)
    states = [_variable(g, n, [batch, size]) for n, size in (("fw_h", outputs), ("fw_c", cells), ("bw_h", outputs),
                                                             ("bw_c", cells))]
    if merge:
        outs = [g.tensor("y", lead + [2 * outputs], "float32")]
    else:
        outs = [g.tensor("fw_y", lead + [outputs], "float32"), g.tensor("bw_y", lead + [outputs], "float32")]
    g.op("BIDIRECTIONAL_SEQUENCE_LSTM", [x, *fw, *bw, *states, xa, *fw_aux, *bw_aux], outs, time_major=time_major,
         merge_outputs=merge, fused_activation_function=ACT["tanh"], proj_clip=proj_clip,
         asymmetric_quantize_inputs=bool(asym))
    g.output(*outs)
    return m.build(), [_x(rng, lead + [inputs])] + ([_x(rng, lead + [aux_depth])] if aux else [])


# Hybrid cells and auxiliary inputs: BIDI_LSTM_FEATURE_CASES' fields, then the auxiliary input (None, "cross":
# weighed by both cells, "bw": the backward cell's input), its depth and asymmetric_quantize_inputs (None: float32).
# LiteRT checks the backward weights against the input's depth: a "bw" auxiliary input is as wide as the input.
BIDI_LSTM_AUX_HYBRID_CASES = [(2, 3, 4, 4, 4, True, False, False, False, None, 0.0, None, 3, False),
                              (2, 3, 4, 4, 4, False, False, False, False, None, 0.0, None, 3, True),
                              (2, 3, 5, 4, 3, True, True, True, True, True, 0.4, None, 3, True),
                              (1, 4, 3, 5, 5, False, False, False, True, None, 0.0, None, 3, False),
                              (2, 3, 4, 4, 4, True, False, False, False, None, 0.0, "cross", 3, None),
                              (2, 3, 4, 4, 4, False, False, True, False, None, 0.0, "cross", 3, None),
                              (2, 3, 4, 4, 4, True, False, False, False, None, 0.0, "bw", 4, None),
                              (3, 2, 4, 4, 4, False, False, False, True, None, 0.0, "bw", 4, None),
                              (2, 3, 4, 4, 4, True, False, False, False, None, 0.0, "cross", 3, False),
                              (2, 3, 4, 5, 3, False, False, True, False, True, 0.0, "cross", 3, True),
                              (2, 3, 4, 4, 4, False, False, False, False, None, 0.0, "bw", 4, True)]


CASES["BIDIRECTIONAL_SEQUENCE_LSTM"] = lambda dtype: (
    [_bidi_lstm(k, *c) for k, c in enumerate(BIDI_LSTM_CASES)] +
    [_bidi_lstm_features(k, *c) for k, c in enumerate(BIDI_LSTM_FEATURE_CASES)] +
    [_bidi_lstm_features(k, *c) for k, c in enumerate(BIDI_LSTM_AUX_HYBRID_CASES)] if dtype == "float32" else [])
