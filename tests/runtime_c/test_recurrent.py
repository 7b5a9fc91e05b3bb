"""RNN, UNIDIRECTIONAL_SEQUENCE_RNN, BIDIRECTIONAL_SEQUENCE_RNN, LSTM, UNIDIRECTIONAL_SEQUENCE_LSTM and
BIDIRECTIONAL_SEQUENCE_LSTM in the C runtime.

Every case of op_cases_recurrent.py (float32 and hybrid int8 or uint8 weights, batch- and time-major, merged
outputs, auxiliary inputs; the LSTMs in float32, hybrid int8 weights and LiteRT's integer 8x8->16 variant, each also
with CIFG, peephole, projection and layer norm) runs several invokes in a row against
LiteRT's reference kernels, so the states carried in the variable tensors are compared too, then both interpreters
are reset and compared again (integers bit for bit, floats within rtol 1e-5: tanhf against Eigen's tanh, and the
order of the float sums). LiteRT's BIDIRECTIONAL_SEQUENCE_LSTM misplaces the backward half of batch-major merged
outputs after the first batch row when it has no auxiliary weights (float32 and hybrid): ours equals LiteRT's two
unmerged outputs side by side and a NumPy reference there. LiteRT's integer peephole covers only the first
`outputs` values of each batch row when a projection makes outputs fewer than cells: ours is checked against NumPy
there.

LiteRT's hybrid BIDIRECTIONAL_SEQUENCE_RNN gets time-major inputs and auxiliary inputs wrong (its results there
are far from the float computation on the dequantized weights, and some of those models crash it), and its
float time-major loop steps through an auxiliary input by the input's depth: those cases are checked against a
NumPy reference instead (the hybrid ones within the error of the run-time int8 quantization)."""
import numpy as np
import pytest

import tensorlite as tl
from tests.litert import run
from tests.runtime_c import op_cases_recurrent as cases
from tests.runtime_c.test_unidirectional_sequence_lstm import run_against_litert
from tests.runtime_c.tflite_graph import Model, edit_model, litert_schema, refused

ALL = [(name, dtype, k) for name, fn in sorted(cases.CASES.items()) for dtype in ("float32", "int8")
       for k in range(len(fn(dtype)))]


@pytest.mark.parametrize("name,dtype,k", ALL, ids=[f"{n}-{t}-{k}" for n, t, k in ALL])
def test_matches_litert_over_invokes(name, dtype, k):
    model, _ = cases.CASES[name](dtype)[k]
    run_against_litert(model, seed=k, steps=3)


def _constants(content):
    schema, _ = litert_schema()
    m = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(content, 0))
    g = m.subgraphs[0]

    def const(i):
        t = g.tensors[i] if i >= 0 else None
        if t is None or m.buffers[t.buffer].data is None:  # absent, a graph input or a state
            return None
        dtype = np.int8 if t.type == 9 else np.float32
        v = np.frombuffer(bytes(m.buffers[t.buffer].data), dtype).reshape(t.shape).astype(np.float32)
        return v * t.quantization.scale[0] if dtype == np.int8 else v
    return [const(i) for i in g.operators[0].inputs]


def _numpy_bidi(content, feeds, time_major, merge, aux):
    """The bidirectional RNN (tanh) in float64 NumPy, weights dequantized."""
    c = _constants(content)
    x = feeds[0] if time_major else feeds[0].transpose(1, 0, 2)
    xa = None if not aux else (feeds[1] if time_major else feeds[1].transpose(1, 0, 2))

    def direction(w, r, b, aw, inp, backward):
        h = np.zeros((inp.shape[1], w.shape[0]))
        out = np.zeros((inp.shape[0], inp.shape[1], w.shape[0]))
        for t in (range(inp.shape[0] - 1, -1, -1) if backward else range(inp.shape[0])):
            y = b + inp[t] @ w.T + h @ r.T + (xa[t] @ aw.T if aw is not None else 0)
            h = out[t] = np.tanh(y)
        return out
    fw = direction(c[1], c[2], c[3], c[10], x, False)
    bw = direction(c[5], c[6], c[7], c[11], xa if aux == "bw" else x, True)
    outs = [np.concatenate([fw, bw], -1)] if merge else [fw, bw]
    return [o if time_major else o.transpose(1, 0, 2) for o in outs]


