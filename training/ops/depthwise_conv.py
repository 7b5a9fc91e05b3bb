"""Card: depthwise 2-D convolution, NHWC, filter [KH, KW, C, M] -> C*M output channels.

It is a grouped conv2d with groups=C and the filter viewed as [KH, KW, 1, C*M] (the output
channel order c*M+m is the same), so the kernel and the gradient reuse the conv2d ops.
"""
from __future__ import annotations

import numpy as np

from ..dispatch import apply
from ..spec import TensorSpec
from . import fusion
from . import lower_util as lu
from .conv import ATTRS, _conv2d, _conv_infer, conv2d_backprop_filter_op, conv2d_backprop_input_op, hw, nhwc_only
from .infer import check_rank
from .registry import define_op
from .shape_ops import symbolic_ints

DW_ATTRS = {k: v for k, v in ATTRS.items() if k != "groups"}


def _as_grouped(shape) -> tuple:
    kh, kw, c, m = shape
    return (kh, kw, 1, c * m)


def _infer(x: TensorSpec, w: TensorSpec, strides, padding, dilations, activation=None) -> TensorSpec:
    fusion.check("depthwise_conv2d", activation)
    check_rank("depthwise_conv2d", w, 4, "filter")
    check_rank("depthwise_conv2d", x, 4, "input")
    if x.shape[3] != w.shape[2]:
        raise ValueError(f"depthwise_conv2d: input has {x.shape[3]} channels but filter {list(w.shape)} "
                         f"expects {w.shape[2]}")
    grouped = TensorSpec(_as_grouped(w.shape), w.dtype)
    return _conv_infer(x, grouped, strides, padding, dilations, x.shape[3])


depthwise_conv2d_op = define_op("depthwise_conv2d", infer=_infer, attrs={**DW_ATTRS, "activation": None},
                                tflite="DEPTHWISE_CONV_2D")


@depthwise_conv2d_op.kernel("cpu", "cuda")
def _depthwise_conv2d(xp, x, w, strides, padding, dilations, activation=None):
    y = _conv2d(xp, x, w.reshape(_as_grouped(w.shape)), strides, padding, dilations, x.shape[3])
    return fusion.apply_activation(xp, y, activation)


@depthwise_conv2d_op.grad
def _depthwise_conv2d_grad(dy, inputs, out, activation=None, **attrs):
    x, w = inputs
    dy = fusion.mask_gradient(dy, out, activation)
    groups = x.shape[3]
    wg = apply("reshape", w, shape=_as_grouped(w.shape))
    dx = apply(conv2d_backprop_input_op, dy, wg, input_shape=tuple(x.shape), groups=groups, **attrs)
    dwg = apply(conv2d_backprop_filter_op, x, dy, filter_shape=_as_grouped(w.shape), groups=groups, **attrs)
    return dx, apply("reshape", dwg, shape=tuple(w.shape))


def depthwise_conv2d(input, filter, strides, padding, data_format="NHWC", dilations=None, name=None):  # noqa: A002
    nhwc_only("depthwise_conv2d", data_format)
    return apply(depthwise_conv2d_op, input, filter, strides=hw(strides, "strides", "depthwise_conv2d"),
                 padding=padding.upper(), dilations=hw(dilations, "dilations", "depthwise_conv2d"))


def conv2d_transpose(input, filters, output_shape, strides, padding="SAME", data_format="NHWC",  # noqa: A002
                     dilations=None, name=None):
    """TF's conv2d_transpose: the gradient of conv2d wrt its input. filters: [KH, KW, out_C, in_C].
    Inside a trace the batch of output_shape may be known only when the graph runs (None, or
    tl.shape(x)[0] of a symbolic batch): it is then the input's batch."""
    nhwc_only("conv2d_transpose", data_format)
    shape = symbolic_ints(output_shape, "output_shape")
    return apply(conv2d_backprop_input_op, input, filters, input_shape=shape,
                 strides=hw(strides, "strides", "conv2d_transpose"), padding=padding.upper(),
                 dilations=hw(dilations, "dilations", "conv2d_transpose"), groups=1)


@depthwise_conv2d_op.lower
def _lower_depthwise_conv2d(ctx, node, strides, padding, dilations, activation):
    """DEPTHWISE_CONV_2D's filter is [1, KH, KW, C*M] with output channel c*M+m, ours [KH, KW, C, M]."""
    x, w = node.inputs
    wa = lu.constant_or_fail(ctx, w, "the depthwise filter")
    kh, kw, c, m = wa.shape
    ctx.emit("DEPTHWISE_CONV_2D", [ctx.tensor(x), ctx.const(wa.reshape(1, kh, kw, c * m).copy()),
                                   ctx.const(np.zeros(c * m, wa.dtype))], ctx.outputs(),
             padding=lu.padding(ctx, padding), stride_h=strides[0], stride_w=strides[1], depth_multiplier=m,
             dilation_h_factor=dilations[0], dilation_w_factor=dilations[1],
             fused_activation_function=fusion.TFLITE_CODE[activation])
