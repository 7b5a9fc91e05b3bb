"""The full-integer rewrite on small graphs where its choices show: shared parameters across a
concatenation, re-quantization where a fixed range meets one, a bias too large for int32, float islands,
and signatures that still name the right tensors. LiteRT (reference kernels) is the oracle for outputs."""
import numpy as np
from tensorlite.converter.model import Model, Operator, Signature, Subgraph, Tensor
from tensorlite.converter.writer import write
from tensorlite.quantize import quantize
from tensorlite.runtime import Interpreter

from tests.quantize.helpers import litert_interpreter, run


def _model(build) -> Model:
    sg = Subgraph("main")
    sg.inputs, sg.outputs = build(sg)
    sig = Signature("serving_default", {sg.tensors[i].name: i for i in sg.inputs},
                    {sg.tensors[i].name: i for i in sg.outputs})
    return Model([sg], [sig])


def _t(sg, name, shape, data=None):
    return sg.add_tensor(Tensor(name, "float32" if data is None else data.dtype.name, tuple(shape), data))


def _samples(n, *shapes, lo=-1.0, hi=1.0, seed=0):
    rng = np.random.default_rng(seed)
    return [[rng.uniform(lo, hi, s).astype(np.float32) for s in shapes] for _ in range(n)]


def _ops(model):
    sg = model.subgraphs[0]
    return [(op.opcode, sg.tensors[op.outputs[0]].dtype) for op in sg.operators]


def test_concatenation_shares_parameters_and_requantizes_a_softmax_input():
    def build(sg):
        a, b = _t(sg, "a", (1, 4)), _t(sg, "b", (1, 4))
        s, y = _t(sg, "soft", (1, 4)), _t(sg, "y", (1, 8))
        sg.operators += [Operator("SOFTMAX", [a], [s], {"beta": 1.0}),
                         Operator("CONCATENATION", [s, b], [y], {"axis": 1})]
        return [a, b], [y]
    model = _model(build)
    samples = _samples(12, (1, 4), (1, 4), lo=-3, hi=3)
    q = quantize(model, "int8", samples, strict=True).model
    sg = q.subgraphs[0]
    concat = next(op for op in sg.operators if op.opcode == "CONCATENATION")
    params = {(float(sg.tensors[i].quantization.scale[0]), int(sg.tensors[i].quantization.zero_point[0]))
              for i in concat.inputs + concat.outputs}
    assert len(params) == 1                                   # one set for inputs and output
    softmax = next(op for op in sg.operators if op.opcode == "SOFTMAX")
    assert sg.tensors[softmax.outputs[0]].quantization.scale[0] == np.float32(1 / 256)
    assert [op.opcode for op in sg.operators].count("QUANTIZE") == 3   # two inputs and the requantization
    data = write(q)
    for sample in samples[:3]:
        want = run(litert_interpreter(write(model)), sample)[0]
        got = run(litert_interpreter(data), sample)[0]
        np.testing.assert_array_equal(run(Interpreter(model_content=data), sample)[0], got)
        assert np.abs(got - want).max() < 3 * next(iter(params))[0]


def test_a_bias_too_large_for_int32_widens_the_weight_scale():
    def build(sg):
        x, y = _t(sg, "x", (1, 3)), _t(sg, "y", (1, 2))
        w = _t(sg, "w", (2, 3), np.array([[1e-4, -2e-4, 1e-4], [0.5, 0.25, -0.5]], np.float32))
        b = _t(sg, "b", (2,), np.array([5e3, 0.1], np.float32))
        sg.operators.append(Operator("FULLY_CONNECTED", [x, w, b], [y]))
        return [x], [y]
    model = _model(build)
    samples = _samples(8, (1, 3), lo=-1e-4, hi=1e-4)          # a tiny input scale: 5e3 / (s_in * s_w) overflows
    q = quantize(model, "int8", samples).model
    sg = q.subgraphs[0]
    fc = next(op for op in sg.operators if op.opcode == "FULLY_CONNECTED")
    bias = sg.tensors[fc.inputs[2]]
    assert np.abs(bias.data.astype(np.int64)).max() <= 2**31 - 1
    want = run(litert_interpreter(write(model)), samples[0])[0]
    got = run(litert_interpreter(write(q)), samples[0])[0]
    assert abs(got[0, 0] - want[0, 0]) < 0.01 * 5e3


