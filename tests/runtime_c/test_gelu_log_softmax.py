"""GELU (exact and approximate) and LOG_SOFTMAX in the C runtime against LiteRT (BUILTIN_REF) on
one-op models: float32 over several shapes (rtol 1e-5; GELU's tiny negative tail also atol 1e-6,
LiteRT's float GELU uses Eigen's erfc/tanh), GELU int8 over every input value for several
quantizations (bit-exact: both build the table from the same float formula); LOG_SOFTMAX int8 (output 16/256,
zero point 127) bit-exact over 8 input quantizations and 6 shapes (every int8 value in a row, rows of equal values,
3,000-wide rows); refusals."""
import numpy as np
import pytest

from .tflite_graph import one_op, quant, random_values, refused, run_both

SHAPES = [(7,), (2, 3, 5), (1, 4, 4, 3), (2, 1, 1, 2, 9)]


@pytest.mark.parametrize("approximate", [False, True])
@pytest.mark.parametrize("shape", SHAPES)
def test_gelu_float32(approximate, shape):
    x = (np.random.default_rng(1).standard_normal(shape) * 4).astype(np.float32)
    x.flat[:5] = [0.0, -12.0, 12.0, -5.0, 30.0]
    ours, ref = run_both(one_op("GELU", [(shape, "float32")], [(shape, "float32")], approximate=approximate), [x])
    np.testing.assert_allclose(ours[0], ref[0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("approximate", [False, True])
@pytest.mark.parametrize("quants", [(0.05, 0, 0.05, 0), (0.1, -20, 0.04, -110), (0.03, 40, 0.02, -128),
                                   (0.5, 0, 0.001, 0)])
def test_gelu_int8_every_value(approximate, quants):
    s_in, z_in, s_out, z_out = quants
    x = np.arange(-128, 128, dtype=np.int8).reshape(16, 16)
    content = one_op("GELU", [(x.shape, "int8", quant(s_in, z_in))], [(x.shape, "int8", quant(s_out, z_out))],
                     approximate=approximate)
    ours, ref = run_both(content, [x])
    np.testing.assert_array_equal(ours[0], ref[0])


@pytest.mark.parametrize("shape", SHAPES)
def test_log_softmax_float32(shape):
    x = (np.random.default_rng(2).standard_normal(shape) * 10).astype(np.float32)
    x.flat[:2] = [80.0, -90.0]
    ours, ref = run_both(one_op("LOG_SOFTMAX", [(shape, "float32")], [(shape, "float32")]), [x])
    np.testing.assert_allclose(ours[0], ref[0], rtol=1e-5, atol=1e-6)


LOG_SOFTMAX_OUT = quant(16 / 256, 127)  # the only int8 output LiteRT accepts


@pytest.mark.parametrize("s_in,z_in", [(0.05, 0), (0.1, -20), (0.02, 5), (0.5, 100), (1.0, 0), (0.004, -128),
                                       (0.25, -60), (3.0, 3)])
@pytest.mark.parametrize("shape", [(4, 10), (2, 3, 7), (1, 256), (5, 1), (64, 33), (2, 3000)])
def test_log_softmax_int8_bit_exact(s_in, z_in, shape):
    x = random_values(np.random.default_rng(shape[-1]), "int8", shape)
    if shape == (1, 256):
        x[0] = np.arange(-128, 128)          # every value in one row
    if shape == (64, 33):
        x[:8] = x[:8, :1]                    # rows of equal values
    content = one_op("LOG_SOFTMAX", [(shape, "int8", quant(s_in, z_in))], [(shape, "int8", LOG_SOFTMAX_OUT)])
    ours, ref = run_both(content, [x])
    np.testing.assert_array_equal(ours[0], ref[0])


def test_refusals():
    q = quant(0.1, 0)
    refused(one_op("LOG_SOFTMAX", [((4,), "int8", q)], [((4,), "int8", q)]), "LOG_SOFTMAX", "scale 16/256")
    refused(one_op("LOG_SOFTMAX", [((4,), "int8", q)], [((4,), "int8", quant(16 / 256, 0))]), "LOG_SOFTMAX",
            "zero point 127")
    refused(one_op("LOG_SOFTMAX", [((4,), "int8", quant(1e-9, 0))], [((4,), "int8", LOG_SOFTMAX_OUT)]),
            "LOG_SOFTMAX", "input scale too small")
    refused(one_op("LOG_SOFTMAX", [((4,), "int16", q)], [((4,), "int16", q)]), "LOG_SOFTMAX", "float32, int8 and uint8")
    refused(one_op("GELU", [((4,), "int32", q)], [((4,), "int32", q)]), "GELU", "float32, int8, uint8 and int16")
