"""converter.to_ir: a .tflite back into the Graph IR (DESIGN contract 2), the inverse of lowering.

(a) Every Keras model of test_keras_models converts, reads back into a graph that verifies and runs
in the Executor with the Keras model's eager outputs, and lowers again into a .tflite that LiteRT
runs with the same outputs and that has the first conversion's operator sequence. The reference
cases of the op table (tests/reference: NumPy references), lowered alone, read back and run the
same way, so every builtin the lowering emits has its inverse exercised.
(b) The float32 models of the TFLM corpus (made by TensorFlow's converter) run in the Executor with
their LiteRT goldens.
(c) Quantized and custom-op models raise NotImplementedError naming the operator."""
import re

import numpy as np
import pytest
from tensorlite.converter.api import Converter, _Function
from tensorlite.converter.model import Model, Operator, Subgraph, Tensor
from tensorlite.converter.reader import read
from tensorlite.converter.to_ir import RULES, read_graph, to_graph
from tensorlite.converter.writer import write
from tensorlite.training.graph.executor import Executor

from tests.converter.test_keras_models import MODELS, _convert, _run
from tests.converter.test_op_lowering import CASES, assert_equals_reference, deployable
from tests.converter.test_op_lowering import convert as convert_case
from tests.litert import litert_interpreter, run
from tests.paths import CORPUS

CORPUS_MODELS = sorted(p for p in CORPUS.rglob("*.tflite") if "fuzz" not in p.parts)
# The corpus's float32 models: every tensor float32 (or an int32 shape operand), builtins only
FLOAT_CORPUS = ["add_model_float", "hello_world_float", "magic_wand", "mnist_lstm_float"]
# Cases whose second lowering differs, and what it gives: FILL of a constant reads back as a constant
# (shapes are static), which the converter writes as a copied constant output
RELOWERED_DIFFERENTLY = {"ones_like": [["RESHAPE"]]}
# Keras models likewise: a dynamic batch's output_shape arithmetic (SHAPE, STRIDED_SLICE, CONCATENATION) reads
# back as the static batch-1 shape the file states (the IR read from a file is static)
MODEL_RELOWERED_DIFFERENTLY = {"conv_transpose": [["TRANSPOSE_CONV"]]}


def _execute(graph, xs):
    """The graph (static batch 1) on a batch, one sample at a time, as test_keras_models._run."""
    ex = Executor(graph)
    outs = [ex.run([x[b:b + 1] for x in xs], {})[0] for b in range(xs[0].shape[0])]
    return [np.concatenate([o[i] for o in outs]) for i in range(len(outs[0]))]


def _opcodes(model) -> list:
    return [[op.opcode for op in sg.operators] for sg in model.subgraphs]


def _lower_again(graph, model) -> bytes:
    """The graph converted as the converter converts a traced function (freeze, optimize, lower, fuse)."""
    sig = model.signatures[0]
    sg = model.subgraphs[sig.subgraph]
    shapes = [tuple(None if d == -1 else d for d in (sg.tensors[t].shape_signature or sg.tensors[t].shape))
              for t in sg.inputs]
    return Converter([_Function(sig.key, graph, {}, shapes, list(sig.outputs))]).convert()