@pytest.mark.parametrize("case", cases.BIDI_HYBRID_LITERT_WRONG + [(2, 3, 5, 3, 4, True, False, "cross", False, False)])
def test_bidirectional_against_numpy(case):
    model, feeds = cases._bidi_rnn(0, *case)
    time_major, merge, aux, hybrid = case[5], case[6], case[7], case[8]
    if aux == "cross" and time_major:  # a narrower auxiliary input than LiteRT's own cases allow
        model, feeds = cases._bidi_rnn(0, *case[:7], None, *case[8:])
        aux = None
    ours = run(tl.lite.Interpreter(model_content=model), feeds)
    want = _numpy_bidi(model, feeds, time_major, merge, aux)
    for a, b in zip(ours, want):
        np.testing.assert_allclose(a, b, atol=0.03 if hybrid else 1e-5)


def test_bidirectional_narrow_auxiliary_input_time_major():
    """A time-major auxiliary input narrower than the input (LiteRT reads past its end): ours as NumPy."""
    m = Model()
    g = m.subgraph()
    rng = np.random.default_rng(3)
    x, xa = g.input("x", [3, 2, 5], "float32"), g.input("aux", [3, 2, 2], "float32")
    fw = cases._cell(g, rng, "fw_", 3, 5, False, 2)
    fh = cases._variable(g, "fw_h", [2, 3])
    bw = cases._cell(g, rng, "bw_", 4, 5, False, 2)
    bh = cases._variable(g, "bw_h", [2, 4])
    fy, by = g.tensor("fw_y", [3, 2, 3], "float32"), g.tensor("bw_y", [3, 2, 4], "float32")
    g.op("BIDIRECTIONAL_SEQUENCE_RNN", [x, *fw[:3], fh, *bw[:3], bh, xa, fw[3], bw[3]], [fy, by], time_major=True,
         fused_activation_function=4)
    g.output(fy, by)
    model = m.build()
    feeds = [rng.standard_normal((3, 2, 5)).astype(np.float32), rng.standard_normal((3, 2, 2)).astype(np.float32)]
    ours = run(tl.lite.Interpreter(model_content=model), feeds)
    c = _constants(model)
    for out, (w, r, b, aw), backward in ((ours[0], c[1:4] + [c[10]], False), (ours[1], c[5:8] + [c[11]], True)):
        h = np.zeros((2, w.shape[0]))
        for t in (range(2, -1, -1) if backward else range(3)):
            h = np.tanh(b + feeds[0][t] @ w.T + feeds[1][t] @ aw.T + h @ r.T)
            np.testing.assert_allclose(out[t], h, atol=1e-5)


def _edit(content, fn):
    def edit(model):
        fn(model.subgraphs[0])
    return edit_model(content, edit)


def test_refusals_name_the_problem():
    model, _ = cases._rnn(0, *cases.RNN_CASES[0])

    def not_variable(g):
        g.tensors[g.operators[0].inputs[4]].isVariable = False
    refused(_edit(model, not_variable), "RNN", "hidden state must be a variable tensor")

    def bad_state(g):
        g.tensors[g.operators[0].inputs[4]].shape = np.array([3, 4], np.int32)
    refused(_edit(model, bad_state), "RNN", r"hidden state must be \[batch, units\]")

    def bad_activation(g):
        g.operators[0].builtinOptions.fusedActivationFunction = 5
    refused(_edit(model, bad_activation), "RNN", "fused activation")

    seq, _ = cases._seq_rnn(0, *cases.SEQ_CASES[0])

    def rank2(g):
        g.tensors[g.operators[0].inputs[0]].shape = np.array([2, 5], np.int32)
    refused(_edit(seq, rank2), "UNIDIRECTIONAL_SEQUENCE_RNN", r"input must be \[batch, time, inputs\]")

    bidi, _ = cases._bidi_rnn(0, *cases.BIDI_CASES[2])  # auxiliary input and weights

    def one_aux_weight(g):
        g.operators[0].inputs = g.operators[0].inputs.copy()
        g.operators[0].inputs[11] = -1
    refused(_edit(bidi, one_aux_weight), "BIDIRECTIONAL_SEQUENCE_RNN", "both directions or neither")


@pytest.mark.parametrize("name,k", [("UNIDIRECTIONAL_SEQUENCE_RNN", 0), ("UNIDIRECTIONAL_SEQUENCE_RNN", 1),
                                    ("BIDIRECTIONAL_SEQUENCE_RNN", 0), ("BIDIRECTIONAL_SEQUENCE_RNN", 1)])
