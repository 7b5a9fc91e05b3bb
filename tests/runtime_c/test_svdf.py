"""SVDF in the C runtime against the real LiteRT interpreter (BUILTIN_REF).

keyword_scrambled (int8 input, int16 weights_time and state) is cut before its int16 SOFTMAX,
at each SVDF's output and at the last FULLY_CONNECTED, and run for more invokes than the
shortest memory (8), so the state shift and the time filter over a full state are compared bit
for bit. Float SVDF is checked on small single-op models built here (rank 1 and 2, batch 1 and
2, with and without bias, RELU and no activation), within 1e-5 relative. The int8-state variant
(keyword_scrambled_8bit) crashes LiteRT; it is checked by the conformance suite against TFLM.

This file is also the generator of those models, for inspection:
    python -m tests.runtime_c.test_svdf OUTDIR
writes OUTDIR/<case>.tflite for every case below (the goldens are LiteRT's outputs, computed
when the tests run)."""
import sys

import numpy as np
import pytest
from tensorlite.runtime import Interpreter

from tests.litert import litert_schema

from .cbuild import CORPUS
from .test_unidirectional_sequence_lstm import derive, run_against_litert
from .tflite_graph import edit_model

SVDF_CODE = 27

# keyword_scrambled: the SVDF outputs (tensors 5, 13, 21, 29, 37, 42, 47) and the last FC (50).
KEYWORD_CUTS = {"svdf0": [5], "svdf3": [29], "svdf6": [47], "fc_before_softmax": [50],
                "all_svdfs": [5, 13, 21, 29, 37, 42, 47]}


def svdf_float_model(batch, n_input, units, rank, memory, activation, bias=True, seed=0) -> bytes:
    """One float32 SVDF: input [batch, n_input] -> output [batch, units], random weights."""
    schema, flatbuffers = litert_schema()
    rng = np.random.default_rng(seed)
    filters = units * rank
    buffers = [schema.BufferT()]
    tensors = []

    def tensor(name, shape, data=None, variable=False):
        t = schema.TensorT()
        t.name, t.shape, t.type, t.isVariable, t.buffer = name, list(shape), schema.TensorType.FLOAT32, variable, 0
        if data is not None:
            b = schema.BufferT()
            b.data = np.frombuffer(np.asarray(data, "<f4").tobytes(), np.uint8)
            buffers.append(b)
            t.buffer = len(buffers) - 1
        tensors.append(t)
        return len(tensors) - 1

    x = tensor("input", [batch, n_input])
    wf = tensor("weights_feature", [filters, n_input], rng.uniform(-1, 1, (filters, n_input)))
    wt = tensor("weights_time", [filters, memory], rng.uniform(-1, 1, (filters, memory)))
    b = tensor("bias", [units], rng.uniform(-1, 1, units)) if bias else -1
    state = tensor("state", [batch, filters * memory], variable=True)
    y = tensor("output", [batch, units])
    op = schema.OperatorT()
    op.opcodeIndex, op.inputs, op.outputs = 0, [x, wf, wt, b, state], [y]
    op.builtinOptionsType = schema.BuiltinOptions.SVDFOptions
    op.builtinOptions = schema.SVDFOptionsT()
    op.builtinOptions.rank, op.builtinOptions.fusedActivationFunction = rank, activation
    code = schema.OperatorCodeT()
    code.builtinCode, code.deprecatedBuiltinCode, code.version = SVDF_CODE, SVDF_CODE, 1
    g = schema.SubGraphT()
    g.tensors, g.inputs, g.outputs, g.operators = tensors, [x], [y], [op]
    model = schema.ModelT()
    model.version, model.operatorCodes, model.subgraphs, model.buffers = 3, [code], [g], buffers
    model.description = "tests/runtime_c/test_svdf.py"
    builder = flatbuffers.Builder(1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


FLOAT_CASES = {  # name -> svdf_float_model arguments
    "float_rank1_relu": dict(batch=1, n_input=7, units=5, rank=1, memory=3, activation=1),
    "float_rank2_batch2": dict(batch=2, n_input=6, units=4, rank=2, memory=4, activation=0),
    "float_rank2_no_bias": dict(batch=1, n_input=9, units=3, rank=2, memory=5, activation=1, bias=False),
}


def _cases():
    cases = {f"keyword_scrambled_{k}": (lambda v=v: derive(str(CORPUS / "keyword_scrambled.tflite"), v))
             for k, v in KEYWORD_CUTS.items()}
    cases.update({k: (lambda v=v: svdf_float_model(**v)) for k, v in FLOAT_CASES.items()})
    return cases


@pytest.mark.parametrize("case", sorted(_cases()))
def test_svdf_matches_litert(case):
    run_against_litert(_cases()[case](), steps=12)  # more invokes than the shortest memory (8)


def test_int8_state_svdf_runs():
    """keyword_scrambled_8bit (int8 weights_time and state with zero points, TFLM's variant) is
    accepted; its numbers are compared with TFLM's by the conformance suite."""
    it = Interpreter(model_content=derive(str(CORPUS / "keyword_scrambled_8bit.tflite"), [47]))
    it.allocate_tensors()
    details = {d["index"]: d for d in it.get_tensor_details()}
    state = details[4]
    assert state["dtype"] == np.int8
    assert (it.get_tensor(4) == state["quantization_parameters"]["zero_points"][0]).all()  # reset to zero point
    it.set_tensor(52, np.zeros((1, 96), np.int16))
    it.invoke()


def test_bad_rank_is_refused():
    content = svdf_float_model(batch=1, n_input=4, units=3, rank=2, memory=2, activation=0)
    content = edit_model(content, lambda m: setattr(m.subgraphs[0].operators[0].builtinOptions, "rank", 4))
    with pytest.raises(ValueError, match=r"node 0 \(SVDF\).*rank"):  # 6 filters are not a multiple of 4
        Interpreter(model_content=content).allocate_tensors()


if __name__ == "__main__":
    import pathlib

    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for name, make in sorted(_cases().items()):
        (out / f"{name}.tflite").write_bytes(make())
        print(out / f"{name}.tflite")