# ---- (a) round trip --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(MODELS))
def test_keras_model_round_trip(name):
    data, xs, want = _convert(name)
    first = read(data, name)
    graph = to_graph(first)
    graph.verify()
    got = _execute(graph, xs)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5)

    again = _lower_again(graph, first)
    assert _opcodes(read(again)) == MODEL_RELOWERED_DIFFERENTLY.get(name, _opcodes(first))
    for g, w in zip(_run(litert_interpreter(again, reference=False), xs), want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("case", [c for c in CASES if deployable(c)], ids=lambda c: c.id)
def test_lowered_op_reads_back(case):
    first = read(convert_case(case), case.id)
    graph = to_graph(first)
    x = np.asarray(case.inputs[0])
    got, _ = Executor(graph).run([x], {})
    assert_equals_reference(got, case)

    again = _lower_again(graph, first)
    assert _opcodes(read(again)) == RELOWERED_DIFFERENTLY.get(case.id, _opcodes(first))
    assert_equals_reference(run(litert_interpreter(again, reference=False), [x]), case)


def test_every_emitted_builtin_has_a_rule():
    """A tripwire: a builtin the lowering starts emitting needs an inverse rule (and then is tested)."""
    emitted = set()
    for case in CASES:
        if deployable(case):
            emitted |= {op for ops in _opcodes(read(convert_case(case))) for op in ops}
    for name in MODELS:
        emitted |= {op for ops in _opcodes(read(_convert(name)[0])) for op in ops}
    assert not emitted - set(RULES), sorted(emitted - set(RULES))


# ---- (b) the corpus's float models ----------------------------------------------------------------

@pytest.mark.parametrize("name", FLOAT_CORPUS)
def test_float_corpus_model_matches_litert_golden(name):
    graph = read_graph((CORPUS / f"{name}.tflite").read_bytes(), source=name)
    golden = np.load(CORPUS / f"{name}.golden.npz")
    ex = Executor(graph)
    for s in ("0", "1", "2"):
        outs, _ = ex.run([golden[f"in_{s}_{i}"] for i in range(len(graph.inputs))], {})
        for j, o in enumerate(outs):
            want = golden[f"litert_{s}_{j}"]
            assert o.dtype == want.dtype and o.shape == want.shape
            np.testing.assert_allclose(o, want, rtol=1e-5, atol=2e-6, err_msg=f"sample {s} output {j}")


# ---- (c) what the IR cannot hold yet ---------------------------------------------------------------

@pytest.mark.parametrize("path", [p for p in CORPUS_MODELS if p.stem not in FLOAT_CORPUS],
                         ids=lambda p: str(p.relative_to(CORPUS)))
def test_quantized_or_custom_model_names_the_operator(path):
    model = read(path.read_bytes(), path.name)
    with pytest.raises(NotImplementedError) as info:
        to_graph(model)
    msg = str(info.value)
    m = re.match(r"subgraph (\d+) operator (\d+) \(([^)]+)\): ", msg)
    assert m, msg
    op = model.subgraphs[int(m[1])].operators[int(m[2])]
    assert op.opcode == m[3]
    if op.custom:
        assert "custom operator" in msg
    else:
        assert "quantized" in msg and "quantizer" in msg


# ---- LSTM variants TensorFlow's converter emits (no Keras model here makes them): LiteRT as reference

def _lstm_model(cifg=False, peephole=False, projection=False, time_major=False, seed=0) -> Model:
    rng = np.random.default_rng(seed)
    batch, steps, depth, units = 2, 5, 3, 4
    out = 3 if projection else units
    g = Subgraph(name="main")

    def const(name, shape):
        return g.add_tensor(Tensor(name, "float32", shape, rng.normal(0, 0.6, shape).astype(np.float32)))

    x = g.add_tensor(Tensor("x", "float32", (steps, batch, depth) if time_major else (batch, steps, depth)))
    ins = [x]
    ins += [-1 if cifg and k == 0 else const(f"w{k}", (units, depth)) for k in range(4)]
    ins += [-1 if cifg and k == 0 else const(f"r{k}", (units, out)) for k in range(4)]
    ins += [const(f"p{k}", (units,)) if peephole and not (cifg and k == 0) else -1 for k in (0, 1, 3)]
    ins += [-1 if cifg and k == 0 else const(f"b{k}", (units,)) for k in range(4)]
    ins += [const("proj", (out, units)), const("proj_b", (out,))] if projection else [-1, -1]
    ins += [g.add_tensor(Tensor("h", "float32", (batch, out), is_variable=True)),
            g.add_tensor(Tensor("c", "float32", (batch, units), is_variable=True))]
    ins += [-1] * 4
    y = g.add_tensor(Tensor("y", "float32", (steps, batch, out) if time_major else (batch, steps, out)))
    g.operators = [Operator("UNIDIRECTIONAL_SEQUENCE_LSTM", ins, [y], {
        "fused_activation_function": 4, "cell_clip": 0.9, "proj_clip": 0.7 if projection else 0.0,
        "time_major": time_major, "asymmetric_quantize_inputs": False, "diagonal_recurrent_tensors": False})]
    g.inputs, g.outputs = [x], [y]
    return Model(subgraphs=[g])


@pytest.mark.parametrize("variant", [{}, {"cifg": True}, {"peephole": True}, {"projection": True},
                                     {"time_major": True}, {"cifg": True, "peephole": True, "projection": True}],
                         ids=lambda v: "-".join(v) or "plain")
def test_lstm_matches_litert(variant):
    model = _lstm_model(**variant)
    data = write(model)
    x = np.random.default_rng(1).uniform(-1, 1, model.subgraphs[0].tensors[0].shape).astype(np.float32)
    (want,) = run(litert_interpreter(data, reference=False), [x])
    (got,), _ = Executor(read_graph(data)).run([x], {})
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


# ---- builtins TensorFlow's converter emits that our lowering does not: LiteRT as reference

def _f32(rng, shape):
    return rng.normal(0, 1, shape).astype(np.float32)


def _handmade_cases():
    """name -> (operator, its input tensors (the first is the graph input), output tensor)."""
    rng = np.random.default_rng(3)
    x4 = Tensor("x", "float32", (1, 5, 5, 4))
    return {
        "select_v1": ("SELECT", {}, [Tensor("m", "bool", (3, 4)), Tensor("a", "float32", (3, 4), _f32(rng, (3, 4))),
                                     Tensor("b", "float32", (3, 4), _f32(rng, (3, 4)))],
                      Tensor("y", "float32", (3, 4))),
        "softmax_beta": ("SOFTMAX", {"beta": 0.37}, [Tensor("x", "float32", (2, 6))], Tensor("y", "float32", (2, 6))),
        "dequantize_float16_weights": (
            "DEQUANTIZE", {}, [Tensor("w16", "float16", (3, 4), _f32(rng, (3, 4)).astype(np.float16))],
            Tensor("y", "float32", (3, 4))),
        "fully_connected_computed_weights": (
            "FULLY_CONNECTED", {"fused_activation_function": 1, "keep_num_dims": False},
            [Tensor("x", "float32", (2, 3, 4)), Tensor("w", "float32", (5, 4)),
             Tensor("b", "float32", (5,), _f32(rng, 5))],
            Tensor("y", "float32", (6, 5))),
        "conv_relu_n1_to_1_strided": (
            "CONV_2D", {"padding": 0, "stride_h": 2, "stride_w": 1, "dilation_h_factor": 1, "dilation_w_factor": 1,
                        "fused_activation_function": 2},
            [x4, Tensor("f", "float32", (3, 3, 2, 4), _f32(rng, (3, 3, 2, 4))),
             Tensor("b", "float32", (3,), _f32(rng, 3))], Tensor("y", "float32", (1, 3, 5, 3))),
        "depthwise_multiplier_valid": (
            "DEPTHWISE_CONV_2D", {"padding": 1, "stride_h": 1, "stride_w": 2, "depth_multiplier": 2,
                                  "dilation_h_factor": 2, "dilation_w_factor": 1, "fused_activation_function": 3},
            [x4, Tensor("f", "float32", (1, 2, 3, 8), _f32(rng, (1, 2, 3, 8))),
             Tensor("b", "float32", (8,), _f32(rng, 8))], Tensor("y", "float32", (1, 3, 2, 8))),
    }


@pytest.mark.parametrize("name", sorted(_handmade_cases()))
def test_handmade_builtin_matches_litert(name):
    opcode, options, ins, out = _handmade_cases()[name]
    g = Subgraph(name="main")
    idx = [g.add_tensor(t) for t in ins]
    y = g.add_tensor(out)
    g.operators = [Operator(opcode, idx, [y], options)]
    g.inputs = [i for i, t in zip(idx, ins) if t.data is None]
    g.outputs = [y]
    data = write(Model(subgraphs=[g]))
    rng = np.random.default_rng(4)
    xs = [rng.integers(0, 2, t.shape).astype(bool) if t.dtype == "bool" else _f32(rng, t.shape)
          for t in ins if t.data is None]
    # LiteRT's reference kernels, as the corpus goldens; they also run graphs without inputs (no XNNPACK)
    (want,) = run(litert_interpreter(data), xs)
    (got,), _ = Executor(read_graph(data)).run(xs, {})
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


# ---- errors name the operator ----------------------------------------------------------------------

def _single_op(opcode, options, out_shape=(1, 4), extra=()) -> Model:
    """x -> RELU -> `opcode`(relu's output, *extra constants) -> y: the operator under test is number 1."""
    g = Subgraph(name="main")
    x = g.add_tensor(Tensor("x", "float32", (1, 4)))
    r = g.add_tensor(Tensor("r", "float32", (1, 4)))
    y = g.add_tensor(Tensor("y", "float32", out_shape))
    g.operators = [Operator("RELU", [x], [r]), Operator(opcode, [r] + [g.add_tensor(t) for t in extra], [y], options)]
    g.inputs, g.outputs = [x], [y]
    return Model(subgraphs=[g])


def test_fused_tanh_is_refused_by_name():
    m = _single_op("ADD", {"fused_activation_function": 4},
                   extra=[Tensor("c", "float32", (4,), np.ones(4, np.float32))])
    with pytest.raises(NotImplementedError, match=r"subgraph 0 operator 1 \(ADD\): fused activation TANH"):
        to_graph(m)


def test_builtin_without_rule_is_refused_by_name():
    m = _single_op("CUMSUM", {}, extra=[Tensor("axis", "int32", (), np.array(1, np.int32))])
    with pytest.raises(NotImplementedError, match=r"operator 1 \(CUMSUM\): no Graph IR rule for this builtin"):
        to_graph(m)


def test_computed_shape_operand_is_refused_by_name():
    g = Subgraph(name="main")
    x = g.add_tensor(Tensor("x", "float32", (2, 3)))
    perm = g.add_tensor(Tensor("perm", "int32", (2,)))
    y = g.add_tensor(Tensor("y", "float32", (3, 2)))
    g.operators = [Operator("TRANSPOSE", [x, perm], [y])]
    g.inputs, g.outputs = [x, perm], [y]
    with pytest.raises(NotImplementedError, match=r"operator 0 \(TRANSPOSE\): input 1 \(the permutation"):
        to_graph(Model(subgraphs=[g]))


def test_inconsistent_tensor_shape_is_a_value_error_naming_the_operator():
    m = _single_op("RELU6", {}, out_shape=(1, 5))
    with pytest.raises(ValueError, match=r"operator 1 \(RELU6\): output 0 \('y'\) is float32\[1, 5\]"):
        to_graph(m)
