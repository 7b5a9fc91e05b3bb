"""QUANTIZE and DEQUANTIZE with uint8 (TensorFlow's uint8 model inputs and outputs) in the C runtime against
LiteRT (BUILTIN_REF), bit-exact: uint8 -> int8 / uint8 / int16 and int8 -> uint8 requantization over every
input value for several scales and zero points (the 128 shift TensorFlow uses included), float32 -> uint8 and
uint8 -> float32; float32 -> int8 / uint8 / int16 on edge values (NaN, infinities, beyond int32, half steps),
where LiteRT's int32 conversion gives INT32_MIN and adds the zero point wrapping; and the conversions LiteRT
refuses, refused."""
import numpy as np
import pytest

from .tflite_graph import one_op, quant, refused, run_both

EVERY = {"uint8": np.arange(256, dtype=np.uint8).reshape(4, 64),
         "int8": np.arange(-128, 128, dtype=np.int8).reshape(4, 64)}
# (input type, output type, input scale, input zp, output scale, output zp)
REQUANT = [("uint8", "int8", 0.1, 128, 0.1, 0), ("uint8", "int8", 0.1, 3, 0.05, -7),
           ("uint8", "int8", 0.02, 200, 0.3, 100), ("uint8", "int8", 1 / 255, 0, 1 / 255, -128),
           ("uint8", "uint8", 0.1, 3, 0.07, 250), ("uint8", "uint8", 0.5, 128, 0.5, 128),
           ("uint8", "int16", 0.1, 128, 0.001, 0), ("uint8", "int16", 0.003, 0, 3e-5, 0),
           ("int8", "uint8", 0.1, 0, 0.1, 128), ("int8", "uint8", 0.05, -20, 0.11, 7),
           ("int8", "uint8", 0.02, 127, 0.01, 255)]


@pytest.mark.parametrize("src,dst,s_in,z_in,s_out,z_out", REQUANT)
def test_requantize_every_value_bit_exact(src, dst, s_in, z_in, s_out, z_out):
    content = one_op("QUANTIZE", [((4, 64), src, quant(s_in, z_in))], [((4, 64), dst, quant(s_out, z_out))])
    ours, ref = run_both(content, [EVERY[src]])
    assert ours[0].dtype == np.dtype(dst)
    np.testing.assert_array_equal(ours[0], ref[0])


EDGES = np.array([np.nan, np.inf, -np.inf, 3e9, -3e9, 2147483520.0, -2147483648.0, 1e38, -1e38, 0.0, -0.0], np.float32)


@pytest.mark.parametrize("dst,scale,zp", [("uint8", 0.1, 128), ("uint8", 1 / 255, 0), ("uint8", 0.3, 17),
                                          ("int8", 0.05, -5), ("int8", 0.05, 5), ("int8", 1.0, 0),
                                          ("int16", 0.001, 0), ("int16", 1.0, -3)])
def test_float_to_integer_bit_exact(dst, scale, zp):
    rng = np.random.default_rng(1)
    x = (rng.standard_normal((6, 32)) * 200 * scale).astype(np.float32)
    x.flat[:EDGES.size] = EDGES
    x.flat[EDGES.size:EDGES.size + 6] = np.array([0.5, -0.5, 1.5, -1.5, 2.5, -2.5], np.float32) * np.float32(scale)
    content = one_op("QUANTIZE", [((6, 32), "float32")], [((6, 32), dst, quant(scale, zp))])
    ours, ref = run_both(content, [x])
    np.testing.assert_array_equal(ours[0], ref[0])


@pytest.mark.parametrize("scale,zp", [(0.1, 128), (1 / 255, 0), (0.3, 17), (1e-4, 255)])
def test_uint8_dequantize_bit_exact(scale, zp):
    content = one_op("DEQUANTIZE", [((4, 64), "uint8", quant(scale, zp))], [((4, 64), "float32")])
    ours, ref = run_both(content, [EVERY["uint8"]])
    np.testing.assert_array_equal(ours[0], ref[0])


@pytest.mark.parametrize("src,dst", [("int16", "uint8"), ("int32", "uint8"), ("uint8", "int32")])
def test_conversions_litert_lacks_refused(src, dst):
    refused(one_op("QUANTIZE", [((2, 3), src, quant(0.1, 0))], [((2, 3), dst, quant(0.1, 0))]), "QUANTIZE",
            "QUANTIZE supports")


def test_bad_uint8_parameters_refused():
    refused(one_op("QUANTIZE", [((2, 3), "float32")], [((2, 3), "uint8", quant(0.1, 256))]), "QUANTIZE",
            "zero point outside")
    refused(one_op("DEQUANTIZE", [((2, 3), "uint8", quant(0.0, 0))], [((2, 3), "float32")]), "DEQUANTIZE",
            "scale is not a positive")
