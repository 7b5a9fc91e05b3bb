"""REDUCE_PROD beyond float32 / int32 / int64 (test_reduce.py, op_coverage.py) in the C runtime against LiteRT's
reference kernels (BUILTIN_REF), bit for bit: quantized int8 and int16 (LiteRT's product rescaled by
s_in / s_out^(1 / count) at every step) over one, several, negative, repeated and no axes, keep_dims both ways,
several scales and zero points; unquantized int8, uint8 and int16 (the product wraps in the type) and bool
(AND); and the models LiteRT refuses (quantized uint8, int16 zero points) or that have no usable scale."""
import numpy as np
import pytest

from .tflite_graph import one_op, quant, refused, run_both

# (shape, axes, keep_dims)
AXES = [([2, 3, 4], [1], False), ([2, 3, 4], [0, 2], True), ([6], [0], False), ([2, 3, 4], [-1], False),
        ([2, 3, 4], [0, 1, 2], False), ([3, 4], [1, -1], True), ([3, 4], [], False), ([1, 5, 1, 3], [1, 3], False)]
# (type, input scale, input zp, output scale, output zp)
QUANTS = [("int8", 1 / 64, -3, 0.05, 2), ("int8", 0.02, 10, 1e-4, -100), ("int8", 0.2, 0, 3.0, 0),
          ("int16", 1 / 8192, 0, 1 / 4096, 0), ("int16", 0.01, 0, 0.5, 0), ("int16", 3e-4, 0, 1e-7, 0)]


def _out_shape(shape, axes, keep):
    red = {a % len(shape) for a in axes}
    if keep:
        return [1 if i in red else d for i, d in enumerate(shape)]
    return [d for i, d in enumerate(shape) if i not in red]


def _model(shape, axes, keep, dtype, q_in=None, q_out=None):
    spec_in = (shape, dtype, q_in) if q_in else (shape, dtype)
    out = _out_shape(shape, axes, keep)
    spec_out = (out, dtype, q_out) if q_out else (out, dtype)
    return one_op("REDUCE_PROD", [spec_in, None], [spec_out], consts={1: np.array(axes, np.int32)}, keep_dims=keep)


@pytest.mark.parametrize("q", QUANTS)
@pytest.mark.parametrize("case", AXES)
def test_quantized_matches_litert(q, case):
    dtype, s_in, z_in, s_out, z_out = q
    shape, axes, keep = case
    rng = np.random.default_rng(len(shape) * 100 + len(axes))
    info = np.iinfo(dtype)
    x = rng.integers(info.min, info.max, shape, endpoint=True).astype(dtype)
    ours, ref = run_both(_model(shape, axes, keep, dtype, quant(s_in, z_in), quant(s_out, z_out)), [x])
    np.testing.assert_array_equal(ours[0], ref[0])


def test_quantized_values_spread():
    """The products of a long row: every step's rescaling counts (and the outputs are not all clamped)."""
    x = np.tile(np.arange(-128, 128, dtype=np.int8).reshape(16, 16), (1, 2))
    ours, ref = run_both(_model([16, 32], [1], False, "int8", quant(1 / 100, 0), quant(1e-3, 0)), [x])
    np.testing.assert_array_equal(ours[0], ref[0])
    small = (np.arange(-60, 60, dtype=np.int8).reshape(40, 3))
    ours, ref = run_both(_model([40, 3], [1], False, "int8", quant(1 / 32, 4), quant(0.01, -5)), [small])
    np.testing.assert_array_equal(ours[0], ref[0])
    assert len(np.unique(ref[0])) > 20


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16", "bool"])
@pytest.mark.parametrize("case", AXES[:4])
def test_unquantized_matches_litert(dtype, case):
    shape, axes, keep = case
    rng = np.random.default_rng(7)
    if dtype == "bool":
        x = rng.random(shape) < 0.8
    else:
        low = 0 if dtype == "uint8" else -9
        x = rng.integers(low, 10, shape).astype(dtype)
    ours, ref = run_both(_model(shape, axes, keep, dtype), [x])
    np.testing.assert_array_equal(ours[0], ref[0])


def test_refusals():
    refused(_model([2, 3], [1], False, "uint8", quant(0.1, 128), quant(0.1, 128)), "REDUCE_PROD",
            "quantized REDUCE_PROD supports int8 and int16")
    refused(_model([2, 3], [1], False, "int16", quant(0.1, 5), quant(0.1, 0)), "REDUCE_PROD", "zero points must be 0")
    refused(_model([2, 3], [1], False, "int16", quant(0.1, 0), quant(0.1, 3)), "REDUCE_PROD", "zero points must be 0")
    refused(_model([2, 3], [1], False, "int8", quant(0.1, 0)), "REDUCE_PROD", "quantized tensor without scale")
    # a per-step scale of 2^15 or more: LiteRT's rounding shift would be by a negative count
    refused(_model([2, 3], [], False, "int8", quant(100.0, 0), quant(1e-3, 0)), "REDUCE_PROD",
            "requantization scale out of range")
    refused(_model([2, 3], [1], False, "float16"), "REDUCE_PROD", "supports float32, int8, uint8, int16")
