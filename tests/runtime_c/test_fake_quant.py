"""FAKE_QUANT in the C runtime against LiteRT (BUILTIN_REF) on one-op models: float32 over ranges that
straddle zero, lie above or below it (the zero point clamps), nudge to the grid, 1 to 16 bits, with values
outside the range, on the grid's half steps, NaN and infinities (bit-exact); and the models prepare refuses
(narrow_range, which LiteRT refuses too; num_bits out of 1..16, empty or inverted ranges, where LiteRT
computes NaN or garbage)."""
import numpy as np
import pytest

from .tflite_graph import one_op, refused, run_both

RANGES = [(-1.0, 1.0, 8), (-0.3, 2.7, 8), (0.5, 3.0, 8), (-3.0, -1.0, 8), (-6.0, 6.0, 4), (-1e-3, 1e-3, 16),
          (-10.0, 10.0, 2), (-1.0, 1.0, 1), (-0.1, 25.4, 8), (-128.0, 127.0, 8), (0.0, 6.0, 8), (-2.5, 0.0, 12)]


def _input(shape, lo, hi, seed):
    rng = np.random.default_rng(seed)
    span = max(abs(lo), abs(hi))
    x = (rng.uniform(-1.5, 1.5, shape) * span).astype(np.float32)
    scale = (hi - lo) / (2 ** 8 - 1)
    x.flat[:10] = [np.nan, np.inf, -np.inf, 0.0, -0.0, lo, hi, lo + 0.5 * scale, 2.5 * scale, -1.5 * scale]
    return x


@pytest.mark.parametrize("lo,hi,bits", RANGES)
@pytest.mark.parametrize("shape", [(64,), (3, 5, 7)])
def test_float32_bit_exact(lo, hi, bits, shape):
    x = _input(shape, lo, hi, seed=bits)
    content = one_op("FAKE_QUANT", [(shape, "float32")], [(shape, "float32")], min=lo, max=hi, num_bits=bits)
    ours, ref = run_both(content, [x])
    np.testing.assert_array_equal(ours[0], ref[0])
    assert len(np.unique(ref[0])) <= 2 ** bits  # it did quantize


@pytest.mark.parametrize("options,match", [
    (dict(min=-1.0, max=1.0, num_bits=8, narrow_range=True), "narrow_range"),
    (dict(min=-1.0, max=1.0, num_bits=0), "num_bits"),
    (dict(min=-1.0, max=1.0, num_bits=17), "num_bits"),
    (dict(min=1.0, max=-1.0, num_bits=8), "min must be below max"),
    (dict(min=0.0, max=0.0, num_bits=8), "min must be below max"),
    (dict(min=-np.inf, max=1.0, num_bits=8), "finite"),
])
def test_bad_models_refused(options, match):
    refused(one_op("FAKE_QUANT", [((2, 3), "float32")], [((2, 3), "float32")], **options), "FAKE_QUANT", match)


def test_types_and_shapes_refused():
    refused(one_op("FAKE_QUANT", [((2, 3), "int8", {"scale": [0.1], "zero_point": [0]})],
                   [((2, 3), "int8", {"scale": [0.1], "zero_point": [0]})], min=-1.0, max=1.0, num_bits=8),
            "FAKE_QUANT", "float32 only")
    refused(one_op("FAKE_QUANT", [((2, 3), "float32")], [((3, 2), "float32")], min=-1.0, max=1.0, num_bits=8),
            "FAKE_QUANT", "shapes differ")
