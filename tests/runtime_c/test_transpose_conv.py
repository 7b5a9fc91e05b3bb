"""TRANSPOSE_CONV in the C runtime against LiteRT (BUILTIN_REF) on single-op models: float32, int8
with per-channel weights and int16x8 (int64 and int32 bias), SAME and VALID padding, strides 1-3,
with and without bias and fused activation. The seanet int16x8 corpus models are in
tests/conformance. A shape the strides cannot produce, or an output_shape input naming another
shape, is refused with the op named."""
import numpy as np
import pytest
from tensorlite.runtime import Interpreter

from tests.litert import litert_interpreter

from .tflite_graph import Model, refused

QUANT = {"int8": ({"scale": [0.05], "zero_point": [3]}, {"scale": [0.2], "zero_point": [-5]}),
         "int16": ({"scale": [0.001], "zero_point": [0]}, {"scale": [0.004], "zero_point": [0]})}


def tconv_model(rng, dtype, in_hw, k, stride, padding, out_hw, bias=True, act="NONE", bias_dtype=None,
                in_c=3, out_c=4, shape_input=False):
    m = Model()
    g = m.subgraph()
    out_shape = [2, *out_hw, out_c]
    if dtype == "float32":
        wq = iq = oq = None
        w = rng.standard_normal((out_c, k[0], k[1], in_c)).astype(np.float32)
        b = rng.standard_normal(out_c).astype(np.float32)
    else:
        iq, oq = QUANT[dtype]
        wscale = list(rng.uniform(0.005, 0.02, out_c))
        wq = {"scale": wscale, "zero_point": [0] * out_c}
        w = rng.integers(-127, 128, (out_c, k[0], k[1], in_c)).astype(np.int8)
        bias_dtype = bias_dtype or ("int32" if dtype == "int8" else "int64")
        b = rng.integers(-2000, 2000, out_c).astype(bias_dtype)
    shape = g.input("output_shape", [4], "int32") if shape_input else g.const("output_shape", np.int32(out_shape))
    wt = g.const("w", w, wq)
    x = g.input("x", [2, *in_hw, in_c], dtype, iq)
    inputs = [shape, wt, x]
    if bias:
        bq = None if dtype == "float32" else {"scale": [iq["scale"][0] * s for s in wq["scale"]],
                                             "zero_point": [0] * out_c}
        inputs.append(g.const("b", b, bq))
    y = g.tensor("y", out_shape, dtype, oq)
    opts = {"padding": {"SAME": 0, "VALID": 1}[padding], "strideH": stride[0], "strideW": stride[1]}
    if bias and dtype == "int16" and bias_dtype == "int32":
        opts["quantizedBiasType"] = 2  # LiteRT reads the bias type from this option (default: int64)
    if act != "NONE":
        opts["fusedActivationFunction"] = {"RELU": 1, "RELU6": 3}[act]
    g.op("TRANSPOSE_CONV", inputs, [y], **opts)
    g.output(y)
    return m.build(), out_shape


def _feed(rng, d):
    if d["dtype"] == np.float32:
        return rng.standard_normal(d["shape"]).astype(np.float32)
    info = np.iinfo(d["dtype"])
    return rng.integers(info.min, info.max, d["shape"], endpoint=True).astype(d["dtype"])


def _both(content, feeds):
    outs = []
    for it in (Interpreter(model_content=content), litert_interpreter(content)):
        it.allocate_tensors()
        for d in it.get_input_details():
            it.set_tensor(d["index"], feeds[d["name"]])
        it.invoke()
        outs.append(it.get_tensor(it.get_output_details()[0]["index"]))
    return outs


CASES = [((4, 5), (3, 3), (2, 2), "SAME", (8, 10)), ((4, 5), (3, 3), (2, 2), "VALID", (9, 11)),
         ((3, 3), (2, 4), (1, 1), "SAME", (3, 3)), ((3, 2), (3, 2), (3, 2), "VALID", (9, 4)),
         ((2, 3), (5, 5), (2, 3), "SAME", (4, 9))]


@pytest.mark.parametrize("dtype", ["float32", "int8", "int16"])
@pytest.mark.parametrize("case", range(len(CASES)))
@pytest.mark.parametrize("bias,act", [(True, "NONE"), (False, "NONE"), (True, "RELU")])
def test_transpose_conv_matches_litert(dtype, case, bias, act):
    rng = np.random.default_rng(case * 7 + len(dtype))
    in_hw, k, stride, padding, out_hw = CASES[case]
    content, out_shape = tconv_model(rng, dtype, in_hw, k, stride, padding, out_hw, bias=bias, act=act)
    feeds = {"x": _feed(rng, {"dtype": np.dtype(dtype), "shape": [2, *in_hw, 3]})}
    ours, ref = _both(content, feeds)
    assert ours.shape == tuple(out_shape)
    if dtype == "float32":
        np.testing.assert_allclose(ours, ref, rtol=1e-5, atol=1e-5)
    else:
        np.testing.assert_array_equal(ours, ref)  # bit-exact


def test_int16_with_int32_bias_and_shape_input():
    rng = np.random.default_rng(1)
    content, out_shape = tconv_model(rng, "int16", (4, 5), (3, 3), (2, 2), "SAME", (8, 10), bias_dtype="int32",
                                     shape_input=True)
    feeds = {"x": _feed(rng, {"dtype": np.dtype(np.int16), "shape": [2, 4, 5, 3]}),
             "output_shape": np.int32(out_shape)}
    ours, ref = _both(content, feeds)
    np.testing.assert_array_equal(ours, ref)
    it = Interpreter(model_content=content)
    it.allocate_tensors()
    it.set_tensor(it.get_input_details()[1]["index"], feeds["x"])
    it.set_tensor(it.get_input_details()[0]["index"], np.int32([2, 9, 10, 4]))
    with pytest.raises(RuntimeError, match=r"node 0 \(TRANSPOSE_CONV\): .*output_shape"):
        it.invoke()


def test_shape_the_strides_cannot_produce_is_refused():
    rng = np.random.default_rng(2)
    content, _ = tconv_model(rng, "float32", (4, 5), (3, 3), (2, 2), "SAME", (7, 13))
    refused(content, "TRANSPOSE_CONV", "shape")
