"""LOGISTIC and TANH in the C runtime against LiteRT (BUILTIN_REF) and NumPy on single-op models:
float32 over the whole range (LiteRT's logistic cut-offs at -9 and 16.6 included) and int8 over
all 256 input values for several input quantizations (bit-exact); int16 (LiteRT's reference integer
kernels) over all 65,536 input values for power-of-two and other input scales (bit-exact, and within
a few LSB of the float function); int16 models LiteRT refuses (zero points, output scale) are
refused; an int8 LOGISTIC output scale other than 1/256 is refused as LiteRT refuses it. SOFTMAX int8 ->
int16 is covered by keyword_scrambled in tests/conformance and here on a wider row."""
import numpy as np
import pytest

from .tflite_graph import Model, refused, run_both


def unary_model(op, dtype, shape, in_q=None, out_q=None, out_dtype=None, **options):
    m = Model()
    g = m.subgraph()
    x = g.input("x", shape, dtype, in_q)
    y = g.tensor("y", shape, out_dtype or dtype, out_q)
    g.op(op, [x], [y], **options)
    g.output(y)
    return m.build()


@pytest.mark.parametrize("op,f", [("LOGISTIC", lambda v: 1 / (1 + np.exp(-v))), ("TANH", np.tanh)])
def test_float32(op, f):
    x = np.linspace(-30, 30, 1201, dtype=np.float32).reshape(1, 1201)
    (ours,), (ref,) = run_both(unary_model(op, "float32", [1, 1201]), [x])
    np.testing.assert_allclose(ours, ref, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(ours, f(x.astype(np.float64)), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("op,out_q", [("LOGISTIC", {"scale": [1 / 256], "zero_point": [-128]}),
                                      ("TANH", {"scale": [1 / 128], "zero_point": [0]})])
@pytest.mark.parametrize("in_q", [(0.0388, -2), (0.1, 0), (0.01, 100), (0.5, -128)])
def test_int8_every_value_bit_exact(op, out_q, in_q):
    x = np.arange(-128, 128, dtype=np.int8).reshape(1, 256)
    content = unary_model(op, "int8", [1, 256], {"scale": [in_q[0]], "zero_point": [in_q[1]]}, out_q)
    (ours,), (ref,) = run_both(content, [x])
    np.testing.assert_array_equal(ours, ref)
    f = (lambda v: 1 / (1 + np.exp(-v))) if op == "LOGISTIC" else np.tanh
    want = np.clip(np.round(f(in_q[0] * (x.astype(np.float64) - in_q[1])) / out_q["scale"][0]) + out_q["zero_point"][0],
                   -128, 127)
    assert np.abs(ours.astype(int) - want).max() <= 1  # the float table, checked independently of LiteRT


def test_softmax_int8_to_int16_bit_exact():
    rng = np.random.default_rng(0)
    x = rng.integers(-128, 128, (3, 40)).astype(np.int8)
    content = unary_model("SOFTMAX", "int8", [3, 40], {"scale": [0.07], "zero_point": [2]},
                          {"scale": [1 / 65536], "zero_point": [-32768]}, out_dtype="int16", beta=1.0)
    (ours,), (ref,) = run_both(content, [x])
    np.testing.assert_array_equal(ours, ref)
    e = np.exp(0.07 * (x.astype(np.float64) - x.max(axis=1, keepdims=True)))
    want = e / e.sum(axis=1, keepdims=True) * 65536 - 32768
    assert np.abs(ours - want).max() <= 2


INT16_SCALES = [2.0**-12, 2.0**-11, 2.0**-10, 2.0**-15, 1 / 3000, 0.001, 3.0e-4, 1.0e-5, 1.0e-10, 0.02, 1.0, 5.0]


@pytest.mark.parametrize("op", ["LOGISTIC", "TANH"])
@pytest.mark.parametrize("in_scale", INT16_SCALES)
def test_int16_every_value_bit_exact(op, in_scale):
    x = np.arange(-32768, 32768, dtype=np.int16).reshape(1, 65536)
    out_q = {"scale": [1 / 32768], "zero_point": [0]}
    content = unary_model(op, "int16", [1, 65536], {"scale": [in_scale], "zero_point": [0]}, out_q)
    (ours,), (ref,) = run_both(content, [x])
    np.testing.assert_array_equal(ours, ref)
    f = (lambda v: 0.5 + 0.5 * np.tanh(v / 2)) if op == "LOGISTIC" else np.tanh
    want = f(in_scale * x.astype(np.float64)) * 32768
    assert np.abs(ours - want).max() <= 16  # the fixed-point table, checked independently of LiteRT


@pytest.mark.parametrize("op", ["LOGISTIC", "TANH"])
def test_int16_bad_models_refused(op):
    q = {"scale": [1 / 32768], "zero_point": [0]}
    bad = [({"scale": [0.001], "zero_point": [3]}, q, "zero points 0"),
           (q, {"scale": [1 / 32768], "zero_point": [5]}, "zero points 0"),
           (q, {"scale": [1 / 16384], "zero_point": [0]}, "output scale must be 2\\^-15"),
           ({"scale": [6.0], "zero_point": [0]}, q, "input scale too large")]
    for in_q, out_q, match in bad:
        refused(unary_model(op, "int16", [1, 8], in_q, out_q), op, match)


def test_int8_logistic_output_scale_refused():
    content = unary_model("LOGISTIC", "int8", [1, 8], {"scale": [0.1], "zero_point": [0]},
                          {"scale": [0.01], "zero_point": [-128]})
    refused(content, "LOGISTIC", "1/256")
