"""Tensors whose shape depends on values (WHERE's coordinates, UNIQUE's values) read by other ops: planned at
their upper bound, the ops downstream re-shaped by their shape rules and prepared again at each invoke
(runtimes/c/src/dynamic.c), as LiteRT makes such tensors dynamic. Every output, shape included, equals LiteRT's
reference kernels (BUILTIN_REF) bit for bit, over one interpreter invoked on inputs giving different lengths, 0
included. tests/data/tf_value_shaped holds models TensorFlow's converter made (tf.where + tf.gather_nd +
reduce_sum + cast, tf.unique + tf.size + add; scripts/make_tf_value_shaped_models.py)."""
from __future__ import annotations

import numpy as np
import pytest
from tensorlite.runtime import OpResolverType

import tensorlite as tl
from tests.litert import litert_interpreter
from tests.paths import DATA

from .tflite_graph import Model

TF_VALUE_SHAPED = DATA / "tf_value_shaped"


def _invokes_match(model: bytes, feed_sets, resize=None) -> list[list[np.ndarray]]:
    """One interpreter of each (inputs resized to `resize` first, if given), invoked on each feed set in turn:
    outputs equal every time, shapes and types included; returns ours."""
    ours, ref = tl.lite.Interpreter(model_content=model), litert_interpreter(model)
    for it in (ours, ref):
        for d, shape in zip(it.get_input_details(), resize or ()):
            it.resize_tensor_input(d["index"], shape)
        it.allocate_tensors()
    seen = []
    for feeds in feed_sets:
        got = []
        for it in (ours, ref):
            for d, x in zip(it.get_input_details(), feeds):
                it.set_tensor(d["index"], x)
            it.invoke()
            got.append([it.get_tensor(d["index"]) for d in it.get_output_details()])
        assert len(got[0]) == len(got[1])
        for a, b in zip(*got):
            assert a.shape == b.shape and a.dtype == b.dtype
            np.testing.assert_array_equal(a, b)
        seen.append(got[0])
    return seen


def test_tf_where_gather_nd_sum_cast():
    model = (TF_VALUE_SHAPED / "where_gather_nd.tflite").read_bytes()
    rng = np.random.default_rng(3)
    sets = [[rng.standard_normal((3, 4)).astype(np.float32) + shift] for shift in (0.0, -1.5, 3.0, -9.0, 0.5)]
    sets.insert(2, [np.zeros((3, 4), np.float32)])
    outs = _invokes_match(model, sets)
    counts = [int(o[2]) for o in outs]  # "count": the length of the gathered elements
    assert 0 in counts and 12 in counts and len(set(counts)) >= 4, counts


def test_tf_where_gather_nd_resized():
    """Resized, the SHAPE of the gathered elements is not folded at allocation: it follows each invoke."""
    model = (TF_VALUE_SHAPED / "where_gather_nd.tflite").read_bytes()
    rng = np.random.default_rng(9)
    sets = [[rng.standard_normal((5, 4)).astype(np.float32) + shift] for shift in (0.0, -9.0, 9.0, -1.0)]
    outs = _invokes_match(model, sets, resize=[[5, 4]])
    assert [int(o[2]) for o in outs][1:3] == [0, 20]


def test_tf_unique_size_add():
    model = (TF_VALUE_SHAPED / "unique_size.tflite").read_bytes()
    rng = np.random.default_rng(4)
    sets = [[rng.integers(-k, k + 1, 8).astype(np.int32)] for k in (0, 1, 3, 100)]
    sets.append([np.array([5, 5, -1, 5, 7, -1, 0, 0], np.int32)])
    outs = _invokes_match(model, sets)
    assert [int(o[1]) for o in outs] == [1, 3, 5, 8, 4]  # "size" (LiteRT agrees: compared above)


def _chain(n: int) -> bytes:
    """x[n] float32 -> WHERE(x) -> GATHER_ND(x, coords) -> UNIQUE -> ADD 1, plus the coordinates as int32: a
    value-shaped op reading a tensor that is itself shaped at invoke, and chains of re-prepared ops."""
    m = Model()
    g = m.subgraph()
    x = g.input("x", [n], "float32")
    coords = g.tensor("coords", [n, 1], "int64")
    picked = g.tensor("picked", [n], "float32")
    values, idx = g.tensor("values", [n], "float32"), g.tensor("idx", [n], "int32")
    plus = g.tensor("plus", [n], "float32")
    coords32 = g.tensor("coords32", [n, 1], "int32")
    g.op("WHERE", [x], [coords])
    g.op("GATHER_ND", [x, coords], [picked])
    g.op("UNIQUE", [picked], [values, idx])
    g.op("ADD", [values, g.const("one", np.array([1.0], np.float32))], [plus])
    g.op("CAST", [coords], [coords32])
    g.output(plus, idx, coords32)
    return m.build()


def test_where_gather_unique_add_chain():
    sets = [[np.array(v, np.float32)] for v in ([0, 2, 2, 0, -1, 3, 2, 0], [0] * 8, [1, 1, 1, 1, 1, 1, 1, 1],
                                                [4, -4, 0, 4, 5, 0, -4, 6], [0, 0, 0, 0, 0, 0, 0, 9])]
    outs = _invokes_match(_chain(8), sets)
    assert [o[0].shape[0] for o in outs] == [3, 0, 1, 4, 1]


def test_chain_resized():
    """A resize before allocation: the upper bounds follow the new input shape."""
    rng = np.random.default_rng(5)
    sets = [[rng.integers(-2, 3, 20).astype(np.float32)] for _ in range(3)] + [[np.zeros(20, np.float32)]]
    _invokes_match(_chain(8), sets, resize=[[20]])


