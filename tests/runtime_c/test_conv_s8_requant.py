"""int8 CONV_2D's GEMM with the single-rounding requantization (kernels/opt/gemm_s8.h: one 64-bit product, addend
and shift per output where a panel's shifts are all right shifts in [-23, -1]) against the reference kernels, bit
for bit, in every instruction set this machine runs, on 1, 2 and 3 threads: output channel counts that take each
block (8 and 16: one panel, partial and whole; 19, 32, 40, 96: panel pairs with and without a partial second),
pixel counts that leave row tails, the first-layer window (3 channels, 3x3, stride 2, SAME, batch 2: the im2col's
border and image stepping) and output scales whose multipliers are all below one half (every panel takes the
table), all at least one half (shift 0: none does) or mixed per channel (some panels do)."""
import pytest

from .test_optimized_kernels import _conv, _same

SHAPES = [((1, 13, 11, 16), 1, 1, 1), ((2, 17, 15, 3), 3, 2, 0), ((1, 9, 10, 27), 1, 1, 1)]  # shape, k, stride, pad
OUT_SCALES = {"right_shifts": None, "no_right_shift": 0.00005, "mixed": 0.0015}


@pytest.mark.parametrize("scale", sorted(OUT_SCALES))
@pytest.mark.parametrize("out_c", [8, 16, 19, 32, 40, 96])
@pytest.mark.parametrize("shape,k,stride,padding", SHAPES,
                         ids=lambda v: "x".join(map(str, v)) if isinstance(v, tuple) else str(v))
def test_int8_conv_requantization_paths_equal_the_reference(shape, k, stride, padding, out_c, scale):
    batch, h, w, c = shape
    _same(_conv("CONV_2D", batch, h, w, c, out_c, k, stride, padding, 1, act=out_c % 4 if out_c % 4 != 2 else 0,
                seed=out_c + c, dtype="int8", out_scale=OUT_SCALES[scale]), seed=out_c)
