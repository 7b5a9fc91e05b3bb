"""RELU6 and RELU_N1_TO_1 (one shared kernel) in the C runtime against LiteRT (BUILTIN_REF) on
one-op models: float32 (rtol 1e-6, NaN and infinities included), int8 over every input value for
several input/output scales and zero points (bit-exact), RELU6 int16 (zero points 0, bit-exact)."""
import numpy as np
import pytest

from .tflite_graph import one_op, quant, refused, run_both

ALL_INT8 = np.arange(-128, 128, dtype=np.int8).reshape(4, 64)
# (input scale, input zp, output scale, output zp)
QUANTS = [(0.05, 0, 0.05, 0), (0.1, -10, 0.03, -128), (0.02, 5, 0.1, 20), (0.5, 100, 0.06, -60),
          (0.001, -3, 0.0005, 7), (2.0, 0, 0.7, -1)]


def _float_input(shape):
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(shape) * 5).astype(np.float32)
    x.flat[:8] = [np.nan, np.inf, -np.inf, -3.0, 3.0, 6.0, -1.0, 1.0]
    return x


@pytest.mark.parametrize("op", ["RELU6", "RELU_N1_TO_1"])
@pytest.mark.parametrize("shape", [(7,), (2, 3, 5), (1, 4, 4, 3)])
def test_float32_matches_litert(op, shape):
    x = _float_input(shape)
    ours, ref = run_both(one_op(op, [(shape, "float32")], [(shape, "float32")]), [x])
    np.testing.assert_allclose(ours[0], ref[0], rtol=1e-6)


@pytest.mark.parametrize("op", ["RELU6", "RELU_N1_TO_1"])
@pytest.mark.parametrize("quants", QUANTS)
def test_int8_every_value_bit_exact(op, quants):
    s_in, z_in, s_out, z_out = quants
    shape = ALL_INT8.shape
    content = one_op(op, [(shape, "int8", quant(s_in, z_in))], [(shape, "int8", quant(s_out, z_out))])
    ours, ref = run_both(content, [ALL_INT8])
    np.testing.assert_array_equal(ours[0], ref[0])


@pytest.mark.parametrize("quants", [(0.001, 0.001), (0.0005, 0.0002), (0.0002, 0.001)])
def test_relu6_int16_bit_exact(quants):
    s_in, s_out = quants
    x = np.arange(-32768, 32768, 7, dtype=np.int16)
    content = one_op("RELU6", [(x.shape, "int16", quant(s_in, 0))], [(x.shape, "int16", quant(s_out, 0))])
    ours, ref = run_both(content, [x])
    np.testing.assert_array_equal(ours[0], ref[0])


@pytest.mark.parametrize("op,dtype,match", [("RELU_N1_TO_1", "int16", "float32, int8 and uint8"),
                                            ("RELU6", "int32", "float32, int8, uint8 and int16")])
def test_unsupported_types_refused(op, dtype, match):
    q = quant(0.01, 0)
    content = one_op(op, [((4,), dtype, q)], [((4,), dtype, q)])
    refused(content, op, match)


def test_relu6_int16_zero_point_refused():
    content = one_op("RELU6", [((4,), "int16", quant(0.01, 3))], [((4,), "int16", quant(0.01, 0))])
    refused(content, "RELU6", "zero points 0")

