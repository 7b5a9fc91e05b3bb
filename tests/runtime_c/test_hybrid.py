"""Hybrid (dynamic-range) FULLY_CONNECTED, CONV_2D and DEPTHWISE_CONV_2D in the C runtime: float32
input and output, int8 weights (per-tensor and per-channel scales), float32 bias, against LiteRT's
reference kernels (BUILTIN_REF) on one-op models (rtol 1e-5). Both quantize each batch row of the
input at run time the same way (FULLY_CONNECTED: symmetric, or asymmetric with
asymmetric_quantize_inputs; CONV_2D: symmetric with one filter scale, asymmetric with per-channel
scales or groups; DEPTHWISE_CONV_2D: asymmetric)."""
import numpy as np
import pytest

import tensorlite as tl

from .tflite_graph import check_against_litert, one_op, refused, run_both


def _weights(rng, shape, axis, per_channel):
    w = rng.standard_normal(shape).astype(np.float32)
    if per_channel:
        other = tuple(i for i in range(len(shape)) if i != axis)
        scale = np.abs(w).max(axis=other) / 127 + 1e-6
        q = np.round(w / np.expand_dims(scale, other)).clip(-127, 127).astype(np.int8)
        quant = {"scale": scale.tolist(), "zero_point": [0] * len(scale), "quantized_dimension": axis}
    else:
        scale = float(np.abs(w).max() / 127)
        q = np.round(w / scale).clip(-127, 127).astype(np.int8)
        quant = {"scale": [scale], "zero_point": [0]}
    return q, quant


def _input(rng, shape, kind):
    x = rng.standard_normal(shape).astype(np.float32) * 3
    if kind == "positive":
        x = np.abs(x) + 0.5
    elif kind == "negative":
        x = -np.abs(x) - 0.5
    elif kind == "zeros":
        x[:] = 0
    elif kind == "zero_row":
        x[0] = 0
    return x


@pytest.mark.parametrize("asym", [False, True])
@pytest.mark.parametrize("per_channel", [False, True])
@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("act", [0, 1, 3])
@pytest.mark.parametrize("in_shape,units", [((1, 16), 8), ((3, 40), 5), ((2, 3, 7), 4), ((4, 300), 33)])
@pytest.mark.parametrize("kind", ["normal", "positive", "negative", "zero_row"])
def test_fully_connected(asym, per_channel, bias, act, in_shape, units, kind):
    rng = np.random.default_rng(units * 7 + len(in_shape) + per_channel)
    depth = in_shape[-1]
    w, wq = _weights(rng, (units, depth), 0, per_channel)
    b = rng.standard_normal(units).astype(np.float32)
    out_shape = (int(np.prod(in_shape[:-1])), units)
    content = one_op("FULLY_CONNECTED", [(in_shape, "float32"), None, None],
                     [(out_shape, "float32")], consts={1: (w, wq), **({2: b} if bias else {})},
                     fused_activation_function=act, asymmetric_quantize_inputs=asym)
    check_against_litert(content, [_input(rng, in_shape, kind)], rtol=1e-5, atol=1e-5)


CONV_CASES = [  # input NHWC, filter (out_c, kh, kw, in_c / groups), stride, dilation, padding
    ((1, 6, 6, 3), (4, 3, 3, 3), 1, 1, 0), ((2, 7, 5, 2), (3, 3, 2, 2), 2, 1, 1),
    ((1, 8, 8, 4), (6, 3, 3, 4), 1, 2, 0), ((2, 5, 5, 6), (4, 1, 1, 3), 1, 1, 1),  # 2 groups
    ((1, 9, 9, 8), (8, 3, 3, 8), 2, 1, 0), ((3, 4, 4, 5), (2, 4, 4, 5), 1, 1, 1)]


