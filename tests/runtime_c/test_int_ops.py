"""POW (float32, int32), SIGN (float32, float64, int32), and DIV, ABS on int32 in the C runtime
against LiteRT (BUILTIN_REF) on one-op models: integer results bit-exact, float32 POW within 1 ulp
(both call the C library's powf), with broadcasting, fused activations, and edge values (int32
overflow, INT32_MIN, NaN, +-0, +-inf). Inputs LiteRT refuses at invoke (an int32 divisor of 0, a
negative int32 exponent) are checked against the values this runtime documents. POW with a single
integer exponent >= 1 and differing shapes takes LiteRT's multiply path (bit-exact, inf clamped to
FLT_MAX)."""
import numpy as np
import pytest

import tensorlite as tl
from tests.litert import run

from .tflite_graph import one_op, refused, run_both

I32 = np.iinfo(np.int32)
SHAPES = [((2, 3), (2, 3)), ((2, 3), (3,)), ((4, 1, 3), (1, 5, 1)), ((5,), ())]


@pytest.mark.parametrize("sa,sb", SHAPES)
def test_pow_float32(sa, sb):
    rng = np.random.default_rng(len(sa))
    a = (rng.standard_normal(sa) * 3).astype(np.float32)
    b = (rng.standard_normal(sb) * 2).astype(np.float32)
    if a.size >= 6:
        a.flat[:6] = [0.0, -0.0, np.inf, -np.inf, np.nan, -2.0]
    if b.size >= 3:
        b.flat[:3] = [2.0, 0.5, -1.0]
    out = np.broadcast_shapes(sa, sb)
    ours, ref = run_both(one_op("POW", [(sa, "float32"), (sb, "float32")], [(out, "float32")]), [a, b])
    np.testing.assert_array_max_ulp(ours[0], ref[0], maxulp=1)


@pytest.mark.parametrize("exponent", [1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 2.000001, 2.5, -2.0, 0.0])
@pytest.mark.parametrize("exp_shape", [(), (1,), (1, 1)])
def test_pow_float32_scalar_exponent(exponent, exp_shape):
    a = (np.random.default_rng(9).standard_normal((3, 4)) * 4).astype(np.float32)
    a.flat[:7] = [0.0, -0.0, np.inf, -np.inf, np.nan, 1e20, -3e10]
    content = one_op("POW", [((3, 4), "float32"), (exp_shape, "float32")], [((3, 4), "float32")])
    ours, ref = run_both(content, [a, np.full(exp_shape, exponent, np.float32)])
    np.testing.assert_array_max_ulp(ours[0], ref[0], maxulp=0 if exponent >= 1 and exponent % 1 < 1e-5 else 1)


@pytest.mark.parametrize("exponent", [0, 1, 2, 3, 7, 9, 31, 1000001])
def test_pow_int32_scalar_exponent(exponent):
    a = np.array([0, 1, -1, 2, -3, 46341, I32.max, I32.min, 12345], np.int32)
    for exp_shape in ((), (1,)):
        content = one_op("POW", [((9,), "int32"), (exp_shape, "int32")], [((9,), "int32")])
        ours, ref = run_both(content, [a, np.full(exp_shape, exponent, np.int32)])
        np.testing.assert_array_equal(ours[0], ref[0])


@pytest.mark.parametrize("sa,sb", SHAPES)
def test_pow_int32(sa, sb):
    rng = np.random.default_rng(len(sa) + 1)
    a = rng.integers(-12, 12, sa).astype(np.int32)
    b = rng.integers(0, 12, sb).astype(np.int32)
    if a.size >= 4:
        a.flat[:4] = [I32.max, I32.min, 46341, -46341]  # squares overflow int32
    out = np.broadcast_shapes(sa, sb)
    ours, ref = run_both(one_op("POW", [(sa, "int32"), (sb, "int32")], [(out, "int32")]), [a, b])
    np.testing.assert_array_equal(ours[0], ref[0])


