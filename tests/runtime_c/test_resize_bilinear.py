"""RESIZE_BILINEAR in the C runtime against LiteRT (BUILTIN_REF) on one-op models: up- and
down-sampling, align_corners, half_pixel_centers, float32 (rtol 1e-5) and int8 / int16 (LiteRT's
10-bit fixed-point reference, bit-exact)."""
import numpy as np
import pytest

from .tflite_graph import one_op, refused, run_both

SIZES = [((1, 4, 4, 3), (8, 8)), ((2, 5, 3, 2), (3, 7)), ((1, 8, 6, 1), (4, 3)), ((1, 3, 3, 4), (1, 1)),
         ((1, 1, 5, 2), (4, 9)), ((1, 7, 9, 2), (16, 5))]
MODES = [(False, False), (True, False), (False, True)]


def _model(shape, hw, dtype, align, half, q=None):
    out = (shape[0], hw[0], hw[1], shape[3])
    return one_op("RESIZE_BILINEAR", [(shape, dtype, q), None], [(out, dtype, q)],
                  consts={1: np.array(hw, np.int32)}, align_corners=align, half_pixel_centers=half)


@pytest.mark.parametrize("shape,hw", SIZES)
@pytest.mark.parametrize("align,half", MODES)
def test_float32(shape, hw, align, half):
    x = (np.random.default_rng(0).standard_normal(shape) * 3).astype(np.float32)
    ours, ref = run_both(_model(shape, hw, "float32", align, half), [x])
    np.testing.assert_allclose(ours[0], ref[0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("shape,hw", SIZES)
@pytest.mark.parametrize("align,half", MODES)
@pytest.mark.parametrize("dtype", ["int8", "int16"])
def test_integer_bit_exact(shape, hw, align, half, dtype):
    info = np.iinfo(dtype)
    x = np.random.default_rng(1).integers(info.min, info.max, shape, endpoint=True).astype(dtype)
    q = {"scale": [0.05], "zero_point": [0 if dtype == "int16" else -3]}
    ours, ref = run_both(_model(shape, hw, dtype, align, half, q), [x])
    np.testing.assert_array_equal(ours[0], ref[0])


def test_refusals():
    refused(_model((1, 2, 2, 1), (4, 4), "float32", True, True), "RESIZE_BILINEAR", "both set")
    bad = one_op("RESIZE_BILINEAR", [((1, 2, 2, 1), "float32"), None], [((1, 4, 3, 1), "float32")],
                 consts={1: np.array([4, 4], np.int32)})
    refused(bad, "RESIZE_BILINEAR", "size differs")
