"""HARD_SWISH in the C runtime against LiteRT (BUILTIN_REF) on one-op models: float32 (rtol 1e-6,
NaN and infinities included) and int8 over every input value for several input/output scales and
zero points, covering both signs of the relu-ish multiplier's exponent (bit-exact)."""
import numpy as np
import pytest

import tensorlite as tl

from .tflite_graph import one_op, run_both

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


def _q(scale, zp):
    return {"scale": [scale], "zero_point": [zp]}


@pytest.mark.parametrize("op", ["HARD_SWISH"])
@pytest.mark.parametrize("quant", QUANTS)
def test_int8_every_value_bit_exact(op, quant):
    s_in, z_in, s_out, z_out = quant
    assert s_in / 128 / s_out <= 1  # smaller output scales are refused (LiteRT too)
    shape = ALL_INT8.shape
    content = one_op(op, [(shape, "int8", _q(s_in, z_in))], [(shape, "int8", _q(s_out, z_out))])
    ours, ref = run_both(content, [ALL_INT8])
    np.testing.assert_array_equal(ours[0], ref[0])


@pytest.mark.parametrize("op,dtype,match", [("HARD_SWISH", "int16", "float32 and int8"),
                                            ("HARD_SWISH", "uint8", "float32 and int8")])
def test_unsupported_types_refused(op, dtype, match):
    q = _q(0.01, 0)
    content = one_op(op, [((4,), dtype, q)], [((4,), dtype, q)])
    with pytest.raises(ValueError, match=rf"node 0 \({op}\): .*{match}"):
        tl.lite.Interpreter(model_content=content).allocate_tensors()



def test_hard_swish_output_scale_too_small_refused():
    content = one_op("HARD_SWISH", [((4,), "int8", _q(1.0, 0))], [((4,), "int8", _q(0.001, 0))])
    with pytest.raises(ValueError, match=r"node 0 \(HARD_SWISH\): .*output scale"):
        tl.lite.Interpreter(model_content=content).allocate_tensors()
