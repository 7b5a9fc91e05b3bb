"""STABLEHLO_COMPOSITE runs its decomposition subgraph as a call (inputs copied in, outputs copied out), against
LiteRT's reference kernels: float32 and int32 decompositions, several outputs, a composite called twice, one
nested in another's decomposition, each also with its inputs resized (the shape rule goes through the
decomposition); and the refusals (missing options, a decomposition whose inputs or outputs
do not match the node's)."""
from __future__ import annotations

import numpy as np
import pytest
from flatbuffers.flexbuffers import Dumps

from tests.runtime_c.tflite_graph import Model, check_against_litert, refused

ATTRS = list(Dumps({"k": 1}))  # LiteRT requires composite_attributes (a FlexBuffer map); they change nothing


def _composite(g, inputs, outputs, index, **extra):
    g.op("STABLEHLO_COMPOSITE", inputs, outputs, name="test.op", decomposition_subgraph_index=index, version=1,
         composite_attributes=ATTRS, **extra)


def _add_mul(sg, shape, dtype):
    """Decomposition: (a + b) * a and a - b, two outputs."""
    a, b = sg.input("a", shape, dtype), sg.input("b", shape, dtype)
    t, u, v = sg.tensor("t", shape, dtype), sg.tensor("u", shape, dtype), sg.tensor("v", shape, dtype)
    sg.op("ADD", [a, b], [t])
    sg.op("MUL", [t, a], [u])
    sg.op("SUB", [a, b], [v])
    sg.output(u, v)


@pytest.mark.parametrize("dtype,shape", [("float32", [2, 3]), ("int32", [5]), ("float32", [1, 2, 2, 3])])
def test_decomposition_runs_as_litert(dtype, shape):
    m = Model()
    g, body = m.subgraph(), m.subgraph()
    x, y = g.input("x", shape, dtype), g.input("y", shape, dtype)
    z, w = g.tensor("z", shape, dtype), g.tensor("w", shape, dtype)
    _composite(g, [x, y], [z, w], 1)
    g.output(z, w)
    _add_mul(body, shape, dtype)
    rng = np.random.default_rng(len(shape))
    feeds = [rng.standard_normal(shape).astype(np.float32) if dtype == "float32"
             else rng.integers(-1000, 1000, shape).astype(np.int32) for _ in range(2)]
    check_against_litert(m.build(), feeds)


def test_called_twice_and_nested():
    """Subgraph 0 calls composite A (subgraph 1) twice; A's decomposition calls composite B (subgraph 2)."""
    shape = [4]
    m = Model()
    g, a, b = m.subgraph(), m.subgraph(), m.subgraph()
    x, y = g.input("x", shape, "float32"), g.input("y", shape, "float32")
    z1, w1, z2, w2 = (g.tensor(n, shape, "float32") for n in ("z1", "w1", "z2", "w2"))
    _composite(g, [x, y], [z1, w1], 1)
    _composite(g, [z1, w1], [z2, w2], 1)
    g.output(z2, w2)
    ai, bi = a.input("ai", shape, "float32"), a.input("bi", shape, "float32")
    p, q, r = (a.tensor(n, shape, "float32") for n in ("p", "q", "r"))
    _composite(a, [ai, bi], [p, q], 2)
    a.op("MAXIMUM", [p, q], [r])
    a.output(r, q)
    _add_mul(b, shape, "float32")
    rng = np.random.default_rng(7)
    check_against_litert(m.build(), [rng.standard_normal(shape).astype(np.float32) for _ in range(2)])


def _mismatched(inputs_in_body: int, options=True) -> bytes:
    m = Model()
    g, body = m.subgraph(), m.subgraph()
    x, y, z = g.input("x", [3], "float32"), g.input("y", [3], "float32"), g.tensor("z", [3], "float32")
    if options:
        _composite(g, [x, y], [z], 1)
    else:
        g.op("STABLEHLO_COMPOSITE", [x, y], [z])
    g.output(z)
    ins = [body.input(f"b{k}", [3], "float32") for k in range(inputs_in_body)]
    out = body.tensor("o", [3], "float32")
    body.op("NEG", [ins[0]], [out])
    body.output(out)
    return m.build()


def test_refusals():
    refused(_mismatched(1), "STABLEHLO_COMPOSITE", "decomposition subgraph must take the node's inputs")
    refused(_mismatched(2, options=False), "STABLEHLO_COMPOSITE", "decomposition_subgraph_index is missing")


def _resized_both(model: bytes, shape, feeds) -> None:
    """Both graph inputs resized to `shape` in tensorlite and LiteRT (BUILTIN_REF): outputs equal bit for bit."""
    import tensorlite as tl
    from tests.litert import litert_interpreter
    outs = []
    for it in (tl.lite.Interpreter(model_content=model), litert_interpreter(model)):
        for d in it.get_input_details():
            it.resize_tensor_input(d["index"], shape)
        it.allocate_tensors()
        for d, x in zip(it.get_input_details(), feeds):
            it.set_tensor(d["index"], x)
        it.invoke()
        outs.append([it.get_tensor(d["index"]) for d in it.get_output_details()])
    for a, b in zip(*outs):
        assert a.shape == b.shape == tuple(shape)
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("shape", [[4, 3], [1, 1], [2, 7]])
def test_resized_through_the_decomposition(shape):
    """The shape rule: the decomposition's inputs take the node's shapes, its outputs give the node's."""
    m = Model()
    g, body = m.subgraph(), m.subgraph()
    x, y = g.input("x", [1, 3], "float32"), g.input("y", [1, 3], "float32")
    z, w = g.tensor("z", [1, 3], "float32"), g.tensor("w", [1, 3], "float32")
    _composite(g, [x, y], [z, w], 1)
    g.output(z, w)
    _add_mul(body, [1, 3], "float32")
    rng = np.random.default_rng(sum(shape))
    _resized_both(m.build(), shape, [rng.standard_normal(shape).astype(np.float32) for _ in range(2)])


def test_resized_called_twice_and_nested():
    m = Model()
    g, a, b = m.subgraph(), m.subgraph(), m.subgraph()
    x, y = g.input("x", [4], "float32"), g.input("y", [4], "float32")
    z1, w1, z2, w2 = (g.tensor(n, [4], "float32") for n in ("z1", "w1", "z2", "w2"))
    _composite(g, [x, y], [z1, w1], 1)
    _composite(g, [z1, w1], [z2, w2], 1)
    g.output(z2, w2)
    ai, bi = a.input("ai", [4], "float32"), a.input("bi", [4], "float32")
    p, q, r = (a.tensor(n, [4], "float32") for n in ("p", "q", "r"))
    _composite(a, [ai, bi], [p, q], 2)
    a.op("MAXIMUM", [p, q], [r])
    a.output(r, q)
    _add_mul(b, [4], "float32")
    rng = np.random.default_rng(3)
    _resized_both(m.build(), [9], [rng.standard_normal(9).astype(np.float32) for _ in range(2)])
