"""GELU (exact and approximate) and LOG_SOFTMAX in the C runtime against LiteRT (BUILTIN_REF) on
one-op models: float32 over several shapes (rtol 1e-5; GELU's tiny negative tail also atol 1e-6,
LiteRT's float GELU uses Eigen's erfc/tanh), GELU int8 over every input value for several
quantizations (bit-exact: both build the table from the same float formula)."""
import numpy as np
import pytest

from .tflite_graph import one_op, quant, refused, run_both

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


def test_refusals():
    q = quant(0.1, 0)
    refused(one_op("LOG_SOFTMAX", [((4,), "int8", q)], [((4,), "int8", q)]), "LOG_SOFTMAX", "float32 only")
    refused(one_op("GELU", [((4,), "int16", q)], [((4,), "int16", q)]), "GELU", "float32 and int8")