def test_resized_sequence_length(name, k):
    """The shape rule: a longer sequence (the time dimension resized) runs as in LiteRT resized the same way."""
    from tests.litert import litert_interpreter
    build, found = cases.BUILDERS[name]
    model, feeds = build(k, *found[k])
    time_major = found[k][5]
    shape = list(feeds[0].shape)
    shape[0 if time_major else 1] = 7
    x = np.random.default_rng(k).standard_normal(shape).astype(np.float32)
    outs = []
    for it in (tl.lite.Interpreter(model_content=model), litert_interpreter(model)):
        it.resize_tensor_input(it.get_input_details()[0]["index"], shape, strict=False)
        it.allocate_tensors()
        it.set_tensor(it.get_input_details()[0]["index"], x)
        it.invoke()
        outs.append([it.get_tensor(d["index"]) for d in it.get_output_details()])
    for a, b in zip(*outs):
        assert a.shape == b.shape and a.shape[0 if time_major else 1] == 7
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_lstm_refusals_name_the_problem():
    model, _ = cases.CASES["LSTM"]("float32")[0]

    def basic_kernel(g):
        g.operators[0].builtinOptions.kernelType = 1
    refused(_edit(model, basic_kernel), "LSTM", r"BASIC LSTM kernel")

    def rank3(g):
        for i in (g.operators[0].inputs[0], g.operators[0].outputs[0]):
            g.tensors[i].shape = np.array([2, 1, g.tensors[i].shape[-1]], np.int32)
    refused(_edit(model, rank3), "LSTM", r"input must be \[batch, features\]")

    def half_hybrid(m):  # one int8 weight matrix among float32 ones
        t = m.subgraphs[0].tensors[m.subgraphs[0].operators[0].inputs[1]]
        t.type = 9
        m.buffers[t.buffer].data = np.zeros(int(np.prod(t.shape)), np.uint8)
    refused(edit_model(model, half_hybrid), "LSTM", r"needs float32 \(or hybrid int8\) weights")

    hybrid, _ = cases._lstm_features("LSTM", 1, *cases.LSTM_HYBRID_FEATURE_CASES[1])  # int8 peephole weights

    def float_peephole(g):
        g.operators[0].inputs = g.operators[0].inputs.copy()
        g.operators[0].inputs[10] = g.operators[0].inputs[13]  # the float32 forget bias as forget peephole weights
    refused(_edit(hybrid, float_peephole), "LSTM", r"hybrid LSTM needs int8 weights \(input, recurrent, peephole")


def _dequantized(content):
    """The op's constant inputs as float64 (int8, int16 and int32 times their scale); None where absent."""
    schema, _ = litert_schema()
    m = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(content, 0))
    g = m.subgraphs[0]
    out = []
    for i in g.operators[0].inputs:
        t = g.tensors[i] if i >= 0 else None
        if t is None or m.buffers[t.buffer].data is None:
            out.append(None)
            continue
        v = np.frombuffer(bytes(m.buffers[t.buffer].data), {9: np.int8, 7: np.int16, 2: np.int32}[t.type])
        out.append(v.reshape(t.shape).astype(np.float64) * t.quantization.scale[0])
    return out


# Integer LSTMs with peephole and projection to fewer outputs than cells (peephole weights up to 4, so that they
# matter): LiteRT's integer peephole covers only the first `outputs` values of each batch row there (measured 0.06
# to 0.13 off the float computation), so ours is checked against the float LSTM in NumPy on the dequantized
# constants instead, within 2.5 steps of the output's 1/128 (measured up to 0.013; equal outputs and cells, where
# LiteRT is right, are bit-exact against it in test_matches_litert_over_invokes).
@pytest.mark.parametrize("name,case", [("LSTM", (2, 1, 4, 6, 3, False, True, True, False, 0.0, 0.0, False)),
                                       ("UNIDIRECTIONAL_SEQUENCE_LSTM", (2, 3, 4, 6, 3, False, True, True, False,
                                                                         0.0, 0.0, False)),
                                       ("UNIDIRECTIONAL_SEQUENCE_LSTM", (2, 3, 4, 6, 3, True, True, False, False,
                                                                         0.0, 0.0, True))])
