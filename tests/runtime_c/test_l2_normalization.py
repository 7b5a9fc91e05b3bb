"""L2_NORMALIZATION int8 and uint8 in the C runtime against LiteRT's reference kernels (BUILTIN_REF), bit for bit:
input zero points across the range, rows whose sum of squares is 0, 1 or small (LiteRT's special case and the
shift that moves into the multiplier), long rows whose int32 sum of squares wraps as LiteRT's does, and the
fixed output quantization (scale 1/128, zero point 0 for int8, 128 for uint8) that both refuse otherwise.
test_op_coverage.py runs op_coverage.py's general cases."""
import numpy as np
import pytest

from .tflite_graph import check_against_litert, one_op, quant, refused

OUT = {"int8": quant(1 / 128, 0), "uint8": quant(1 / 128, 128)}
ZERO_POINTS = {"int8": [-128, -3, 0, 77, 127], "uint8": [0, 1, 128, 200, 255]}


def _model(dtype, shape, zero_point, out=None, **options):
    return one_op("L2_NORMALIZATION", [(shape, dtype, quant(0.02, zero_point))], [(shape, dtype, out or OUT[dtype])],
                  **options)


@pytest.mark.parametrize("dtype", ["int8", "uint8"])
def test_every_input_zero_point_and_row_length(dtype):
    info = np.iinfo(dtype)
    rng = np.random.default_rng(12)
    for zp in ZERO_POINTS[dtype]:
        for shape in ([3, 1], [2, 5, 9], [4, 64], [1, 3, 2, 700]):
            x = rng.integers(info.min, info.max, shape, endpoint=True).astype(dtype)
            check_against_litert(_model(dtype, shape, zp), [x])


@pytest.mark.parametrize("dtype", ["int8", "uint8"])
def test_small_sums_of_squares(dtype):
    """Rows near the zero point: sums 0 and 1 (LiteRT's multiplier INT32_MAX) up to a few hundred, where the
    inverse square root's shift turns negative and moves into the multiplier."""
    zp = 0 if dtype == "int8" else 128
    rng = np.random.default_rng(3)
    x = (zp + rng.integers(-3, 4, (500, 4))).astype(dtype)
    x[0], x[1], x[2, 0] = zp, zp, zp + 1
    check_against_litert(_model(dtype, [500, 4], zp), [x])


@pytest.mark.parametrize("dtype", ["int8", "uint8"])
def test_sum_of_squares_wraps_like_litert(dtype):
    """255^2 * 140000 exceeds int32: LiteRT's sum wraps; ours wraps the same way (without undefined behaviour)."""
    zp = 127 if dtype == "uint8" else -127
    x = np.full((2, 140000), 255 if dtype == "uint8" else 127, dtype)
    x[:, ::3] = 0 if dtype == "uint8" else -128
    check_against_litert(_model(dtype, [2, 140000], zp), [x])


@pytest.mark.parametrize("dtype,out", [("int8", quant(1 / 128, 5)), ("int8", quant(1 / 64, 0)),
                                       ("uint8", quant(1 / 128, 0)), ("uint8", quant(1 / 256, 128))])
def test_other_output_quantization_is_refused(dtype, out):
    refused(_model(dtype, [2, 4], 0, out), "L2_NORMALIZATION", "scale 1/128 and zero point")


def test_mixed_types_and_int16_are_refused():
    refused(one_op("L2_NORMALIZATION", [([2, 4], "int8", quant(0.02, 0))], [([2, 4], "uint8", OUT["uint8"])]),
            "L2_NORMALIZATION", "supports float32, int8 and uint8")
    refused(one_op("L2_NORMALIZATION", [([2, 4], "int16", quant(0.02, 0))], [([2, 4], "int16", quant(1 / 128, 0))]),
            "L2_NORMALIZATION", "supports float32, int8 and uint8")
