"""DEPTHWISE_CONV_2D int16x8 in the C runtime against LiteRT (BUILTIN_REF), bit-exact: int16 input and output
(zero point 0), int8 weights with per-channel (or one) scale, int64 bias, over SAME and VALID padding, strides,
dilations, depth multipliers 1 to 3, batches, every fused activation and outputs that saturate; no bias (which
LiteRT's int16 kernel refuses) as a zero bias; and the models prepare refuses (as LiteRT: int32 bias, non-zero
int16 zero points)."""
import math

import numpy as np
import pytest

import tensorlite as tl
from tests.litert import litert_interpreter, run

from .tflite_graph import edit_model, one_op, quant, refused, run_both

# (batch, h, w, in_c, multiplier, kh, kw, stride, dilation, padding, input scale, weight scales, output scale)
CASES = [(1, 5, 5, 4, 1, 3, 3, 1, 1, 0, 1e-3, [0.01], 0.01),
         (2, 6, 7, 2, 2, 3, 3, 2, 1, 1, 5e-4, [0.01, 0.02, 0.005, 0.03], 3e-3),
         (1, 8, 8, 3, 1, 3, 3, 1, 2, 0, 2e-3, [0.02, 0.01, 0.04], 0.05),
         (1, 4, 4, 2, 3, 2, 2, 1, 1, 0, 0.01, [0.1, 0.05, 0.02, 0.2, 0.1, 0.01], 0.5),
         (1, 9, 6, 5, 1, 5, 3, 2, 1, 0, 3e-4, [0.015] * 5, 2e-3),
         (1, 3, 3, 2, 1, 3, 3, 1, 1, 0, 0.01, [0.1, 0.2], 0.2)]  # saturates in part


def _model(case, act=0, bias=True, seed=0):
    n, h, w, c, m, kh, kw, stride, dil, pad, s_in, w_scales, s_out = case
    rng = np.random.default_rng(seed)
    oc = c * m
    scales = list(np.resize(np.asarray(w_scales, np.float64), oc))
    consts = {1: (rng.integers(-127, 128, (1, kh, kw, oc)).astype(np.int8),
                  {"scale": scales, "zero_point": [0] * oc, "quantized_dimension": 3})}
    if bias:
        consts[2] = (rng.integers(-2 ** 24, 2 ** 24, oc).astype(np.int64),
                     {"scale": [s_in * s for s in scales], "zero_point": [0] * oc})
    if pad == 0:  # SAME
        oh, ow = math.ceil(h / stride), math.ceil(w / stride)
    else:
        oh, ow = (h - dil * (kh - 1) - 1) // stride + 1, (w - dil * (kw - 1) - 1) // stride + 1
    content = one_op("DEPTHWISE_CONV_2D", [((n, h, w, c), "int16", quant(s_in, 0)), None, None],
                     [((n, oh, ow, oc), "int16", quant(s_out, 0))], consts=consts, padding=pad, stride_w=stride,
                     stride_h=stride, depth_multiplier=m, dilation_w_factor=dil, dilation_h_factor=dil,
                     fused_activation_function=act)
    x = rng.integers(-32768, 32768, (n, h, w, c)).astype(np.int16)
    x.flat[:2] = [-32768, 32767]
    return content, x


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("act", [0, 1, 2, 3])
def test_int16x8_bit_exact(case, act):
    content, x = _model(case, act)
    ours, ref = run_both(content, [x])
    np.testing.assert_array_equal(ours[0], ref[0])
    assert act or len(np.unique(ref[0])) > 2  # not all clipped


@pytest.mark.parametrize("case", CASES[:3])
def test_no_bias_as_zero_bias(case):
    """LiteRT's int16 kernel requires a bias; ours takes none as zeros."""
    content, x = _model(case, bias=False)
    def zero_bias(m):
        b = m.buffers[m.subgraphs[0].tensors[2].buffer]
        b.data = np.zeros_like(b.data)
    zero = edit_model(_model(case)[0], zero_bias)
    ours = run(tl.lite.Interpreter(model_content=content), [x])[0]
    np.testing.assert_array_equal(ours, run(litert_interpreter(zero), [x])[0])


def test_bad_models_refused():
    f = {1: (np.ones((1, 3, 3, 2), np.int8), {"scale": [0.01, 0.01], "zero_point": [0, 0], "quantized_dimension": 3})}
    x16, y16 = ((1, 4, 4, 2), "int16", quant(0.01, 0)), ((1, 4, 4, 2), "int16", quant(0.1, 0))
    opts = dict(padding=0, stride_w=1, stride_h=1, depth_multiplier=1)
    refused(one_op("DEPTHWISE_CONV_2D", [x16, None, None], [y16],
                   consts={**f, 2: (np.zeros(2, np.int32), quant(1e-4, 0))}, **opts),
            "DEPTHWISE_CONV_2D", "int16x8 needs int64 bias")
    refused(one_op("DEPTHWISE_CONV_2D", [((1, 4, 4, 2), "int16", quant(0.01, 3)), None, None], [y16], consts=f,
                   **opts), "DEPTHWISE_CONV_2D", "zero point 0")
    refused(one_op("DEPTHWISE_CONV_2D", [x16, None, None], [((1, 4, 4, 2), "int16", quant(0.1, -2))], consts=f,
                   **opts), "DEPTHWISE_CONV_2D", "zero point 0")
    refused(one_op("DEPTHWISE_CONV_2D", [x16, None, None], [((1, 4, 4, 2), "int8", quant(0.1, 0))], consts=f,
                   **opts), "DEPTHWISE_CONV_2D", "supports float32, int8, int16x8")