def test_integer_lstm_peephole_projection_against_numpy(name, case):
    model, feeds = cases._lstm_int_features(name, 0, *case, peephole_range=4.0)
    ours = run(tl.lite.Interpreter(model_content=model), feeds)[0]
    c = _dequantized(model)
    seq, time_major = name != "LSTM", case[-1]
    x = (feeds[0].astype(np.float64) - 5) * 0.03  # op_cases_recurrent's input quantization
    x = x.transpose(1, 0, 2) if seq and time_major else (x if seq else x[:, None])
    w, r, p, b, pw, pb = c[1:5], c[5:9], c[9:12], c[12:16], c[16], c[17]
    want = np.zeros(x.shape[:2] + (pw.shape[0],))
    for row in range(x.shape[0]):
        h, cs = np.zeros(pw.shape[0]), np.zeros(pw.shape[1])
        for t in range(x.shape[1]):
            pre = [b[g] + w[g] @ x[row, t] + r[g] @ h if w[g] is not None else None for g in range(4)]
            f = 1 / (1 + np.exp(-(pre[1] + p[1] * cs)))
            i = 1 - f if w[0] is None else 1 / (1 + np.exp(-(pre[0] + p[0] * cs)))
            cs = f * cs + i * np.tanh(pre[2])
            hidden = np.tanh(cs) / (1 + np.exp(-(pre[3] + p[2] * cs)))
            h = want[row, t] = hidden @ pw.T + (pb if pb is not None else 0)
    want = want.transpose(1, 0, 2) if seq and time_major else (want if seq else want[:, 0])
    np.testing.assert_allclose((ours.astype(np.float64) + 2) / 128, want, atol=2.5 / 128)  # output zero point -2


def test_integer_lstm_refusals_name_the_problem():
    model, _ = cases._lstm_int_features("LSTM", 5, *cases.LSTM_INT_FEATURE_CASES[5])  # peephole, projection, norm

    def int8x8_8(g):  # LiteRT's int8x8_8 LSTM has 12 intermediates (it needs projection and layer norm)
        op = g.operators[0]
        op.intermediates = list(op.intermediates) + [op.intermediates[0]] * 7
    refused(_edit(model, int8x8_8), "LSTM", r"int8x8_8 LSTM \(12 intermediates; LiteRT runs it with projection and "
            r"layer norm only\) is not supported")

    def int32_peephole(g):
        g.operators[0].inputs = g.operators[0].inputs.copy()
        g.operators[0].inputs[9:12] = g.operators[0].inputs[12:15]  # the int32 biases as peephole weights
    refused(_edit(model, int32_peephole), "LSTM", "int16 peephole and layer-norm weights")


@pytest.mark.parametrize("case", [(2, 4, 3, 4, 4, False, "tanh", 0.0), (3, 2, 5, 3, 3, False, "relu", 1.0)])
def test_bidirectional_lstm_batch_major_merged_is_the_unmerged_pair(case):
    from tests.litert import litert_interpreter
    batch, time, inputs, fw, bw, time_major, act, clip = case
    merged, feeds = cases._bidi_lstm(7, batch, time, inputs, fw, bw, time_major, True, act, clip)
    apart, _ = cases._bidi_lstm(7, batch, time, inputs, fw, bw, time_major, False, act, clip)
    ours = run(tl.lite.Interpreter(model_content=merged), feeds)[0]
    ref = run(litert_interpreter(apart), feeds)
    np.testing.assert_allclose(ours, np.concatenate(ref, axis=-1), rtol=1e-5, atol=1e-6)


def _numpy_bidi_lstm(content, feeds, time_major, merge, aux, proj_clip):
    """BIDIRECTIONAL_SEQUENCE_LSTM (tanh, no cell clip) in float64 NumPy, weights dequantized: CIFG, peephole,
    projection, an auxiliary input weighed by both cells ("cross") or read by the backward cell ("bw")."""
    c = _constants(content)
    x = feeds[0] if time_major else feeds[0].transpose(1, 0, 2)
    xa = None if not aux else (feeds[1] if time_major else feeds[1].transpose(1, 0, 2))

    def sigmoid(v):
        return 1 / (1 + np.exp(-v))

    def direction(base, aux_base, inp, backward):
        w, r, p, b, pw, pb, a = (c[base:base + 4], c[base + 4:base + 8], c[base + 8:base + 11], c[base + 11:base + 15],
                                 c[base + 15], c[base + 16], c[aux_base:aux_base + 4])
        n_out = pw.shape[0] if pw is not None else b[1].shape[0]
        h, cs = np.zeros((inp.shape[1], n_out)), np.zeros((inp.shape[1], b[1].shape[0]))
        out = np.zeros((inp.shape[0], inp.shape[1], n_out))
        for t in (range(inp.shape[0] - 1, -1, -1) if backward else range(inp.shape[0])):
            pre = [b[g] + inp[t] @ w[g].T + h @ r[g].T + (xa[t] @ a[g].T if a[g] is not None else 0)
                   if w[g] is not None else None for g in range(4)]
            f = sigmoid(pre[1] + (p[1] * cs if p[1] is not None else 0))
            i = 1 - f if w[0] is None else sigmoid(pre[0] + (p[0] * cs if p[0] is not None else 0))
            cs = f * cs + i * np.tanh(pre[2])
            h = sigmoid(pre[3] + (p[2] * cs if p[2] is not None else 0)) * np.tanh(cs)
            if pw is not None:
                h = h @ pw.T + (pb if pb is not None else 0)
                h = np.clip(h, -proj_clip, proj_clip) if proj_clip > 0 else h
            out[t] = h
        return out
    fw = direction(1, 40, x, False)
    bw = direction(18, 44, xa if aux == "bw" else x, True)
    outs = [np.concatenate([fw, bw], -1)] if merge else [fw, bw]
    return [o if time_major else o.transpose(1, 0, 2) for o in outs]