def _conv_out(in_shape, f_shape, stride, dil, padding):
    n, h, w, _ = in_shape
    eff_h, eff_w = (f_shape[1] - 1) * dil + 1, (f_shape[2] - 1) * dil + 1
    if padding == 0:  # SAME
        return n, -(-h // stride), -(-w // stride)
    return n, (h - eff_h) // stride + 1, (w - eff_w) // stride + 1


@pytest.mark.parametrize("case", CONV_CASES)
@pytest.mark.parametrize("scales", ["per_tensor", "per_channel", "per_channel_equal"])
@pytest.mark.parametrize("bias", ["zeros", "random"])  # LiteRT's CONV_2D needs a bias
@pytest.mark.parametrize("act", [0, 1])
@pytest.mark.parametrize("kind", ["normal", "positive", "zero_row"])
def test_conv_2d(case, scales, bias, act, kind):
    in_shape, f_shape, stride, dil, padding = case
    groups = in_shape[3] // f_shape[3]
    rng = np.random.default_rng(sum(f_shape) + stride)
    w, wq = _weights(rng, f_shape, 0, scales != "per_tensor")
    if scales == "per_channel_equal":
        wq["scale"] = [wq["scale"][0]] * f_shape[0]
    b = rng.standard_normal(f_shape[0]).astype(np.float32) * (bias == "random")
    out_shape = (*_conv_out(in_shape, f_shape, stride, dil, padding), f_shape[0])
    content = one_op("CONV_2D", [(in_shape, "float32"), None, None], [(out_shape, "float32")],
                     consts={1: (w, wq), 2: b}, padding=padding, stride_w=stride,
                     stride_h=stride, dilation_w_factor=dil, dilation_h_factor=dil, fused_activation_function=act)
    x = _input(rng, in_shape, kind)
    if groups > 1 and scales == "per_tensor":
        # LiteRT refuses a grouped hybrid conv with one filter scale; ours uses it for every
        # channel: compare with LiteRT given the same scale once per output channel.
        wq_equal = {**wq, "scale": wq["scale"] * f_shape[0], "zero_point": [0] * f_shape[0]}
        equal = one_op("CONV_2D", [(in_shape, "float32"), None, None], [(out_shape, "float32")],
                       consts={1: (w, wq_equal), 2: b}, padding=padding, stride_w=stride, stride_h=stride,
                       dilation_w_factor=dil, dilation_h_factor=dil, fused_activation_function=act)
        it = tl.lite.Interpreter(model_content=content)
        it.allocate_tensors()
        it.set_tensor(it.get_input_details()[0]["index"], x)
        it.invoke()
        ours = it.get_tensor(it.get_output_details()[0]["index"])
        np.testing.assert_allclose(ours, run_both(equal, [x])[1][0], rtol=1e-5, atol=1e-5)
        return
    check_against_litert(content, [x], rtol=1e-5, atol=1e-5)


DW_CASES = [((1, 6, 6, 3), 1, (3, 3), 1, 1, 0), ((2, 7, 5, 2), 3, (3, 2), 2, 1, 1),
            ((1, 8, 8, 4), 2, (3, 3), 1, 2, 0), ((3, 5, 5, 8), 1, (5, 5), 2, 1, 0)]


@pytest.mark.parametrize("case", DW_CASES)
@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("act", [0, 3])
@pytest.mark.parametrize("kind", ["normal", "negative", "zero_row"])
def test_depthwise_conv_2d(case, bias, act, kind):
    in_shape, mult, (kh, kw), stride, dil, padding = case
    out_c = in_shape[3] * mult
    rng = np.random.default_rng(out_c + kh + stride)
    w, wq = _weights(rng, (1, kh, kw, out_c), 3, True)
    b = rng.standard_normal(out_c).astype(np.float32)
    out_shape = (*_conv_out(in_shape, (out_c, kh, kw), stride, dil, padding), out_c)
    content = one_op("DEPTHWISE_CONV_2D", [(in_shape, "float32"), None] + [None] * bias, [(out_shape, "float32")],
                     consts={1: (w, wq), **({2: b} if bias else {})}, padding=padding, stride_w=stride,
                     stride_h=stride, dilation_w_factor=dil, dilation_h_factor=dil, depth_multiplier=mult,
                     fused_activation_function=act)
    check_against_litert(content, [_input(rng, in_shape, kind)], rtol=1e-5, atol=1e-5)


def test_all_zero_input_gives_bias():
    rng = np.random.default_rng(0)
    w, wq = _weights(rng, (3, 5), 0, True)
    b = np.array([1.5, -2.0, 0.25], np.float32)
    for asym in (False, True):
        content = one_op("FULLY_CONNECTED", [((2, 5), "float32"), None, None], [((2, 3), "float32")],
                         consts={1: (w, wq), 2: b}, asymmetric_quantize_inputs=asym)
        ours, ref = run_both(content, [np.zeros((2, 5), np.float32)])
        np.testing.assert_array_equal(ours[0], np.tile(b, (2, 1)))
        np.testing.assert_array_equal(ref[0], ours[0])


def test_non_finite_inputs_are_safe():
    """inf and NaN inputs must not reach an undefined float-to-int conversion (the sanitizer
    builds check that); the results are not compared."""
    rng = np.random.default_rng(1)
    w, wq = _weights(rng, (3, 4), 0, False)
    for asym in (False, True):
        content = one_op("FULLY_CONNECTED", [((3, 4), "float32"), None], [((3, 3), "float32")],
                         consts={1: (w, wq)}, asymmetric_quantize_inputs=asym)
        it = tl.lite.Interpreter(model_content=content)
        it.allocate_tensors()
        x = np.array([[np.inf, 1, 2, 3], [np.nan, 1, -np.inf, 0], [3e38, -3e38, 1e-45, 0]], np.float32)
        it.set_tensor(it.get_input_details()[0]["index"], x)
        it.invoke()


def test_bad_hybrid_models_refused():
    w = np.ones((3, 4), np.int8)
    fc = [((2, 4), "float32"), None, None]
    refused(one_op("FULLY_CONNECTED", fc, [((2, 3), "float32")], consts={1: (w, {"scale": [0.1], "zero_point": [3]})}),
            "FULLY_CONNECTED", "zero point 0")
    two = {"scale": [0.1, 0.2], "zero_point": [0, 0]}
    refused(one_op("FULLY_CONNECTED", fc, [((2, 3), "float32")], consts={1: (w, two)}),
            "FULLY_CONNECTED", "per-channel weight scales")
    refused(one_op("FULLY_CONNECTED", fc, [((2, 3), "float32")], consts={1: w}), "FULLY_CONNECTED", "without scale")
    refused(one_op("FULLY_CONNECTED", fc, [((2, 3), "float32")],
                   consts={1: (w, {"scale": [0.1], "zero_point": [0]}), 2: np.zeros(3, np.int32)}),
            "FULLY_CONNECTED", "float32 bias")
    f = np.ones((2, 3, 3, 2), np.int8)
    refused(one_op("CONV_2D", [((1, 5, 5, 2), "float32"), None], [((1, 5, 5, 2), "float32")],
                   consts={1: (f, {"scale": [0.1, 0.1, 0.1], "zero_point": [0, 0, 0]})}), "CONV_2D", "per-channel")
    d = np.ones((1, 3, 3, 4), np.int8)
    refused(one_op("DEPTHWISE_CONV_2D", [((1, 5, 5, 2), "float32"), None], [((1, 5, 5, 4), "float32")],
                   consts={1: (d, {"scale": [0.1] * 4, "zero_point": [0] * 4, "quantized_dimension": 0})}),
            "DEPTHWISE_CONV_2D", "per-channel")
