"""FULLY_CONNECTED int16x8 in the C runtime: int16 input and output (zero point 0), int8 weights per tensor
(any zero point) or per unit (zero point 0), int64 bias or none, against LiteRT (BUILTIN_REF) bit-exact over
several shapes (batches folded from 3-D inputs), scales, every fused activation and outputs that saturate.
With an int32 bias LiteRT's reference kernel reads the bias as if it were int64, so there the oracle is
NumPy (int64 sums, the scale in double, rounding half away) exactly, the same model with the bias as int64,
and LiteRT's default kernels within 1 LSB. And the models prepare refuses."""
import numpy as np
import pytest

import tensorlite as tl
from tests.litert import litert_interpreter, run

from .tflite_graph import one_op, quant, refused, run_both

# (input shape, units, input scale, weight scales, output scale)
CASES = [((1, 12), 7, 0.01, [0.003], 0.5), ((3, 64), 10, 0.001, [0.01], 0.02), ((2, 3, 20), 6, 3e-4, [0.02], 0.004),
         ((4, 40), 8, 1e-4, [0.02] * 8, 3e-3), ((2, 16), 4, 0.01, [0.003, 0.01, 0.02, 0.001], 0.3),
         ((5, 300), 9, 5e-4, [0.01], 0.1), ((2, 9), 3, 0.02, [0.05, 0.01, 0.2], 0.1)]  # the last one saturates in part


def _model(shape, units, s_in, w_scales, s_out, bias_type="int64", act=0, w_zp=0, seed=0):
    rng = np.random.default_rng(seed)
    depth = shape[-1]
    w = rng.integers(-127, 128, (units, depth)).astype(np.int8)
    consts = {1: (w, {"scale": list(w_scales), "zero_point": [w_zp] * len(w_scales)})}
    bias = None
    if bias_type:
        bias = rng.integers(-2 ** 24, 2 ** 24, units).astype(bias_type)
        consts[2] = (bias, {"scale": [s_in * s for s in w_scales], "zero_point": [0] * len(w_scales)})
    batches = int(np.prod(shape[:-1]))
    content = one_op("FULLY_CONNECTED", [(shape, "int16", quant(s_in, 0)), None, None],
                     [((batches, units), "int16", quant(s_out, 0))], consts=consts, fused_activation_function=act)
    x = rng.integers(-32768, 32768, shape).astype(np.int16)
    x.flat[:2] = [-32768, 32767]
    return content, x, w, bias


@pytest.mark.parametrize("shape,units,s_in,w_scales,s_out", CASES)
@pytest.mark.parametrize("act", [0, 1, 2, 3])
@pytest.mark.parametrize("bias_type", ["int64", None])
def test_int16x8_bit_exact(shape, units, s_in, w_scales, s_out, act, bias_type):
    content, x, _, _ = _model(shape, units, s_in, w_scales, s_out, bias_type, act)
    ours, ref = run_both(content, [x])
    np.testing.assert_array_equal(ours[0], ref[0])
    assert act or len(np.unique(ref[0])) > 2  # not all clipped


@pytest.mark.parametrize("w_zp", [1, -128, 50])
def test_weight_zero_point_bit_exact(w_zp):
    content, x, _, _ = _model((4, 30), 5, 0.001, [0.01], 0.1, w_zp=w_zp)
    ours, ref = run_both(content, [x])
    np.testing.assert_array_equal(ours[0], ref[0])


def _numpy_reference(x, w, bias, s_in, w_scales, s_out):
    acc = x.reshape(-1, x.shape[-1]).astype(np.int64) @ w.astype(np.int64).T + bias.astype(np.int64)
    scale = np.float64(np.float32(s_in)) * np.resize(np.float32(w_scales), w.shape[0]).astype(np.float64)
    v = acc * (scale / np.float64(np.float32(s_out)))
    return np.clip(np.sign(v) * np.floor(np.abs(v) + 0.5), -32768, 32767).astype(np.int16)


@pytest.mark.parametrize("shape,units,s_in,w_scales,s_out", CASES)
def test_int32_bias_as_int64_bias(shape, units, s_in, w_scales, s_out):
    content, x, w, bias = _model(shape, units, s_in, w_scales, s_out, bias_type="int32")
    ours = run(tl.lite.Interpreter(model_content=content), [x])[0]
    np.testing.assert_array_equal(ours, _numpy_reference(x, w, bias, s_in, w_scales, s_out))
    content64, *_ = _model(shape, units, s_in, w_scales, s_out, bias_type="int64")  # same seed: same values
    np.testing.assert_array_equal(ours, run(tl.lite.Interpreter(model_content=content64), [x])[0])
    default = run(litert_interpreter(content, reference=False), [x])[0]
    assert np.abs(ours.astype(np.int32) - default).max() <= 1


def test_bad_models_refused():
    w = {1: (np.ones((3, 8), np.int8), quant(0.01, 0))}
    x16, y16 = ((2, 8), "int16", quant(0.01, 0)), ((2, 3), "int16", quant(0.1, 0))
    refused(one_op("FULLY_CONNECTED", [((2, 8), "int16", quant(0.01, 1)), None, None], [y16], consts=w),
            "FULLY_CONNECTED", "zero point 0")
    refused(one_op("FULLY_CONNECTED", [x16, None, None], [((2, 3), "int16", quant(0.1, -1))], consts=w),
            "FULLY_CONNECTED", "zero point 0")
    refused(one_op("FULLY_CONNECTED", [x16, None, None], [y16],
                   consts={**w, 2: (np.zeros(3, np.int16), quant(1e-4, 0))}), "FULLY_CONNECTED", "int64 or int32 bias")
    per_unit = {"scale": [0.01, 0.02, 0.03], "zero_point": [3, 3, 3]}
    refused(one_op("FULLY_CONNECTED", [x16, None, None], [y16], consts={1: (np.ones((3, 8), np.int8), per_unit)}),
            "FULLY_CONNECTED", "per-channel int16x8 weights must have zero point 0")
    refused(one_op("FULLY_CONNECTED", [x16, None, None], [y16],
                   consts={1: (np.ones((3, 8), np.int8), {"scale": [0.01, 0.02], "zero_point": [0, 0]})}),
            "FULLY_CONNECTED", "per-channel scale count")
    refused(one_op("FULLY_CONNECTED", [x16, None, None], [((2, 3), "int8", quant(0.1, 0))], consts=w),
            "FULLY_CONNECTED", "supports float32, int8, int16x8")
