"""HARD_SWISH in the C runtime against LiteRT (BUILTIN_REF) on one-op models: float32 (rtol 1e-6,
NaN and infinities included) and int8 over every input value for several input/output scales and
zero points, covering both signs of the relu-ish multiplier's exponent (bit-exact)."""
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


@pytest.mark.parametrize("op", ["HARD_SWISH"])
@pytest.mark.parametrize("shape", [(7,), (2, 3, 5), (1, 4, 4, 3)])
def test_float32_matches_litert(op, shape):
    x = _float_input(shape)
    ours, ref = run_both(one_op(op, [(shape, "float32")], [(shape, "float32")]), [x])
    np.testing.assert_allclose(ours[0], ref[0], rtol=1e-6)


@pytest.mark.parametrize("op", ["HARD_SWISH"])
@pytest.mark.parametrize("quants", QUANTS)
def test_int8_every_value_bit_exact(op, quants):
    s_in, z_in, s_out, z_out = quants
    assert s_in / 128 / s_out <= 1  # smaller output scales are refused (LiteRT too)
    shape = ALL_INT8.shape
    content = one_op(op, [(shape, "int8", quant(s_in, z_in))], [(shape, "int8", quant(s_out, z_out))])
    ours, ref = run_both(content, [ALL_INT8])
    np.testing.assert_array_equal(ours[0], ref[0])


@pytest.mark.parametrize("op,dtype,match", [("HARD_SWISH", "int16", "float32, int8 and uint8")])
def test_unsupported_types_refused(op, dtype, match):
    q = quant(0.01, 0)
    content = one_op(op, [((4,), dtype, q)], [((4,), dtype, q)])
    refused(content, op, match)



def test_hard_swish_output_scale_too_small_refused():
    content = one_op("HARD_SWISH", [((4,), "int8", quant(1.0, 0))], [((4,), "int8", quant(0.001, 0))])
    refused(content, "HARD_SWISH", "output scale")
