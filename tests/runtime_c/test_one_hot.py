"""ONE_HOT in the C runtime against LiteRT (BUILTIN_REF) on one-op models, bit-exact: int32 and int64
indices (in range, negative, >= depth), every axis, several output types, depth and on/off values
as constants or graph inputs (a runtime depth is not read: this runtime's static output shape
decides), and models prepare must refuse."""
import numpy as np
import pytest

from .tflite_graph import check_against_litert, one_op, refused


def _out_shape(shape, depth, axis):
    axis = len(shape) if axis == -1 else axis
    return shape[:axis] + (depth,) + shape[axis:]


VALUES = {"float32": (1.5, -0.25), "int32": (7, -3), "int64": (2**40, -1), "int8": (5, -128), "uint8": (200, 1),
          "bool": (True, False)}


@pytest.mark.parametrize("shape,axis", [((4,), -1), ((4,), 0), ((2, 3), -1), ((2, 3), 0), ((2, 3), 1),
                                        ((2, 1, 3), 2), ((), -1)])
@pytest.mark.parametrize("dtype", list(VALUES))
@pytest.mark.parametrize("index_type", ["int32", "int64"])
def test_one_hot(shape, axis, dtype, index_type):
    depth = 5
    idx = np.random.default_rng(len(shape)).integers(-2, depth + 2, shape).astype(index_type)
    on, off = (np.array(v, dtype) for v in VALUES[dtype])
    content = one_op("ONE_HOT", [(shape, index_type), None, None, None], [(_out_shape(shape, depth, axis), dtype)],
                     consts={1: np.array(depth, np.int32), 2: on, 3: off}, axis=axis)
    check_against_litert(content, [idx])


def test_one_hot_runtime_depth_and_values():
    idx = np.array([[0, 3], [2, 9]], np.int32)
    content = one_op("ONE_HOT", [((2, 2), "int32"), ((), "int32"), ((), "float32"), ((), "float32")],
                     [((2, 2, 4), "float32")], axis=-1)
    check_against_litert(content, [idx, np.array(4, np.int32), np.array(2.0, np.float32), np.array(-1.0, np.float32)])


def test_one_hot_int64_index_wraps_as_int():
    """LiteRT compares static_cast<int>(index): 2^32 + 1 selects 1."""
    idx = np.array([2**32 + 1, -(2**32) + 2, 3], np.int64)
    content = one_op("ONE_HOT", [((3,), "int64"), None, None, None], [((3, 4), "int32")],
                     consts={1: np.array(4, np.int32), 2: np.array(1, np.int32), 3: np.array(0, np.int32)}, axis=-1)
    check_against_litert(content, [idx])


def test_bad_models_refused():
    def model(idx_spec, out_spec, depth=4, **opts):
        return one_op("ONE_HOT", [idx_spec, None, None, None], [out_spec],
                      consts={1: np.array(depth, np.int32), 2: np.array(1, np.float32), 3: np.array(0, np.float32)},
                      **opts)
    refused(model(((3,), "int32"), ((3, 5), "float32"), axis=-1), "ONE_HOT", "differs from depth")
    refused(model(((3,), "int32"), ((4, 3), "float32"), axis=-1), "ONE_HOT", "does not match the indices")
    refused(model(((3,), "int32"), ((3, 4), "float32"), axis=2), "ONE_HOT", "axis out of range")
    refused(model(((3,), "int32"), ((3, 4), "int32"), axis=-1), "ONE_HOT", "one fixed-size type")
    refused(model(((3,), "float32"), ((3, 4), "float32"), axis=-1), "ONE_HOT", "int32 or int64")
    refused(model(((3,), "int32"), ((3, 4, 1), "float32")), "ONE_HOT", "rank")
    refused(one_op("ONE_HOT", [((3,), "int32"), None, None, None], [((3, 4), "float32")],
                   consts={1: np.array(4, np.int32), 2: np.array([1, 2], np.float32), 3: np.array(0, np.float32)},
                   axis=-1), "ONE_HOT", "scalars")