# (case of BIDI_LSTM_AUX_HYBRID_CASES' layout): batch-major merged outputs, where LiteRT's reference kernel
# misplaces the backward half when there are no auxiliary weights (float32 and hybrid alike), checked against NumPy
# (hybrid: within the run-time int8 quantization's error, measured up to 0.003) and against LiteRT's two unmerged
# outputs side by side; the others check the auxiliary inputs' two meanings against NumPy too.
BIDI_LSTM_NUMPY_CASES = [(2, 3, 4, 4, 4, False, True, False, False, None, 0.0, None, 3, False),
                         (2, 3, 5, 4, 3, False, True, True, True, True, 0.4, None, 3, True),
                         (3, 2, 4, 4, 4, False, True, False, True, None, 0.0, None, 3, None),
                         (2, 3, 4, 5, 3, True, False, True, False, True, 0.0, "cross", 3, None),
                         (2, 3, 4, 4, 4, False, True, False, True, None, 0.0, "bw", 4, False)]


@pytest.mark.parametrize("case", BIDI_LSTM_NUMPY_CASES)
def test_bidirectional_lstm_against_numpy(case):
    from tests.litert import litert_interpreter
    model, feeds = cases._bidi_lstm_features(9, *case)
    time_major, merge, proj_clip, aux, hybrid = case[5], case[6], case[10], case[11], case[13] is not None
    ours = run(tl.lite.Interpreter(model_content=model), feeds)
    want = _numpy_bidi_lstm(model, feeds, time_major, merge, aux, proj_clip)
    for a, b in zip(ours, want):
        np.testing.assert_allclose(a, b, atol=0.01 if hybrid else 1e-5)
    if merge and not time_major and aux is None:
        apart, _ = cases._bidi_lstm_features(9, *case[:6], False, *case[7:])
        ref = run(litert_interpreter(apart), feeds)
        np.testing.assert_allclose(ours[0], np.concatenate(ref, axis=-1), rtol=1e-5, atol=1e-6)


def test_bidirectional_lstm_refusals_name_the_problem():
    model, _ = cases.CASES["BIDIRECTIONAL_SEQUENCE_LSTM"]("float32")[0]

    def peephole(g):
        g.operators[0].inputs = g.operators[0].inputs.copy()
        g.operators[0].inputs[9] = g.operators[0].inputs[12]  # a [cells] vector as cell-to-input weights
    refused(_edit(model, peephole), "BIDIRECTIONAL_SEQUENCE_LSTM", "peephole")

    def aux_weights_only(g):
        g.operators[0].inputs = g.operators[0].inputs.copy()
        g.operators[0].inputs[41] = g.operators[0].inputs[2]
    refused(_edit(model, aux_weights_only), "BIDIRECTIONAL_SEQUENCE_LSTM", "auxiliary weights without an auxiliary")

    def half_hybrid(m):  # one int8 weight matrix among float32 ones
        t = m.subgraphs[0].tensors[m.subgraphs[0].operators[0].inputs[19]]
        t.type = 9
        m.buffers[t.buffer].data = np.zeros(int(np.prod(t.shape)), np.uint8)
    refused(edit_model(model, half_hybrid), "BIDIRECTIONAL_SEQUENCE_LSTM", r"all be float32 or all int8 \(hybrid\)")

    cross, _ = cases._bidi_lstm_features(0, *cases.BIDI_LSTM_AUX_HYBRID_CASES[4])

    def one_aux_gate_missing(g):
        g.operators[0].inputs = g.operators[0].inputs.copy()
        g.operators[0].inputs[46] = -1
    refused(_edit(cross, one_aux_gate_missing), "BIDIRECTIONAL_SEQUENCE_LSTM", "auxiliary weights must be given for")

    def not_variable(g):
        g.tensors[g.operators[0].inputs[35]].isVariable = False
    refused(_edit(model, not_variable), "BIDIRECTIONAL_SEQUENCE_LSTM", "must be variable tensors")
