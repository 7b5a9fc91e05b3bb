"""tests/runtime_c/op_coverage.py's cases for CONV_3D and CONV_3D_TRANSPOSE: float32 only, as LiteRT's reference
kernels; shapes, SAME/VALID padding, strides and dilations per axis, with or without bias, fused activations.
The output shape follows TFLite's padding rules (common/window.h): written here from the definitions."""
from __future__ import annotations

import zlib

import numpy as np

from tests.runtime_c.tflite_graph import Model

PADDING = {"SAME": 0, "VALID": 1}
# (input NDHWC, filter kd kh kw, output channels, padding, strides d h w, dilations d h w, activation, bias)
CONV3D_CASES = [([1, 4, 5, 6, 2], [2, 3, 3], 3, "VALID", [1, 1, 1], [1, 1, 1], 0, True),
                ([2, 5, 6, 4, 3], [3, 2, 3], 4, "SAME", [2, 1, 2], [1, 1, 1], 1, True),
                ([1, 6, 5, 5, 1], [2, 2, 2], 2, "SAME", [1, 2, 1], [2, 1, 2], 0, False),
                ([1, 3, 4, 4, 4], [1, 1, 1], 5, "VALID", [1, 1, 1], [1, 1, 1], 3, True),
                ([1, 7, 6, 5, 2], [3, 3, 2], 2, "VALID", [2, 2, 1], [1, 2, 1], 2, True)]


def _rng(*key) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def _out(size, k, stride, dilation, padding):
    eff = (k - 1) * dilation + 1
    return -(-size // stride) if padding == "SAME" else (size - eff) // stride + 1


def _conv3d(k, shape, kernel, out_c, padding, strides, dilations, act, bias):
    rng = _rng("CONV_3D", k)
    m = Model()
    g = m.subgraph()
    x = g.input("x", shape, "float32")
    f = g.const("filter", rng.standard_normal(kernel + [shape[4], out_c]).astype(np.float32))
    b = g.const("bias", rng.standard_normal(out_c).astype(np.float32)) if bias else -1
    spatial = [_out(shape[1 + i], kernel[i], strides[i], dilations[i], padding) for i in range(3)]
    y = g.tensor("y", [shape[0], *spatial, out_c], "float32")
    g.op("CONV_3D", [x, f, b], [y], padding=PADDING[padding], stride_d=strides[0], stride_h=strides[1],
         stride_w=strides[2], dilation_d_factor=dilations[0], dilation_h_factor=dilations[1],
         dilation_w_factor=dilations[2], fused_activation_function=act)
    g.output(y)
    return m.build(), [rng.standard_normal(shape).astype(np.float32)]


# CONV_3D_TRANSPOSE: (input NDHWC, filter kd kh kw, output channels, padding, strides, dilations, activation, bias,
# output_shape constant); the output's spatial size is the one a forward convolution maps back to the input.
TRANSPOSE_CASES = [([1, 3, 4, 3, 2], [2, 3, 3], 3, "SAME", [1, 1, 1], [1, 1, 1], 0, True, True),
                   ([2, 2, 3, 3, 3], [3, 3, 2], 2, "SAME", [2, 2, 2], [1, 1, 1], 1, False, True),
                   ([1, 3, 3, 2, 2], [2, 2, 3], 4, "VALID", [2, 1, 2], [1, 1, 1], 0, True, False),
                   ([1, 2, 3, 3, 1], [2, 2, 2], 2, "VALID", [1, 1, 1], [2, 2, 1], 3, True, True)]


def _transpose_out(size, k, stride, dilation, padding):
    eff = (k - 1) * dilation + 1
    return size * stride if padding == "SAME" else (size - 1) * stride + eff


def _conv3d_transpose(k, shape, kernel, out_c, padding, strides, dilations, act, bias, const_shape):
    rng = _rng("CONV_3D_TRANSPOSE", k)
    m = Model()
    g = m.subgraph()
    spatial = [_transpose_out(shape[1 + i], kernel[i], strides[i], dilations[i], padding) for i in range(3)]
    out_shape = np.array([shape[0], *spatial, out_c], np.int32)
    s = g.const("output_shape", out_shape) if const_shape else g.input("output_shape", [5], "int32")
    f = g.const("filter", rng.standard_normal(kernel + [out_c, shape[4]]).astype(np.float32))
    x = g.input("x", shape, "float32")
    b = g.const("bias", rng.standard_normal(out_c).astype(np.float32)) if bias else -1
    y = g.tensor("y", list(out_shape), "float32")
    g.op("CONV_3D_TRANSPOSE", [s, f, x, b], [y], padding=PADDING[padding], stride_d=strides[0],
         stride_h=strides[1], stride_w=strides[2], dilation_d_factor=dilations[0], dilation_h_factor=dilations[1],
         dilation_w_factor=dilations[2], fused_activation_function=act)
    g.output(y)
    feeds = ([] if const_shape else [out_shape]) + [rng.standard_normal(shape).astype(np.float32)]
    return m.build(), feeds


def _cases(name, dtype):
    if dtype != "float32":
        return []
    if name == "CONV_3D":
        return [_conv3d(k, *c) for k, c in enumerate(CONV3D_CASES)]
    return [_conv3d_transpose(k, *c) for k, c in enumerate(TRANSPOSE_CASES)]


CASES = {name: (lambda dtype, name=name: _cases(name, dtype)) for name in ("CONV_3D", "CONV_3D_TRANSPOSE")}
