"""DILATE, REDUCE_WINDOW and STABLEHLO_REDUCE_WINDOW beyond op_coverage.py's cases (which test_op_coverage.py
compares with LiteRT's reference kernels for every type): float64 (not in the table's types) against LiteRT,
runtime dilations that disagree with the output shape (eval fails, naming them), and the refusals: window
parameters known only at invoke, a body with another op than a reduction or with two ops, bad shapes."""
from __future__ import annotations

import numpy as np
import pytest

import tensorlite as tl
from tests.runtime_c.op_cases_window import _window_out
from tests.runtime_c.tflite_graph import Model, check_against_litert, one_op, refused


def test_dilate_float64_and_runtime_dilations():
    x = np.arange(12, dtype=np.float64).reshape(3, 4)
    model = one_op("DILATE", [([3, 4], "float64"), ([2], "int32"), ([], "float64")], [([5, 10], "float64")])
    check_against_litert(model, [x, np.array([2, 3], np.int32), np.array(-1.5)])
    it = tl.lite.Interpreter(model_content=model)
    it.allocate_tensors()
    for d, v in zip(it.get_input_details(), [x, np.array([2, 2], np.int32), np.array(0.0)]):
        it.set_tensor(d["index"], v)
    with pytest.raises(RuntimeError, match="dilations do not give the output's shape"):
        it.invoke()


def test_dilate_refusals():
    refused(one_op("DILATE", [([3, 4], "float32"), None, ([], "float32")], [([5, 10], "float32")],
                   consts={1: np.array([2, 2], np.int32)}), "DILATE", "output shape is not the input's dilated")
    refused(one_op("DILATE", [([3, 4], "float32"), ([2], "int32"), ([2], "float32")], [([5, 10], "float32")]),
            "DILATE", "padding_value must be a scalar")
    refused(one_op("DILATE", [([3, 4], "float32"), ([2], "int32"), ([], "int32")], [([5, 10], "float32")]),
            "DILATE", "one fixed-size type")


@pytest.mark.parametrize("fn", [1, 2, 3, 4])
def test_reduce_window_float64(fn):
    rng = np.random.default_rng(fn)
    consts = {1: np.array(0.5), 2: np.array([2, 3], np.int64), 3: np.array([1, 2], np.int64),
              4: np.array([2, 1], np.int64)}
    model = one_op("REDUCE_WINDOW", [([5, 7], "float64"), None, None, None, None], [([3, 3], "float64")],
                   consts=consts, reduce_function=fn)
    check_against_litert(model, [rng.standard_normal((5, 7))])


def test_reduce_window_refusals():
    ins = [([4, 4], "float32"), None, ([2], "int64"), None, None]
    consts = {1: np.array(0, np.float32), 3: np.array([1, 1], np.int64), 4: np.array([1, 1], np.int64)}
    refused(one_op("REDUCE_WINDOW", ins, [([3, 3], "float32")], consts=consts, reduce_function=1), "REDUCE_WINDOW",
            "must be constants")
    consts[2] = np.array([2, 2], np.int64)
    refused(one_op("REDUCE_WINDOW", ins, [([2, 3], "float32")], consts=consts, reduce_function=1), "REDUCE_WINDOW",
            "output shape is not what the window parameters give")
    refused(one_op("REDUCE_WINDOW", ins, [([3, 3], "float32")], consts=consts, reduce_function=0), "REDUCE_WINDOW",
            "unsupported reduction function")


def _stablehlo(body_ops, shape=(4, 4), window=(2, 2)):
    m = Model()
    g, body = m.subgraph(), m.subgraph()
    x, init = g.input("x", list(shape), "float32"), g.const("init", np.array(0, np.float32))
    y = g.tensor("y", _window_out(shape, window, [1, 1], [1, 1], [1, 1], [(0, 0), (0, 0)]), "float32")
    g.op("STABLEHLO_REDUCE_WINDOW", [x, init], [y], window_dimensions=list(window), body_subgraph_index=1)
    g.output(y)
    a, b = body.input("a", [], "float32"), body.input("b", [], "float32")
    for k, op in enumerate(body_ops):
        c = body.tensor(f"c{k}", [], "float32")
        body.op(op, [a, b], [c])
        a = c
    body.output(a)
    return m.build()


def test_stablehlo_reduce_window_default_strides_and_refusals():
    check_against_litert(_stablehlo(["ADD"]), [np.arange(16, dtype=np.float32).reshape(4, 4)])
    refused(_stablehlo(["SUB"]), "STABLEHLO_REDUCE_WINDOW", "the body's op must be ADD")
    refused(_stablehlo(["ADD", "MUL"]), "STABLEHLO_REDUCE_WINDOW", "exactly one op")


def resized_both(model, shapes, feeds):
    """Runs `model` with input k resized to shapes[k] (None: kept) in ours and in LiteRT's reference kernels."""
    from tests.litert import litert_interpreter, run
    outs = []
    for it in (tl.lite.Interpreter(model_content=model), litert_interpreter(model)):
        for d, s in zip(it.get_input_details(), shapes):
            if s is not None:
                it.resize_tensor_input(d["index"], s)
        outs.append(run(it, feeds))
    return outs


def test_window_shape_rules_after_a_resize():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((3, 9, 7)).astype(np.float32)
    consts = {1: np.array(0, np.float32), 2: np.array([1, 2, 3], np.int64), 3: np.array([1, 2, 1], np.int64),
              4: np.array([1, 1, 2], np.int64)}
    rw = one_op("REDUCE_WINDOW", [([1, 5, 7], "float32"), None, None, None, None], [([1, 2, 3], "float32")],
                consts=consts, reduce_function=1)
    m = Model()
    g, body = m.subgraph(), m.subgraph()
    xi, init = g.input("x", [1, 5, 7], "float32"), g.const("init", np.array(-np.inf, np.float32))
    y = g.tensor("y", _window_out([1, 5, 7], [1, 2, 2], [1, 2, 1], [1, 2, 1], [1, 1, 1], [(0, 0), (1, 0), (0, 2)]),
                 "float32")
    g.op("STABLEHLO_REDUCE_WINDOW", [xi, init], [y], window_dimensions=[1, 2, 2], window_strides=[1, 2, 1],
         base_dilations=[1, 2, 1], padding=[0, 0, 1, 0, 0, 2], body_subgraph_index=1)
    g.output(y)
    a, b, c = body.input("a", [], "float32"), body.input("b", [], "float32"), body.tensor("c", [], "float32")
    body.op("MAXIMUM", [a, b], [c])
    body.output(c)
    dil = one_op("DILATE", [([1, 5, 7], "float32"), None, None], [([1, 9, 19], "float32")],
                 consts={1: np.array([1, 2, 3], np.int32), 2: np.array(0.5, np.float32)})
    for model in (rw, m.build(), dil):
        (ours,), (ref,) = resized_both(model, [[3, 9, 7]], [x])
        assert ours.shape == ref.shape and ours.shape[0] == 3
        np.testing.assert_array_equal(ours, ref)