def _rows_matmul(hybrid: bool) -> bytes:
    """x[6, 4] -> the rows whose first element is positive (SLICE, RESHAPE, GREATER, WHERE, GATHER_ND) ->
    FULLY_CONNECTED (float32 or hybrid int8 weights) -> SOFTMAX."""
    m = Model()
    g = m.subgraph()
    x = g.input("x", [6, 4], "float32")
    col, first = g.tensor("col", [6, 1], "float32"), g.tensor("first", [6], "float32")
    mask = g.tensor("mask", [6], "bool")
    coords, rows = g.tensor("live", [6, 1], "int64"), g.tensor("rows", [6, 4], "float32")
    fc, soft = g.tensor("fc", [6, 3], "float32"), g.tensor("soft", [6, 3], "float32")
    w = np.random.default_rng(6).standard_normal((3, 4)).astype(np.float32)
    scale = float(np.abs(w).max() / 127)
    w = g.const("w", np.round(w / scale).astype(np.int8), {"scale": [scale], "zero_point": [0]}) if hybrid else \
        g.const("w", w)
    g.op("SLICE", [x, g.const("b", np.array([0, 0], np.int32)), g.const("s", np.array([6, 1], np.int32))], [col])
    g.op("RESHAPE", [col, g.const("flat", np.array([6], np.int32))], [first])
    g.op("GREATER", [first, g.const("zero", np.array([0.0], np.float32))], [mask])
    g.op("WHERE", [mask], [coords])
    g.op("GATHER_ND", [x, coords], [rows])
    g.op("FULLY_CONNECTED", [rows, w, -1], [fc])
    g.op("SOFTMAX", [fc], [soft], beta=1.0)
    g.output(soft)
    return m.build()


@pytest.mark.parametrize("resolver", [OpResolverType.AUTO, OpResolverType.BUILTIN_REF])
@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("hybrid", [False, True])
def test_where_feeding_a_matmul_and_softmax(resolver, threads, hybrid):
    """Downstream kernels whose prepare computes from shapes, asks for scratch (hybrid FULLY_CONNECTED: a row of
    quantized input per batch row) or packs weights, in both kernel tiers: the rows of x whose first element is
    positive, through FULLY_CONNECTED and SOFTMAX."""
    model = _rows_matmul(hybrid)
    rng = np.random.default_rng(7)
    ours = tl.lite.Interpreter(model_content=model, experimental_op_resolver_type=resolver, num_threads=threads)
    ref = litert_interpreter(model)
    for it in (ours, ref):
        it.allocate_tensors()
    lengths = []
    for shift in (0.0, 5.0, -5.0, 0.3, 0.0):
        x_val = rng.standard_normal((6, 4)).astype(np.float32) + shift
        got = []
        for it in (ours, ref):
            it.set_tensor(it.get_input_details()[0]["index"], x_val)
            it.invoke()
            got.append(it.get_tensor(it.get_output_details()[0]["index"]))
        assert got[0].shape == got[1].shape
        np.testing.assert_allclose(got[0], got[1], rtol=1e-5, atol=1e-6)  # the tiers sum in other orders
        lengths.append(got[0].shape[0])
    assert 0 in lengths and 6 in lengths


def test_reader_without_a_shape_rule_is_refused():
    """RANDOM_UNIFORM's output shape is the values of its input: coordinates found at invoke cannot give it."""
    m = Model()
    g = m.subgraph()
    x = g.input("x", [4], "bool")
    coords, flat = g.tensor("coords", [4, 1], "int64"), g.tensor("flat_coords", [4], "int64")
    shape, out = g.tensor("shape", [4], "int32"), g.tensor("r", [1, 1, 1, 1], "float32")
    g.op("WHERE", [x], [coords])
    g.op("RESHAPE", [coords, g.const("flat", np.array([-1], np.int32))], [flat])
    g.op("CAST", [flat], [shape])
    g.op("RANDOM_UNIFORM", [shape], [out], seed=1, seed2=2)
    g.output(out)
    with pytest.raises(ValueError, match=r"node 3 \(RANDOM_UNIFORM\): .*(shape rule|only at invoke)"):
        tl.lite.Interpreter(model_content=m.build()).allocate_tensors()


def test_multinomial_reading_where_rows_is_refused():
    """Prepared again at every invoke with the rows WHERE picks, its stream would not follow LiteRT's (whose draws
    as the batch changes this runtime does not reproduce yet): refused by name."""
    m = Model()
    g = m.subgraph()
    x = g.input("x", [6, 4], "float32")
    mask, coords = g.tensor("mask", [6, 4], "bool"), g.tensor("live", [24, 2], "int64")
    rows, out = g.tensor("rows", [24, 1], "float32"), g.tensor("samples", [24, 5], "int64")
    g.op("GREATER", [x, g.const("zero", np.array([0.0], np.float32))], [mask])
    g.op("WHERE", [mask], [coords])
    g.op("GATHER_ND", [g.const("t", np.ones((6, 4, 1), np.float32)), coords], [rows])
    g.op("MULTINOMIAL", [rows, g.const("n", np.array(5, np.int32))], [out], seed=3, seed2=4)
    g.output(out)
    with pytest.raises(ValueError, match=r"node 3 \(MULTINOMIAL\): .*random op reading a tensor whose shape"):
        tl.lite.Interpreter(model_content=m.build()).allocate_tensors()
