"""GATHER, SPLIT and SPLIT_V in the C runtime against LiteRT (BUILTIN_REF) and NumPy, on single-op
models over each element type, positions type, axis (negative too) and batch_dims; out-of-range
positions fail invoke as in LiteRT; shapes the model declares wrongly are refused at allocation."""
import numpy as np
import pytest
from tensorlite.runtime import Interpreter

from tests.litert import litert_interpreter

from .tflite_graph import Model, edit_model, one_op, random_values, run_both

TYPES = ["float32", "int8", "uint8", "int16", "int32", "int64", "bool"]


def _quant(dtype):
    return {"scale": [0.1], "zero_point": [0]} if dtype in ("int8", "uint8", "int16") else None


def gather_model(in_shape, dtype, positions, axis=0, batch_dims=0, out_shape=None):
    m = Model()
    g = m.subgraph()
    x = g.input("x", in_shape, dtype, _quant(dtype))
    p = g.input("positions", positions.shape, positions.dtype.name)
    a = axis % len(in_shape)
    b = batch_dims % positions.ndim if positions.ndim else 0
    if out_shape is None:
        out_shape = [*in_shape[:a], *positions.shape[b:], *in_shape[a + 1:]]
    y = g.tensor("y", out_shape, dtype, _quant(dtype))
    g.op("GATHER", [x, p], [y], axis=axis, batch_dims=batch_dims)
    g.output(y)
    return m.build()


def _numpy_gather(x, pos, axis, batch_dims):
    axis %= x.ndim
    if batch_dims == 0:
        return np.take(x, pos, axis=axis)
    return np.stack([_numpy_gather(x[i], pos[i], axis - 1, batch_dims - 1) for i in range(x.shape[0])])


