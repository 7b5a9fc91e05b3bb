"""UNIDIRECTIONAL_SEQUENCE_LSTM in the C runtime against the real LiteRT interpreter (BUILTIN_REF).

The models are the corpus's LSTMs cut at the LSTM outputs (so the LSTM itself is compared, not
a softmax after it), and variants of them (batch > 1, time-major, another cell activation).
Each case runs several invokes in a row without resetting, so the carried output and cell
states are compared too, then resets both interpreters and compares again. Integer outputs
must match bit for bit; float ones within 1e-5 relative (DESIGN contract 4).

This file is also the generator of those models, for inspection:
    python -m tests.runtime_c.test_unidirectional_sequence_lstm OUTDIR
writes OUTDIR/<case>.tflite for every case below (the goldens are LiteRT's outputs, computed
when the tests run)."""
import sys

import numpy as np
import pytest
from tensorlite.runtime import Interpreter

from tests.litert import litert_interpreter

from .cbuild import CORPUS
from .tflite_graph import edit_model

STEPS = 4  # invokes per case before the reset


def derive(model_path, outputs, edit=None) -> bytes:
    """The corpus model with its graph outputs replaced by `outputs` (tensor indices), the
    operators after the last one producing them dropped, and `edit(model, subgraph)` applied."""
    def cut(model):
        g = model.subgraphs[0]
        last = max(i for i, op in enumerate(g.operators) if set(op.outputs.tolist()) & set(outputs))
        g.operators = g.operators[:last + 1]
        g.outputs = list(outputs)
        model.signatureDefs = None
        if edit is not None:
            edit(model, g)

    with open(model_path, "rb") as f:
        return edit_model(f.read(), cut)


def _lstm_ops(g):
    return [op for op in g.operators if op.builtinOptions is not None
            and type(op.builtinOptions).__name__ == "UnidirectionalSequenceLSTMOptionsT"]


def reshape_lstm(batch, time_major, activation=None):
    """Edit: the (single) LSTM's input, states and output get `batch` rows, time-major if asked."""
    def edit(model, g):
        (op,) = _lstm_ops(g)
        x, h, c, y = (g.tensors[i] for i in (op.inputs[0], op.inputs[18], op.inputs[19], op.outputs[0]))
        steps = int(x.shape[1])
        for t, shape in ((x, [batch, steps, x.shape[2]]), (y, [batch, steps, y.shape[2]]),
                         (h, [batch, h.shape[1]]), (c, [batch, c.shape[1]])):
            if time_major and t in (x, y):
                shape = [shape[1], shape[0], shape[2]]
            t.shape = np.array(shape, np.int32)
            t.shapeSignature = None
        op.builtinOptions.timeMajor = time_major
        if activation is not None:
            op.builtinOptions.fusedActivationFunction = activation
    return edit


# case name -> (corpus model, output tensors, edit)
CASES = {
    "mnist_lstm_float": ("mnist_lstm_float.tflite", [18], None),
    "mnist_lstm_float_batch3": ("mnist_lstm_float.tflite", [18], reshape_lstm(3, False)),
    "mnist_lstm_float_time_major_batch2": ("mnist_lstm_float.tflite", [18], reshape_lstm(2, True)),
    "mnist_lstm_float_relu_n1_to_1": ("mnist_lstm_float.tflite", [18], reshape_lstm(1, False, activation=2)),
    "mnist_lstm_int8": ("mnist_lstm_int8.tflite", [23], None),
    "mnist_lstm_int8_time_major_batch2": ("mnist_lstm_int8.tflite", [23], reshape_lstm(2, True)),
    "micro_speech_lstm": ("micro_speech_lstm.tflite", [23], None),
    "micro_speech_lstm_batch2": ("micro_speech_lstm.tflite", [23], reshape_lstm(2, False)),
    "dtln_two_lstms": ("dtln_noise_suppression.tflite", [34, 42], None),
}


