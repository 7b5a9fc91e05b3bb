"""Edge cases and refusals of the elementwise, math and simple shape builtins whose main cases are
op_cases_math.py's (run by test_op_coverage.py): ATAN2 (float64 too), RIGHT_SHIFT and BITWISE_XOR (uint16 and
uint32 too, every shift amount), ADD_N (int32 wrapping), ... each bit-exact against LiteRT's reference kernels
(BUILTIN_REF), and the models prepare must refuse, with a message naming the op."""
import numpy as np
import pytest

from tests.runtime_c import tflite_graph
from tests.runtime_c.tflite_graph import check_against_litert, one_op, random_values, refused

tflite_graph.OPTIONS.setdefault("RIGHT_SHIFT", "RightShiftOptions")
tflite_graph.OPTIONS.setdefault("BITWISE_XOR", "BitwiseXorOptions")
tflite_graph.OPTIONS.setdefault("ADD_N", "AddNOptions")


def test_atan2_float64():
    rng = np.random.default_rng(1)
    y, x = rng.standard_normal((3, 5)), rng.standard_normal((3, 5))
    check_against_litert(one_op("ATAN2", [((3, 5), "float64")] * 2, [((3, 5), "float64")]), [y, x])


def test_atan2_refuses_broadcasting_and_integers():
    refused(one_op("ATAN2", [((2, 3), "float32"), ((3,), "float32")], [((2, 3), "float32")]), "ATAN2",
            "one shape")
    refused(one_op("ATAN2", [((3,), "int32")] * 2, [((3,), "int32")]), "ATAN2", "supports float32 and float64")


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16", "uint16", "int32", "uint32"])
def test_right_shift_every_amount(dtype):
    """Shift amounts below 0 and of the type's width or more (LiteRT clamps them), on the type's extremes."""
    info = np.iinfo(dtype)
    xs = np.array([info.min, info.min + 1, -7 if info.min else 7, 0, 1, 100, info.max], dtype)
    ys = np.unique(np.clip(np.array([-128, -3, -1, 0, 1, 3, 7, 8, 15, 16, 31, 32, 33, 127, 300]), info.min,
                           info.max)).astype(dtype)
    x, y = (a.ravel() for a in np.meshgrid(xs, ys))
    n = x.size
    check_against_litert(one_op("RIGHT_SHIFT", [((n,), dtype)] * 2, [((n,), dtype)]), [x, y])


@pytest.mark.parametrize("dtype", ["uint16", "uint32"])
@pytest.mark.parametrize("op", ["RIGHT_SHIFT", "BITWISE_XOR"])
def test_bitwise_unsigned_wide_types_broadcast(op, dtype):
    rng = np.random.default_rng(2)
    a, b = random_values(rng, dtype, (2, 3, 4)), random_values(rng, dtype, (3, 1))
    check_against_litert(one_op(op, [((2, 3, 4), dtype), ((3, 1), dtype)], [((2, 3, 4), dtype)]), [a, b])


@pytest.mark.parametrize("op", ["RIGHT_SHIFT", "BITWISE_XOR"])
def test_bitwise_refusals(op):
    refused(one_op(op, [((3,), "int64")] * 2, [((3,), "int64")]), op, "supports int8, int16, int32")
    refused(one_op(op, [((3,), "int32"), ((3,), "int16")], [((3,), "int32")]), op, "types differ")
    refused(one_op(op, [((3,), "int32"), ((4,), "int32")], [((3,), "int32")]), op, "do not broadcast")


def test_add_n_int32_wraps():
    big = np.array([2**31 - 1, -(2**31), 2**30, -5], np.int32)
    check_against_litert(one_op("ADD_N", [((4,), "int32")] * 3, [((4,), "int32")]), [big, big, big])


def test_add_n_refusals():
    refused(one_op("ADD_N", [((3,), "float32")], [((3,), "float32")]), "ADD_N", "at least 2 inputs")
    refused(one_op("ADD_N", [((3,), "float32"), ((1,), "float32")], [((3,), "float32")]), "ADD_N", "one shape")
    refused(one_op("ADD_N", [((3,), "int64")] * 2, [((3,), "int64")]), "ADD_N", "supports float32 and int32")