def test_pow_int32_negative_exponent():
    a = np.array([2, 1, -1, 0, 4], np.int32)
    b = np.full(5, -1, np.int32)
    content = one_op("POW", [((5,), "int32"), ((5,), "int32")], [((5,), "int32")])
    np.testing.assert_array_equal(run(tl.lite.Interpreter(model_content=content), [a, b])[0], [0, 1, -1, I32.min, 0])
    refused(one_op("POW", [((5,), "int32"), None], [((5,), "int32")], consts={1: b}), "POW", "negative int32 exponent")


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32"])
@pytest.mark.parametrize("shape", [(7,), (2, 3, 4)])
def test_sign(dtype, shape):
    rng = np.random.default_rng(3)
    x = (rng.standard_normal(shape) * 5).astype(dtype)
    if dtype == "int32":
        x.flat[:3] = [0, I32.min, I32.max]
    else:
        x.flat[:6] = [0.0, -0.0, np.nan, np.inf, -np.inf, 1e-45]
    ours, ref = run_both(one_op("SIGN", [(shape, dtype)], [(shape, dtype)]), [x])
    assert ours[0].dtype == ref[0].dtype
    np.testing.assert_array_equal(ours[0], ref[0])
    np.testing.assert_array_equal(np.signbit(ours[0]), np.signbit(ref[0]))


@pytest.mark.parametrize("sa,sb", SHAPES)
@pytest.mark.parametrize("act", [0, 1, 2, 3])
def test_div_int32(sa, sb, act):
    rng = np.random.default_rng(len(sa) + act)
    a = rng.integers(-50, 50, sa).astype(np.int32)
    b = rng.integers(1, 9, sb).astype(np.int32) * rng.choice([-1, 1], sb).astype(np.int32)
    if a.size >= 3:
        a.flat[:3] = [I32.min, I32.max, -7]
    out = np.broadcast_shapes(sa, sb)
    content = one_op("DIV", [(sa, "int32"), (sb, "int32")], [(out, "int32")], fused_activation_function=act)
    ours, ref = run_both(content, [a, b])
    np.testing.assert_array_equal(ours[0], ref[0])


def test_div_int32_constant_divisor_and_edges():
    b = np.array([3, -2, 5], np.int32)
    content = one_op("DIV", [((2, 3), "int32"), None], [((2, 3), "int32")], consts={1: b})
    a = np.array([[7, 7, -7], [-7, I32.min, 0]], np.int32)
    ours, ref = run_both(content, [a])
    np.testing.assert_array_equal(ours[0], ref[0])
    edges = one_op("DIV", [((3,), "int32"), ((3,), "int32")], [((3,), "int32")])
    feeds = [np.array([I32.min, I32.min, 5], np.int32), np.array([-1, 1, -1], np.int32)]
    ours, ref = run_both(edges, feeds)  # INT32_MIN / -1: INT32_MAX, as LiteRT on x86
    np.testing.assert_array_equal(ours[0], ref[0])
    np.testing.assert_array_equal(ours[0], [I32.max, I32.min, -5])
    # a zero divisor fails the invoke, as in LiteRT (test_div_squared_difference.py checks both)
    feeds = [np.array([5, -5, 0], np.int32), np.array([0, 0, 0], np.int32)]
    with pytest.raises(RuntimeError, match="division by zero"):
        run(tl.lite.Interpreter(model_content=edges), feeds)
    refused(one_op("DIV", [((3,), "int32"), None], [((3,), "int32")], consts={1: np.array([1, 0, 2], np.int32)}),
            "DIV", "divisor holds 0")


@pytest.mark.parametrize("shape", [(9,), (2, 3, 4)])
def test_abs_int32(shape):
    x = np.random.default_rng(4).integers(-1000, 1000, shape).astype(np.int32)
    x.flat[:4] = [I32.min, I32.min + 1, I32.max, 0]
    ours, ref = run_both(one_op("ABS", [(shape, "int32")], [(shape, "int32")]), [x])
    np.testing.assert_array_equal(ours[0], ref[0])


def test_bad_models_refused():
    refused(one_op("POW", [((2,), "int8"), ((2,), "int8")], [((2,), "int8")]), "POW", "float32 and int32")
    refused(one_op("POW", [((2,), "float32"), ((2,), "int32")], [((2,), "float32")]), "POW", "float32 and int32")
    refused(one_op("POW", [((2,), "float32"), ((3,), "float32")], [((2,), "float32")]), "POW", "broadcast")
    refused(one_op("SIGN", [((2,), "int8")], [((2,), "int8")]), "SIGN", "supports float32")
    refused(one_op("SIGN", [((2,), "float32")], [((2,), "int32")]), "SIGN", "types differ")
    refused(one_op("DIV", [((2,), "int32"), ((2,), "int32")], [((2,), "int32")], fused_activation_function=5),
            "DIV", "fused activation")
    refused(one_op("ABS", [((2,), "int32")], [((3,), "int32")]), "ABS", "shapes differ")