def _random_input(rng, d):
    if np.issubdtype(d["dtype"], np.integer):
        info = np.iinfo(d["dtype"])
        return rng.integers(info.min, info.max, d["shape"], endpoint=True).astype(d["dtype"])
    return rng.uniform(-1, 1, d["shape"]).astype(d["dtype"])


def _assert_same(got, want, what):
    assert got.shape == want.shape and got.dtype == want.dtype, what
    if np.issubdtype(want.dtype, np.floating):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, err_msg=what)
    else:
        diff = np.abs(got.astype(np.int64) - want).max()
        assert diff == 0, f"{what}: off by {diff} LSB at {np.count_nonzero(got != want)} of {got.size} values"


def run_against_litert(content, seed=0, steps=STEPS):
    ours, ref = Interpreter(model_content=content), litert_interpreter(content)
    ours.allocate_tensors()
    ref.allocate_tensors()
    rng = np.random.default_rng(seed)

    def step(k):
        for d in ref.get_input_details():
            x = _random_input(rng, d)
            ours.set_tensor(d["index"], x)
            ref.set_tensor(d["index"], x)
        ours.invoke()
        ref.invoke()
        for d in ref.get_output_details():
            _assert_same(ours.get_tensor(d["index"]), ref.get_tensor(d["index"]), f"invoke {k}, output {d['name']}")

    for k in range(steps):
        step(k)
    ours.reset_all_variables()
    ref.reset_all_variables()
    step("after reset")


@pytest.mark.parametrize("case", sorted(CASES))
def test_lstm_matches_litert(case):
    model, outputs, edit = CASES[case]
    run_against_litert(derive(str(CORPUS / model), outputs, edit))


def _set_input(index, tensor):
    def edit(model, g):
        (op,) = _lstm_ops(g)
        op.inputs = op.inputs.copy()
        op.inputs[index] = tensor
    return edit


# The float32, hybrid and integer cells run CIFG, peephole, projection and layer norm (test_recurrent.py); a model
# giving only part of one, or a malformed one, is refused naming it.
@pytest.mark.parametrize("model, output, index, tensor, message", [
    ("mnist_lstm_float", 18, 1, -1, "CIFG"),                   # input gate weights gone, its recurrent ones kept
    ("mnist_lstm_float", 18, 9, 8, "peephole"),                # a [20] vector as cell-to-input weights only
    ("mnist_lstm_float", 18, 16, 8, r"projection weights must be \[outputs, cells\]"),  # a [20] vector
    ("mnist_lstm_float", 18, 21, 8, "layer normalization"),    # a [20] vector as forget layer-norm coefficients only
])
def test_unsupported_lstm_features_are_named(model, output, index, tensor, message):
    content = derive(str(CORPUS / f"{model}.tflite"), [output], _set_input(index, tensor))
    with pytest.raises(ValueError, match=rf"node 0 \(UNIDIRECTIONAL_SEQUENCE_LSTM\).*{message}"):
        Interpreter(model_content=content).allocate_tensors()


def test_int8_state_resets_to_its_zero_point():
    """micro_speech_lstm's output state has zero point -1: a reset state is -1, not 0 (LiteRT)."""
    content = derive(str(CORPUS / "micro_speech_lstm.tflite"), [23])
    it = Interpreter(model_content=content)
    it.allocate_tensors()
    details = {d["index"]: d for d in it.get_tensor_details()}
    for index in (16, 17):  # output state (int8, zero point -1), cell state (int16)
        zp = details[index]["quantization_parameters"]["zero_points"][0] if details[index]["dtype"] == np.int8 else 0
        assert (it.get_tensor(index) == zp).all()


if __name__ == "__main__":
    import pathlib

    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for name, (model, outputs, edit) in sorted(CASES.items()):
        (out / f"{name}.tflite").write_bytes(derive(str(CORPUS / model), outputs, edit))
        print(out / f"{name}.tflite")