def test_float_islands_meet_integer_ones_through_explicit_conversions():
    def build(sg):
        x, h, e, y = _t(sg, "x", (1, 6)), _t(sg, "h", (1, 6)), _t(sg, "e", (1, 6)), _t(sg, "y", (1, 6))
        sg.operators += [Operator("RELU", [x], [h]), Operator("EXP", [h], [e]), Operator("ADD", [e, x], [y])]
        return [x], [y]
    model = _model(build)
    samples = _samples(10, (1, 6))
    q = quantize(model, "int8", samples).model
    assert _ops(q) == [("QUANTIZE", "int8"), ("RELU", "int8"), ("DEQUANTIZE", "float32"), ("EXP", "float32"),
                       ("QUANTIZE", "int8"), ("ADD", "int8"), ("DEQUANTIZE", "float32")]
    runner = litert_interpreter(write(q)).get_signature_runner("serving_default")
    out = runner(x=samples[0][0])["y"]
    want = run(litert_interpreter(write(model)), samples[0])[0]
    assert np.abs(out - want).max() < 0.05
    ours = Interpreter(model_content=write(q)).get_signature_runner("serving_default")
    np.testing.assert_array_equal(ours(x=samples[0][0])["y"], out)


def test_integer_io_has_no_conversions_at_the_edges():
    def build(sg):
        x, y = _t(sg, "x", (1, 5)), _t(sg, "y", (1, 5))
        sg.operators.append(Operator("LOGISTIC", [x], [y]))
        return [x], [y]
    q = quantize(_model(build), "int16x8", _samples(5, (1, 5), lo=-4, hi=4), input_type="int16",
                 output_type="int16").model
    assert _ops(q) == [("LOGISTIC", "int16")]
    sg = q.subgraphs[0]
    assert sg.tensors[sg.inputs[0]].dtype == "int16" and sg.tensors[sg.outputs[0]].name == "y"


def test_int16x8_convolutions_without_bias_get_a_zero_int64_one():
    """LiteRT's int16 CONV_2D and DEPTHWISE_CONV_2D refuse a missing bias: the quantizer adds zeros.
    (LiteRT's float kernels refuse one too: the float reference carries explicit zero biases.)"""
    rng = np.random.default_rng(3)
    f_data = rng.normal(0, 0.5, (4, 3, 3, 3)).astype(np.float32)
    d_data = rng.normal(0, 0.5, (1, 3, 3, 4)).astype(np.float32)

    def build(sg, zero_bias):
        x, h, y = _t(sg, "x", (1, 6, 6, 3)), _t(sg, "h", (1, 6, 6, 4)), _t(sg, "y", (1, 6, 6, 4))
        f, d = _t(sg, "f", f_data.shape, f_data), _t(sg, "d", d_data.shape, d_data)
        b = _t(sg, "b", (4,), np.zeros(4, np.float32)) if zero_bias else -1
        conv = dict(padding=0, stride_w=1, stride_h=1, dilation_w_factor=1, dilation_h_factor=1,
                    fused_activation_function=0)
        sg.operators += [Operator("CONV_2D", [x, f, b], [h], conv),
                         Operator("DEPTHWISE_CONV_2D", [h, d, b], [y], {**conv, "depth_multiplier": 1})]
        return [x], [y]
    samples = _samples(10, (1, 6, 6, 3))
    q = quantize(_model(lambda sg: build(sg, False)), "int16x8", samples, strict=True).model
    sg = q.subgraphs[0]
    for op in sg.operators:
        if op.opcode in ("CONV_2D", "DEPTHWISE_CONV_2D"):
            bias = sg.tensors[op.inputs[2]]
            assert bias.dtype == "int64" and not np.any(bias.data) and bias.shape == (4,)
    data, reference = write(q), write(_model(lambda sg: build(sg, True)))
    for sample in samples[:3]:
        want = run(litert_interpreter(reference), sample)[0]
        got = run(litert_interpreter(data), sample)[0]          # LiteRT loads and runs it
        np.testing.assert_array_equal(run(Interpreter(model_content=data), sample)[0], got)
        assert np.abs(got - want).max() < 0.01 * np.abs(want).max()
