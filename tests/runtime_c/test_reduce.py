"""MEAN, SUM, REDUCE_MAX and REDUCE_MIN (one shared kernel) in the C runtime against LiteRT
(BUILTIN_REF) on one-op models: float32 over several shapes, axis sets (negative, repeated, none,
all) and keep_dims (rtol 1e-5); int8 MEAN with several scales and zero points, int16 MEAN with
several scales, REDUCE_MAX/MIN on int8, uint8, int16, int32, int64 and int32 SUM (wrapping on
overflow), bit-exact; int8 and int16 SUM (requantizing, saturating) bit-exact against LiteRT's builtin kernels
(its reference SUM reads int8 and int16 as uint8)."""
import numpy as np
import pytest

import tensorlite as tl
from tests.litert import run

from .tflite_graph import one_op, quant, random_values, refused, run_both

CASES = [((2, 3, 4), [1]), ((2, 3, 4), [0, 2]), ((2, 3, 4), [-1]), ((2, 3, 4), [2, -1]), ((2, 3, 4), [0, 1, 2]),
         ((1, 5, 5, 8), [1, 2]), ((4, 7), []), ((6,), [0]), ((3, 1, 4, 2, 5), [1, 3])]


def _out_shape(shape, axes, keep):
    red = {a % len(shape) for a in axes}
    return tuple(1 if i in red else d for i, d in enumerate(shape) if keep or i not in red)


