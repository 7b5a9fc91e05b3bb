"""TILE, BROADCAST_TO, FILL and ZEROS_LIKE in the C runtime against LiteRT (BUILTIN_REF) on one-op
models, bit-exact (they move bytes): several shapes and element types, multiples/shape/dims given
as int32 and int64 constants and as graph inputs (a runtime one is not read: this runtime's static
output shape decides), and models prepare must refuse."""
import numpy as np
import pytest

from .tflite_graph import check_against_litert, one_op, random_values, refused

TYPES = ["float32", "int8", "int16", "int32", "int64", "uint8", "bool"]


TILE_CASES = [((3,), [4]), ((2, 3), [2, 1]), ((2, 3), [1, 3]), ((1, 2, 3), [2, 2, 2]), ((2, 1, 3, 1), [1, 4, 1, 2]),
              ((2, 2), [1, 1]), ((3, 2), [0, 2])]


@pytest.mark.parametrize("dtype", TYPES)
@pytest.mark.parametrize("shape,mult", TILE_CASES)
@pytest.mark.parametrize("mult_type", ["int32", "int64"])
def test_tile(dtype, shape, mult, mult_type):
    x = random_values(np.random.default_rng(len(shape)), dtype, shape, -1000, 1000)
    out = tuple(d * m for d, m in zip(shape, mult))
    content = one_op("TILE", [(shape, dtype), None], [(out, dtype)], consts={1: np.array(mult, mult_type)})
    check_against_litert(content, [x])


@pytest.mark.parametrize("shape,mult", TILE_CASES[:5])
def test_tile_runtime_multiples(shape, mult):
    x = random_values(np.random.default_rng(1), "float32", shape, -1000, 1000)
    out = tuple(d * m for d, m in zip(shape, mult))
    content = one_op("TILE", [(shape, "float32"), ((len(shape),), "int32")], [(out, "float32")])
    check_against_litert(content, [x, np.array(mult, np.int32)])


BROADCAST_CASES = [((3,), (2, 3)), ((1,), (4,)), ((2, 1), (2, 5)), ((1, 3, 1), (4, 3, 2)), ((3, 1), (2, 2, 3, 4)),
                   ((2, 3), (2, 3)), ((), (2, 2))]


@pytest.mark.parametrize("dtype", TYPES)
@pytest.mark.parametrize("shape,target", BROADCAST_CASES)
@pytest.mark.parametrize("shape_type", ["int32", "int64"])
def test_broadcast_to(dtype, shape, target, shape_type):
    x = random_values(np.random.default_rng(len(target)), dtype, shape, -1000, 1000)
    content = one_op("BROADCAST_TO", [(shape, dtype), None], [(target, dtype)],
                     consts={1: np.array(target, shape_type)})
    check_against_litert(content, [x])


@pytest.mark.parametrize("shape,target", BROADCAST_CASES[:5])
def test_broadcast_to_runtime_shape(shape, target):
    x = random_values(np.random.default_rng(2), "int32", shape, -1000, 1000)
    content = one_op("BROADCAST_TO", [(shape, "int32"), ((len(target),), "int32")], [(target, "int32")])
    check_against_litert(content, [x, np.array(target, np.int32)])


FILL_TYPES = ["float32", "int8", "int16", "int32", "int64", "bool"]


@pytest.mark.parametrize("dtype", FILL_TYPES)
@pytest.mark.parametrize("dims,const_dims", [((5,), True), ((2, 3), True), ((1, 4, 2, 3), True), ((3, 0), True),
                                             ((5,), False), ((2, 3), False), ((1, 4, 2, 3), False)])
@pytest.mark.parametrize("dims_type", ["int32", "int64"])
def test_fill(dtype, dims, dims_type, const_dims):
    value = random_values(np.random.default_rng(7), dtype, (), -1000, 1000)
    d = np.array(dims, dims_type)
    if const_dims:
        content = one_op("FILL", [None, ((), dtype)], [(dims, dtype)], consts={0: d})
        check_against_litert(content, [value])
    else:
        content = one_op("FILL", [((len(dims),), dims_type), ((), dtype)], [(dims, dtype)])
        check_against_litert(content, [d, value])


def test_fill_quantized():
    q = {"scale": [0.5], "zero_point": [-3]}
    content = one_op("FILL", [None, ((), "int8", q)], [((2, 3), "int8", q)], consts={0: np.array([2, 3], np.int32)})
    check_against_litert(content, [np.array(17, np.int8)])


@pytest.mark.parametrize("dtype", ["float32", "int32", "int64"])
@pytest.mark.parametrize("shape", [(4,), (2, 3), (1, 2, 3, 4)])
def test_zeros_like(dtype, shape):
    x = random_values(np.random.default_rng(3), dtype, shape, -1000, 1000)
    check_against_litert(one_op("ZEROS_LIKE", [(shape, dtype)], [(shape, dtype)]), [x])


def test_bad_models_refused():
    mult = {1: np.array([2, 2], np.int32)}
    refused(one_op("TILE", [((2, 3), "float32"), None], [((4, 5), "float32")], consts=mult), "TILE",
            "times multiples")
    refused(one_op("TILE", [((2, 3), "float32"), None], [((4, 6), "float32")], consts={1: np.array([2], np.int32)}),
            "TILE", "vector of the input's rank")
    refused(one_op("TILE", [((2, 3), "float32"), ((2,), "int32")], [((4, 7), "float32")]), "TILE", "multiples")
    refused(one_op("TILE", [((2, 3), "float32"), None], [((4, 6), "int32")], consts=mult), "TILE", "one fixed-size")
    refused(one_op("TILE", [((2, 3), "float32"), None], [((4, 6), "float32")],
                   consts={1: np.array([2, 2], np.float32)}), "TILE", "int32/int64")
    shape = {1: np.array([2, 3], np.int32)}
    refused(one_op("BROADCAST_TO", [((2,), "float32"), None], [((2, 3), "float32")], consts=shape), "BROADCAST_TO",
            "does not broadcast")
    refused(one_op("BROADCAST_TO", [((3,), "float32"), None], [((3, 3), "float32")], consts=shape), "BROADCAST_TO",
            "differs from the shape")
    refused(one_op("BROADCAST_TO", [((2, 3), "float32"), None], [((3,), "float32")],
                   consts={1: np.array([3], np.int32)}), "BROADCAST_TO", "rank below")
    dims = {0: np.array([2, 3], np.int32)}
    refused(one_op("FILL", [None, ((), "float32")], [((3, 2), "float32")], consts=dims), "FILL", "differs from dims")
    refused(one_op("FILL", [None, ((1,), "float32")], [((2, 3), "float32")], consts=dims), "FILL", "scalar")
    refused(one_op("FILL", [None, ((), "int32")], [((2, 3), "float32")], consts=dims), "FILL", "one fixed-size")
    refused(one_op("FILL", [None, ((), "int8", {"scale": [0.5], "zero_point": [0]})],
                   [((2, 3), "int8", {"scale": [0.25], "zero_point": [0]})], consts=dims), "FILL", "quantization")
    refused(one_op("ZEROS_LIKE", [((2,), "int8")], [((2,), "int8")]), "ZEROS_LIKE", "supports float32")
    refused(one_op("ZEROS_LIKE", [((2,), "float32")], [((3,), "float32")]), "ZEROS_LIKE", "shapes differ")
