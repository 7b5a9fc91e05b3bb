"""TILE, BROADCAST_TO, FILL and ZEROS_LIKE in the C runtime against LiteRT (BUILTIN_REF) on one-op
models, bit-exact (they move bytes): several shapes and element types, multiples/shape/dims given
as int32 and int64 constants and as graph inputs (a runtime one is not read: this runtime's static
output shape decides), and models prepare must refuse."""
import numpy as np
import pytest

import tensorlite as tl

from .tflite_graph import one_op, run_both

TYPES = ["float32", "int8", "int16", "int32", "int64", "uint8", "bool"]


def _data(rng, dtype, shape):
    if dtype == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    if dtype == "float32":
        return rng.standard_normal(shape).astype(np.float32)
    info = np.iinfo(dtype)
    return rng.integers(max(info.min, -1000), min(info.max, 1000), shape, endpoint=True).astype(dtype)


def _check(content, feeds):
    ours, ref = run_both(content, feeds)
    assert len(ours) == len(ref)
    for a, b in zip(ours, ref):
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


def _refused(content, op, match):
    with pytest.raises(ValueError, match=rf"node 0 \({op}\): .*{match}"):
        tl.lite.Interpreter(model_content=content).allocate_tensors()


TILE_CASES = [((3,), [4]), ((2, 3), [2, 1]), ((2, 3), [1, 3]), ((1, 2, 3), [2, 2, 2]), ((2, 1, 3, 1), [1, 4, 1, 2]),
              ((2, 2), [1, 1]), ((3, 2), [0, 2])]


@pytest.mark.parametrize("dtype", TYPES)
@pytest.mark.parametrize("shape,mult", TILE_CASES)
@pytest.mark.parametrize("mult_type", ["int32", "int64"])
def test_tile(dtype, shape, mult, mult_type):
    x = _data(np.random.default_rng(len(shape)), dtype, shape)
    out = tuple(d * m for d, m in zip(shape, mult))
    content = one_op("TILE", [(shape, dtype), None], [(out, dtype)], consts={1: np.array(mult, mult_type)})
    _check(content, [x])


@pytest.mark.parametrize("shape,mult", TILE_CASES[:5])
def test_tile_runtime_multiples(shape, mult):
    x = _data(np.random.default_rng(1), "float32", shape)
    out = tuple(d * m for d, m in zip(shape, mult))
    content = one_op("TILE", [(shape, "float32"), ((len(shape),), "int32")], [(out, "float32")])
    _check(content, [x, np.array(mult, np.int32)])


BROADCAST_CASES = [((3,), (2, 3)), ((1,), (4,)), ((2, 1), (2, 5)), ((1, 3, 1), (4, 3, 2)), ((3, 1), (2, 2, 3, 4)),
                   ((2, 3), (2, 3)), ((), (2, 2))]


@pytest.mark.parametrize("dtype", TYPES)
@pytest.mark.parametrize("shape,target", BROADCAST_CASES)
@pytest.mark.parametrize("shape_type", ["int32", "int64"])
def test_broadcast_to(dtype, shape, target, shape_type):
    x = _data(np.random.default_rng(len(target)), dtype, shape)
    content = one_op("BROADCAST_TO", [(shape, dtype), None], [(target, dtype)],
                     consts={1: np.array(target, shape_type)})
    _check(content, [x])


@pytest.mark.parametrize("shape,target", BROADCAST_CASES[:5])
def test_broadcast_to_runtime_shape(shape, target):
    x = _data(np.random.default_rng(2), "int32", shape)
    content = one_op("BROADCAST_TO", [(shape, "int32"), ((len(target),), "int32")], [(target, "int32")])
    _check(content, [x, np.array(target, np.int32)])


FILL_TYPES = ["float32", "int8", "int16", "int32", "int64", "bool"]