@pytest.mark.parametrize("op", ["MEAN", "SUM", "REDUCE_MAX", "REDUCE_MIN"])
@pytest.mark.parametrize("shape,axes", CASES)
@pytest.mark.parametrize("keep", [False, True])
def test_float32_matches_litert(op, shape, axes, keep):
    x = (np.random.default_rng(len(shape) + len(axes)).standard_normal(shape) * 4).astype(np.float32)
    if op == "REDUCE_MAX":
        x.flat[::7] = -np.inf
    if op == "REDUCE_MIN":
        x.flat[::7] = np.inf
        x.flat[3::11] = np.nan
    content = one_op(op, [(shape, "float32"), None], [(_out_shape(shape, axes, keep), "float32")],
                     consts={1: np.array(axes, np.int32)}, keep_dims=keep)
    ours, ref = run_both(content, [x])
    assert ours[0].shape == ref[0].shape
    np.testing.assert_allclose(ours[0], ref[0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("op", ["REDUCE_MAX", "REDUCE_MIN"])
@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16", "int32", "int64"])
@pytest.mark.parametrize("shape,axes", CASES[:6])
@pytest.mark.parametrize("keep", [False, True])
def test_int_min_max_matches_litert(op, dtype, shape, axes, keep):
    info = np.iinfo(dtype)
    x = np.random.default_rng(len(shape)).integers(info.min, info.max, shape, endpoint=True).astype(dtype)
    q = {"scale": [0.5], "zero_point": [3]} if dtype in ("int8", "uint8") else (
        {"scale": [0.5], "zero_point": [0]} if dtype == "int16" else None)
    spec = (shape, dtype, q) if q else (shape, dtype)
    out = _out_shape(shape, axes, keep)
    content = one_op(op, [spec, None], [(out, dtype, q) if q else (out, dtype)],
                     consts={1: np.array(axes, np.int32)}, keep_dims=keep)
    ours, ref = run_both(content, [x])
    np.testing.assert_array_equal(ours[0], ref[0])


@pytest.mark.parametrize("shape,axes", CASES)
@pytest.mark.parametrize("keep", [False, True])
def test_int32_sum_matches_litert(shape, axes, keep):
    x = np.random.default_rng(len(shape) + 5).integers(-(2**31), 2**31, shape).astype(np.int32)  # sums overflow
    content = one_op("SUM", [(shape, "int32"), None], [(_out_shape(shape, axes, keep), "int32")],
                     consts={1: np.array(axes, np.int32)}, keep_dims=keep)
    ours, ref = run_both(content, [x])
    np.testing.assert_array_equal(ours[0], ref[0])


@pytest.mark.parametrize("shape,axes", CASES)
@pytest.mark.parametrize("keep", [False, True])
@pytest.mark.parametrize("quants", [(0.05, 0, 0.05, 0), (0.1, -7, 0.1, -7), (0.1, 12, 0.03, -20),
                                   (0.02, -128, 0.2, 100), (0.5, 3, 0.01, 0)])
def test_int8_mean_bit_exact(shape, axes, keep, quants):
    s_in, z_in, s_out, z_out = quants
    x = np.random.default_rng(3).integers(-128, 128, shape).astype(np.int8)
    content = one_op("MEAN", [(shape, "int8", quant(s_in, z_in)), None],
                     [(_out_shape(shape, axes, keep), "int8", quant(s_out, z_out))],
                     consts={1: np.array(axes, np.int32)}, keep_dims=keep)
    ours, ref = run_both(content, [x])
    np.testing.assert_array_equal(ours[0], ref[0])


@pytest.mark.parametrize("shape,axes", CASES)
@pytest.mark.parametrize("keep", [False, True])
@pytest.mark.parametrize("scales", [(0.001, 0.001), (0.001, 0.0003), (0.01, 0.1), (3e-4, 1e-4), (0.5, 0.01)])
def test_int16_mean_bit_exact(shape, axes, keep, scales):
    x = np.random.default_rng(3).integers(-32768, 32768, shape).astype(np.int16)
    x.flat[:2] = [-32768, 32767]
    content = one_op("MEAN", [(shape, "int16", quant(scales[0], 0)), None],
                     [(_out_shape(shape, axes, keep), "int16", quant(scales[1], 0))],
                     consts={1: np.array(axes, np.int32)}, keep_dims=keep)
    ours, ref = run_both(content, [x])
    np.testing.assert_array_equal(ours[0], ref[0])


def _litert_builtin(content):
    """LiteRT's builtin kernels without the XNNPACK delegate: its reference SUM reads int8 and int16 as uint8."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    builtin = OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES
    return Interpreter(model_content=content, experimental_op_resolver_type=builtin)


SUM_QUANTS = [((0.1, 0), (0.1, 0)), ((0.1, 3), (0.1, 3)), ((0.1, 3), (0.37, -4)), ((0.02, -7), (0.05, 10)),
              ((0.5, 0), (0.7, 0)), ((0.01, 0), (0.013, 0)), ((0.01, 0), (1e-6, 0)), ((0.5, 5), (1e-9, -3))]


@pytest.mark.parametrize("dtype,quants", [("int8", q) for q in SUM_QUANTS] +
                         [("int16", q) for q in SUM_QUANTS if not (q[0][1] or q[1][1])])  # int16: zero points 0
@pytest.mark.parametrize("shape,axes", CASES)
@pytest.mark.parametrize("keep", [False, True])
def test_integer_sum_bit_exact(dtype, quants, shape, axes, keep):
    """Requantized as LiteRT's builtin kernel does: float32 round(sum * s_in/s_out - zp_in * s_in/s_out * count)
    converted to int32 as on x86, plus zp_out, saturated (the last two pairs overflow int32 nearly everywhere)."""
    (s_in, z_in), (s_out, z_out) = quants
    x = random_values(np.random.default_rng(len(shape)), dtype, shape)
    content = one_op("SUM", [(shape, dtype, quant(s_in, z_in)), None],
                     [(_out_shape(shape, axes, keep), dtype, quant(s_out, z_out))],
                     consts={1: np.array(axes, np.int32)}, keep_dims=keep)
    ours = run(tl.lite.Interpreter(model_content=content), [x])[0]
    np.testing.assert_array_equal(ours, run(_litert_builtin(content), [x])[0])


def test_int16_sum_rounds_in_float32():
    """Sums beyond 2^24 where float32 and double rounding part (28 of 20,000 outputs here) and an integer
    multiplier would part too (36): equal to LiteRT's float32 arithmetic on all."""
    x = np.random.default_rng(0).integers(20000, 32768, (20000, 600)).astype(np.int16)
    s_out = 0.01 * float(x.astype(np.int64).sum(1).max()) / 32000
    content = one_op("SUM", [(x.shape, "int16", quant(0.01, 0)), None], [((20000,), "int16", quant(s_out, 0))],
                     consts={1: np.array([1], np.int32)})
    ours = run(tl.lite.Interpreter(model_content=content), [x])[0]
    np.testing.assert_array_equal(ours, run(_litert_builtin(content), [x])[0])


def test_bad_models_refused():
    axes = {1: np.array([1], np.int32)}
    refused(one_op("SUM", [((2, 3), "float32"), None], [((2, 3), "float32")], consts=axes), "SUM",
            "output rank")
    refused(one_op("MEAN", [((2, 3), "float32"), None], [((2,), "float32")],
                   consts={1: np.array([2], np.int32)}), "MEAN", "axis out of range")
    refused(one_op("MEAN", [((2, 3), "float32"), ((1,), "int32")], [((2,), "float32")]), "MEAN",
            "axes must be a constant")
    refused(one_op("SUM", [((2, 3), "uint8", quant(0.5, 0)), None], [((2,), "uint8", quant(0.5, 0))], consts=axes),
            "SUM", "supports float32")
    refused(one_op("SUM", [((2, 3), "int16"), None], [((2,), "int16")], consts=axes), "SUM", "without scale")
    refused(one_op("SUM", [((2, 3), "int16", quant(0.5, 2)), None], [((2,), "int16", quant(0.5, 0))], consts=axes),
            "SUM", "int16 zero points must be 0")
    refused(one_op("SUM", [((2, 3), "int8", quant(1.0, 0)), None], [((2,), "int8", quant(1e-10, 0))], consts=axes),
            "SUM", "scale out of range")
    refused(one_op("REDUCE_MIN", [((2, 3), "int8", quant(0.5, 0)), None], [((2,), "int8", quant(0.25, 0))],
                   consts=axes), "REDUCE_MIN", "quantization differ")
    refused(one_op("REDUCE_MIN", [((2, 3), "bool"), None], [((2,), "bool")], consts=axes), "REDUCE_MIN",
            "supports float32")
    refused(one_op("MEAN", [((2, 3), "int16", quant(0.5, 1)), None], [((2,), "int16", quant(0.5, 0))], consts=axes),
            "MEAN", "int16 zero points must be 0")
    refused(one_op("MEAN", [((2, 3), "int16", quant(0.5, 0)), None], [((2,), "int16", quant(0.5, 3))], consts=axes),
            "MEAN", "int16 zero points must be 0")
    refused(one_op("MEAN", [((1, 70000), "int16", quant(0.5, 0)), None], [((1,), "int16", quant(0.5, 0))],
                   consts=axes), "MEAN", "too many elements")