CASES = {  # in_shape, positions shape, axis, batch_dims
    "rows": ([5, 3], [4], 0, 0),
    "columns": ([2, 6], [3], 1, 0),
    "negative axis": ([2, 3, 4], [2, 2], -1, 0),
    "scalar position": ([4, 3], [], 0, 0),
    "batch_dims 1": ([2, 5, 3], [2, 4], 1, 1),
    "batch_dims -1": ([2, 5, 3], [2, 4], 1, -1),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("dtype", TYPES)
def test_gather_matches_litert_and_numpy(dtype, case):
    in_shape, pos_shape, axis, batch_dims = CASES[case]
    rng = np.random.default_rng(len(case) + len(dtype))
    x = random_values(rng, dtype, in_shape)
    a = axis % len(in_shape)
    pos = rng.integers(0, in_shape[a], pos_shape).astype(np.int32)
    bd = batch_dims % len(pos_shape) if pos_shape else 0
    (ours,), (ref,) = run_both(gather_model(in_shape, dtype, pos, axis, batch_dims), [x, pos])
    np.testing.assert_array_equal(ours, ref)
    np.testing.assert_array_equal(ours, _numpy_gather(x, pos, axis, bd))


@pytest.mark.parametrize("pos_dtype", [np.int16, np.int64])
def test_gather_position_types(pos_dtype):
    x = np.arange(12, dtype=np.float32).reshape(4, 3)
    pos = np.array([3, 0, 3], pos_dtype)
    (ours,), (ref,) = run_both(gather_model([4, 3], "float32", pos), [x, pos])
    np.testing.assert_array_equal(ours, ref)
    np.testing.assert_array_equal(ours, x[[3, 0, 3]])


@pytest.mark.parametrize("bad", [4, -1])
def test_gather_position_out_of_range_fails_invoke(bad):
    pos = np.array([0, bad], np.int32)
    content = gather_model([4, 3], "float32", pos)
    it = Interpreter(model_content=content)
    it.allocate_tensors()
    it.set_tensor(it.get_input_details()[0]["index"], np.zeros((4, 3), np.float32))
    it.set_tensor(it.get_input_details()[1]["index"], pos)
    with pytest.raises(RuntimeError, match="position is negative or past the axis") as exc:
        it.invoke()
    assert exc.value.op_name == "GATHER"
    ref = litert_interpreter(content)
    ref.allocate_tensors()
    ref.set_tensor(ref.get_input_details()[0]["index"], np.zeros((4, 3), np.float32))
    ref.set_tensor(ref.get_input_details()[1]["index"], pos)
    with pytest.raises(RuntimeError):  # LiteRT refuses it too
        ref.invoke()


@pytest.mark.parametrize("case,message", [("output shape", "output shape"), ("axis", "axis out of range"),
                                          ("float positions", "positions must be")])
def test_gather_bad_models_refused(case, message):
    pos = np.array([0, 1], np.int32)
    if case == "output shape":
        content = gather_model([4, 3], "float32", pos, out_shape=[3, 3])
    elif case == "axis":
        content = gather_model([4, 3], "float32", pos, axis=0)
        content = edit_model(content, lambda m: setattr(m.subgraphs[0].operators[0].builtinOptions, "axis", 5))
    else:
        content = one_op("GATHER", [((4,), "float32"), ((2,), "float32")], [((2,), "float32")])
    with pytest.raises(ValueError, match=message):
        Interpreter(model_content=content).allocate_tensors()


def split_model(in_shape, dtype, axis, sizes, v=False, axis_const=True, out_shapes=None):
    m = Model()
    g = m.subgraph()
    x = g.input("x", in_shape, dtype, _quant(dtype))
    a = axis % len(in_shape)
    resolved = list(sizes)
    if -1 in resolved:
        resolved[resolved.index(-1)] = in_shape[a] - sum(s for s in resolved if s != -1)
    outs = []
    for k, s in enumerate(resolved):
        shape = list(in_shape)
        shape[a] = s
        outs.append(g.tensor(f"y{k}", out_shapes[k] if out_shapes else shape, dtype, _quant(dtype)))
    ax = g.const("axis", np.array(axis, np.int32)) if axis_const else g.input("axis", [], "int32")
    if v:
        g.op("SPLIT_V", [x, g.const("sizes", np.array(sizes, np.int32)), ax], outs, num_splits=len(sizes))
    else:
        g.op("SPLIT", [ax, x], outs, num_splits=len(sizes))
    g.output(*outs)
    return m.build(), resolved


@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("dtype", ["float32", "int8", "uint8", "int16", "int32", "int64"])
@pytest.mark.parametrize("v", [False, True], ids=["SPLIT", "SPLIT_V"])
def test_split_matches_litert_and_numpy(v, dtype, axis):
    in_shape = [6, 3, 6]
    n = in_shape[axis % 3]
    sizes = [n // 3] * 3 if not v else [1, -1, 2]
    content, resolved = split_model(in_shape, dtype, axis, sizes, v=v)
    x = random_values(np.random.default_rng(7), dtype, in_shape)
    ours, ref = run_both(content, [x])
    want = np.split(x, np.cumsum(resolved)[:-1], axis=axis)
    for o, r, w in zip(ours, ref, want):
        np.testing.assert_array_equal(o, r)
        np.testing.assert_array_equal(o, w)


@pytest.mark.parametrize("case,message", [
    ("uneven", "equal"), ("computed axis", "constant int32 scalar"), ("bool", "supports float32"),
    ("sizes disagree", "size_splits"), ("two -1", "negative size")])
def test_split_bad_models_refused(case, message):
    if case == "uneven":
        content, _ = split_model([5, 2], "float32", 0, [3, 2], out_shapes=[[3, 2], [2, 2]])
    elif case == "computed axis":
        content, _ = split_model([4, 2], "float32", 0, [2, 2], axis_const=False)
    elif case == "bool":
        content, _ = split_model([4, 2], "bool", 0, [2, 2])
    elif case == "sizes disagree":
        content, _ = split_model([5, 2], "float32", 0, [1, 4], v=True, out_shapes=[[2, 2], [3, 2]])
    else:
        content, _ = split_model([5, 2], "float32", 0, [1, 4], v=True)
        content = edit_model(content, lambda m: m.buffers[m.subgraphs[0].tensors[4].buffer].__setattr__(
            "data", np.frombuffer(np.array([-1, -1], np.int32).tobytes(), np.uint8)))
    with pytest.raises(ValueError, match=message) as exc:
        Interpreter(model_content=content).allocate_tensors()
    assert exc.value.op_name in ("SPLIT", "SPLIT_V")
