"""int16 PRELU (LiteRT's 16x8 kernel: int16 input and output, int8 alpha) in the C runtime against LiteRT's
reference kernels (BUILTIN_REF), bit for bit: every int8 alpha value against a spread of int16 inputs for several
scales and zero points (non-zero int16 ones included, which LiteRT accepts here), alpha broadcast per channel and
as a constant; and the refusals: an int16 alpha (LiteRT loads it but reads its bytes as int8 values), mixed
output types."""
import numpy as np
import pytest

from .tflite_graph import one_op, quant, refused, run_both

# (input scale, input zp, alpha scale, alpha zp, output scale, output zp)
QUANTS = [(0.001, 0, 0.01, 0, 0.0012, 0), (0.001, 0, 0.5, 3, 0.0012, 0), (0.01, 10, 0.005, -20, 0.0012, 4),
          (0.001, 0, 0.0005, -9, 0.0012, 0), (0.001, 0, 0.004, 60, 1e-6, -100), (0.0003, -5, 0.02, 127, 0.05, 0)]


@pytest.mark.parametrize("q", QUANTS)
def test_every_alpha_bit_exact(q):
    sx, zx, sa, za, so, zo = q
    x = np.unique(np.concatenate([np.linspace(-32768, 32767, 151).astype(np.int16), np.arange(-40, 40)]))
    alpha = np.arange(-128, 128, dtype=np.int8)
    n, k = x.size, alpha.size
    content = one_op("PRELU", [((n, k), "int16", quant(sx, zx)), ((1, k), "int8", quant(sa, za))],
                     [((n, k), "int16", quant(so, zo))])
    ours, ref = run_both(content, [np.repeat(x.reshape(n, 1), k, 1).astype(np.int16), alpha.reshape(1, k)])
    np.testing.assert_array_equal(ours[0], ref[0])
    assert len(np.unique(ref[0])) > 100


@pytest.mark.parametrize("shapes", [((1, 4, 4, 6), (6,)), ((2, 3, 4, 5), (3, 1, 5)), ((7,), ())])
def test_constant_alpha_broadcast(shapes):
    shape, alpha_shape = shapes
    rng = np.random.default_rng(len(shape))
    x = rng.integers(-32768, 32767, shape, endpoint=True).astype(np.int16)
    alpha = rng.integers(-128, 127, alpha_shape, endpoint=True).astype(np.int8)
    content = one_op("PRELU", [(shape, "int16", quant(0.002, 0)), None], [(shape, "int16", quant(0.003, 0))],
                     consts={1: (alpha, quant(0.004, -2))})
    ours, ref = run_both(content, [x])
    np.testing.assert_array_equal(ours[0], ref[0])


def test_refusals():
    wide = one_op("PRELU", [((2, 3), "int16", quant(0.001, 0)), ((3,), "int16", quant(0.001, 0))],
                  [((2, 3), "int16", quant(0.001, 0))])
    refused(wide, "PRELU", "int16 PRELU takes an int8 alpha")
    mixed = one_op("PRELU", [((2, 3), "int16", quant(0.001, 0)), ((3,), "int8", quant(0.01, 0))],
                   [((2, 3), "int8", quant(0.01, 0))])
    refused(mixed, "PRELU", "types differ")
    unscaled = one_op("PRELU", [((2, 3), "int16", quant(0.001, 0)), ((3,), "int8")],
                      [((2, 3), "int16", quant(0.001, 0))])
    refused(unscaled, "PRELU", "quantized tensor without scale")