@pytest.mark.parametrize("dtype", FILL_TYPES)
@pytest.mark.parametrize("dims,const_dims", [((5,), True), ((2, 3), True), ((1, 4, 2, 3), True), ((3, 0), True),
                                             ((5,), False), ((2, 3), False), ((1, 4, 2, 3), False)])
@pytest.mark.parametrize("dims_type", ["int32", "int64"])
def test_fill(dtype, dims, dims_type, const_dims):
    value = _data(np.random.default_rng(7), dtype, ())
    d = np.array(dims, dims_type)
    if const_dims:
        content = one_op("FILL", [None, ((), dtype)], [(dims, dtype)], consts={0: d})
        _check(content, [value])
    else:
        content = one_op("FILL", [((len(dims),), dims_type), ((), dtype)], [(dims, dtype)])
        _check(content, [d, value])


def test_fill_quantized():
    q = {"scale": [0.5], "zero_point": [-3]}
    content = one_op("FILL", [None, ((), "int8", q)], [((2, 3), "int8", q)], consts={0: np.array([2, 3], np.int32)})
    _check(content, [np.array(17, np.int8)])


@pytest.mark.parametrize("dtype", ["float32", "int32", "int64"])
@pytest.mark.parametrize("shape", [(4,), (2, 3), (1, 2, 3, 4)])
def test_zeros_like(dtype, shape):
    x = _data(np.random.default_rng(3), dtype, shape)
    _check(one_op("ZEROS_LIKE", [(shape, dtype)], [(shape, dtype)]), [x])


def test_bad_models_refused():
    mult = {1: np.array([2, 2], np.int32)}
    _refused(one_op("TILE", [((2, 3), "float32"), None], [((4, 5), "float32")], consts=mult), "TILE",
             "times multiples")
    _refused(one_op("TILE", [((2, 3), "float32"), None], [((4, 6), "float32")], consts={1: np.array([2], np.int32)}),
             "TILE", "vector of the input's rank")
    _refused(one_op("TILE", [((2, 3), "float32"), ((2,), "int32")], [((4, 7), "float32")]), "TILE", "multiples")
    _refused(one_op("TILE", [((2, 3), "float32"), None], [((4, 6), "int32")], consts=mult), "TILE", "one fixed-size")
    _refused(one_op("TILE", [((2, 3), "float32"), None], [((4, 6), "float32")],
                    consts={1: np.array([2, 2], np.float32)}), "TILE", "int32/int64")
    shape = {1: np.array([2, 3], np.int32)}
    _refused(one_op("BROADCAST_TO", [((2,), "float32"), None], [((2, 3), "float32")], consts=shape), "BROADCAST_TO",
             "does not broadcast")
    _refused(one_op("BROADCAST_TO", [((3,), "float32"), None], [((3, 3), "float32")], consts=shape), "BROADCAST_TO",
             "differs from the shape")
    _refused(one_op("BROADCAST_TO", [((2, 3), "float32"), None], [((3,), "float32")],
                    consts={1: np.array([3], np.int32)}), "BROADCAST_TO", "rank below")
    dims = {0: np.array([2, 3], np.int32)}
    _refused(one_op("FILL", [None, ((), "float32")], [((3, 2), "float32")], consts=dims), "FILL", "differs from dims")
    _refused(one_op("FILL", [None, ((1,), "float32")], [((2, 3), "float32")], consts=dims), "FILL", "scalar")
    _refused(one_op("FILL", [None, ((), "int32")], [((2, 3), "float32")], consts=dims), "FILL", "one fixed-size")
    _refused(one_op("FILL", [None, ((), "int8", {"scale": [0.5], "zero_point": [0]})],
                    [((2, 3), "int8", {"scale": [0.25], "zero_point": [0]})], consts=dims), "FILL", "quantization")
    _refused(one_op("ZEROS_LIKE", [((2,), "int8")], [((2,), "int8")]), "ZEROS_LIKE", "supports float32")
    _refused(one_op("ZEROS_LIKE", [((2,), "float32")], [((3,), "float32")]), "ZEROS_LIKE", "shapes differ")
