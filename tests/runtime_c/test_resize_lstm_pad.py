"""Shape rules of LSTM, UNIDIRECTIONAL_SEQUENCE_LSTM, BIDIRECTIONAL_SEQUENCE_LSTM and STABLEHLO_PAD
(runtimes/c/src/shape_rules.c): their inputs resized with resize_tensor_input (a longer or shorter sequence; a new
batch together with the LSTM state tensors, which LiteRT resizes like any tensor) + allocate_tensors run equal to
LiteRT's reference kernels (BUILTIN_REF) resized the same way: floats within 1e-5 (the cells' float sums), integers
bit for bit. A new batch with the states left at the old one is refused by both, ours naming the state sizes."""
from __future__ import annotations

import numpy as np
import pytest

import tensorlite as tl
from tests.litert import litert_interpreter, litert_schema

from . import op_cases_math, op_cases_recurrent
from .tflite_graph import random_values

STATES = {"LSTM": (18, 19), "UNIDIRECTIONAL_SEQUENCE_LSTM": (18, 19),
          "BIDIRECTIONAL_SEQUENCE_LSTM": (35, 36, 37, 38)}


def _resized_both(model: bytes, shapes: dict, feeds) -> None:
    """Resizes tensors {index: shape} in both interpreters, feeds the graph inputs, compares every output."""
    outs = []
    for it in (tl.lite.Interpreter(model_content=model), litert_interpreter(model)):
        for index, shape in shapes.items():
            it.resize_tensor_input(index, shape)
        it.allocate_tensors()
        for d, x in zip(it.get_input_details(), feeds):
            it.set_tensor(d["index"], x)
        it.invoke()
        outs.append([it.get_tensor(d["index"]) for d in it.get_output_details()])
    assert len(outs[0]) == len(outs[1])
    for a, b in zip(*outs):
        assert a.shape == b.shape and a.dtype == b.dtype
        if a.dtype.kind == "f":
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
        else:
            np.testing.assert_array_equal(a, b)


def _node(model: bytes):
    """The model's first operator (LiteRT's schema object API): inputs, builtin options."""
    schema, _ = litert_schema()
    return schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(model, 0)).subgraphs[0].operators[0]


def _values(rng, dtype, shape):
    return rng.standard_normal(shape).astype(np.float32) if dtype == "float32" else random_values(rng, dtype, shape)


def _lstm_cases():
    for name in STATES:
        for dtype in ("float32", "int8"):
            for k, (model, feeds) in enumerate(op_cases_recurrent.CASES[name](dtype)):
                yield pytest.param(name, model, feeds, id=f"{name}-{dtype}-{k}")


@pytest.mark.parametrize("name,model,feeds", list(_lstm_cases()))
def test_lstm_resized_time_and_batch(name, model, feeds):
    node = _node(model)
    ins = [int(i) for i in node.inputs]
    x = feeds[0]
    rng = np.random.default_rng(len(model))
    time_major = bool(getattr(node.builtinOptions, "timeMajor", False))
    batch_axis = 0 if name == "LSTM" or not time_major else 1
    ref = litert_interpreter(model)
    state_shapes = {ins[i]: list(ref.get_tensor_details()[ins[i]]["shape"]) for i in STATES[name]}
    aux = ins[39] if name == "BIDIRECTIONAL_SEQUENCE_LSTM" and len(ins) > 39 and ins[39] >= 0 else None
    graph_inputs = [int(d["index"]) for d in ref.get_input_details()]
    axes = [batch_axis] if name == "LSTM" else [0, 1]
    for axis in axes:
        for size in (x.shape[axis] + 3, 1):
            shape = list(x.shape)
            shape[axis] = size
            resized = {ins[0]: shape}
            if axis == batch_axis:  # the states follow the batch
                resized |= {i: [size, *s[1:]] for i, s in state_shapes.items()}
            if aux is not None:  # the auxiliary input shares the input's batch and time
                resized[aux] = [*shape[:2], int(ref.get_tensor_details()[aux]["shape"][2])]
            new = [_values(rng, f.dtype.name, resized[i]) if i in resized else f for i, f in zip(graph_inputs, feeds)]
            _resized_both(model, resized, new)


@pytest.mark.parametrize("name", list(STATES))
def test_lstm_new_batch_without_new_states_is_refused(name):
    model, feeds = op_cases_recurrent.CASES[name]("float32")[0]
    node = _node(model)
    batch_axis = 1 if getattr(node.builtinOptions, "timeMajor", False) else 0
    shape = list(feeds[0].shape)
    shape[batch_axis] += 2
    with pytest.raises(RuntimeError):
        it = litert_interpreter(model)
        it.resize_tensor_input(int(node.inputs[0]), shape)
        it.allocate_tensors()
    it = tl.lite.Interpreter(model_content=model)
    it.resize_tensor_input(int(node.inputs[0]), shape)
    with pytest.raises(ValueError, match=rf"node 0 \({name}\): .*state"):
        it.allocate_tensors()


@pytest.mark.parametrize("dtype", ["float32", "int8"])
@pytest.mark.parametrize("k", range(len(op_cases_math.STABLEHLO_PAD_CASES)))
def test_stablehlo_pad_resized(dtype, k):
    model, feeds = op_cases_math.CASES["STABLEHLO_PAD"](dtype)[k]
    rng = np.random.default_rng(k)
    for grow in (2, 5):
        shape = [d + grow for d in feeds[0].shape]
        _resized_both(model, {int(_node(model).inputs[0]): shape}, [_values(rng, dtype, shape), feeds[1]])
