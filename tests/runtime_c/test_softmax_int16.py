"""SOFTMAX int16 -> int16 in the C runtime against LiteRT (BUILTIN_REF), bit-exact: LiteRT's exp and 1/(1 + x)
tables built at prepare, over 6 input scales (rows spanning far more than the tables' [-10, 0] and rows within
a fraction of one unit), 3 betas and 5 shapes (one-element rows, 1,000-wide rows), rows of equal values and
every extreme; and the models prepare refuses, as LiteRT does (zero points, output scale) or where LiteRT's
int32 arithmetic would overflow."""
import numpy as np
import pytest

from .tflite_graph import one_op, quant, random_values, refused, run_both

OUT = quant(1 / 32768, 0)


@pytest.mark.parametrize("s_in", [1e-3, 8 / 32768, 3e-4, 1e-5, 0.01, 3e-3])
@pytest.mark.parametrize("beta", [1.0, 0.5, 2.0])
@pytest.mark.parametrize("shape", [(4, 10), (2, 3, 7), (1, 256), (5, 1), (16, 1000)])
def test_int16_bit_exact(s_in, beta, shape):
    x = random_values(np.random.default_rng(shape[-1]), "int16", shape)
    x.reshape(-1, shape[-1])[0, :2] = [-32768, 32767][:shape[-1]]
    if shape[0] > 2:
        x.reshape(-1, shape[-1])[1] = x.reshape(-1, shape[-1])[1, 0]  # a row of equal values
    content = one_op("SOFTMAX", [(shape, "int16", quant(s_in, 0))], [(shape, "int16", OUT)], beta=beta)
    ours, ref = run_both(content, [x])
    np.testing.assert_array_equal(ours[0], ref[0])


def test_output_scale_within_litert_tolerance():
    content = one_op("SOFTMAX", [((2, 9), "int16", quant(1e-3, 0))], [((2, 9), "int16", quant(1.0005 / 32768, 0))],
                     beta=1.0)
    x = random_values(np.random.default_rng(0), "int16", (2, 9))
    ours, ref = run_both(content, [x])
    np.testing.assert_array_equal(ours[0], ref[0])


def test_bad_models_refused():
    x = ((2, 4), "int16", quant(1e-3, 0))
    refused(one_op("SOFTMAX", [((2, 4), "int16", quant(1e-3, 5))], [((2, 4), "int16", OUT)], beta=1.0), "SOFTMAX",
            "input must have zero point 0")
    refused(one_op("SOFTMAX", [x], [((2, 4), "int16", quant(1 / 32768, 3))], beta=1.0), "SOFTMAX",
            "scale 1/32768, zero point 0")
    refused(one_op("SOFTMAX", [x], [((2, 4), "int16", quant(1 / 65536, 0))], beta=1.0), "SOFTMAX",
            "scale 1/32768, zero point 0")
    refused(one_op("SOFTMAX", [((2, 4), "int16", quant(10.0, 0))], [((2, 4), "int16", OUT)], beta=1.0), "SOFTMAX",
            "too large")
    refused(one_op("SOFTMAX", [x], [((2, 4), "int16", OUT)], beta=-1.0), "SOFTMAX", "beta must be positive")
    refused(one_op("SOFTMAX", [((1, 70000), "int16", quant(1e-3, 0))], [((1, 70000), "int16", OUT)], beta=1.0),
            "SOFTMAX", "overflow the int32 sum")
    refused(one_op("SOFTMAX", [x], [((2, 4), "int8", quant(1 / 256, -128))], beta=1.0), "SOFTMAX",
            "supports float32, int8, int8 -> int16, int16 and uint8")
    refused(one_op("SOFTMAX", [((2, 4), "uint8", quant(0.1, 128))], [((2, 4), "uint8", quant(1 / 256, 5))],
                   beta=1.0), "SOFTMAX", "uint8 softmax output must have scale 1/256, zero point 0")
