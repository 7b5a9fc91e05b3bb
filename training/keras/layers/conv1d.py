"""1-D convolutions over (batch, steps, channels): Conv1D (with 'causal' padding),
DepthwiseConv1D, SeparableConv1D and Conv1DTranspose, with Keras's weight shapes. Each runs the 2-D op on a
(batch, 1, steps, channels) view with a 1 x k kernel, so it lowers to CONV_2D, DEPTHWISE_CONV_2D or
TRANSPOSE_CONV as TensorFlow's converter writes them."""
from __future__ import annotations

import tensorlite as tl

from .. import activations
from ..engine.layer import Layer
from ..regularizers import attach


def _single(v, what: str) -> int:
    if isinstance(v, (list, tuple)):
        if len(v) != 1:
            raise ValueError(f"{what}: expected one integer, got {v!r}")
        v = v[0]
    return int(v)


class _Conv1D(Layer):
    paddings = ("valid", "same")

    def __init__(self, kernel_size, strides=1, padding="valid", dilation_rate=1, activation=None, use_bias=True,
                 bias_initializer="zeros", data_format=None, kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        kind = type(self).__name__
        if data_format not in (None, "channels_last"):
            raise NotImplementedError(f"{kind}(data_format={data_format!r}): only channels_last")
        if str(padding).lower() not in self.paddings:
            raise ValueError(f"{kind}: padding must be one of {self.paddings}, got {padding!r}")
        self.kernel_size, self.strides = _single(kernel_size, kind), _single(strides, kind)
        self.dilation_rate = _single(dilation_rate, kind)
        if self.strides > 1 and self.dilation_rate > 1:
            raise ValueError(f"{kind}: strides > 1 and dilation_rate > 1 cannot be combined")
        self.padding = str(padding).lower()
        self.activation, self.use_bias, self.bias_initializer = activations.get(activation), use_bias, bias_initializer
        self.regularizers = (kernel_regularizer, bias_regularizer)
        self.constraints = (kernel_constraint, bias_constraint)

    def _kernel_weight(self, name, shape, initializer):
        return attach(self.add_weight(name, shape, initializer), self.regularizers[0], self.constraints[0])

    def _bias_weight(self, size):
        if not self.use_bias:
            return None
        return attach(self.add_weight("bias", (size,), self.bias_initializer), self.regularizers[1],
                      self.constraints[1])

    def _channels(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError(f"{self.name}: {type(self).__name__} expects inputs (batch, steps, channels), "
                             f"got shape {list(input_shape)}")
        return int(input_shape[-1])

    def _finish(self, y):
        y = tl.squeeze(y, 1)
        if self.bias is not None:
            y = y + self.bias
        return self.activation(y)

    def _view(self, inputs):
        """(batch, 1, steps, channels), left-padded for causal convolutions."""
        if self.padding == "causal":
            inputs = tl.pad(inputs, [[0, 0], [(self.kernel_size - 1) * self.dilation_rate, 0], [0, 0]])
        return tl.expand_dims(inputs, 1)

    @property
    def _op_padding(self) -> str:
        return "SAME" if self.padding == "same" else "VALID"


class Conv1D(_Conv1D):
    """kernel (kernel_size, channels // groups, filters); padding 'valid', 'same' or 'causal' (output
    step t sees inputs up to t only)."""
    paddings = ("valid", "same", "causal")

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1, groups=1,
                 activation=None, use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 **kwargs):
        super().__init__(kernel_size, strides, padding, dilation_rate, activation, use_bias, bias_initializer,
                         data_format, **kwargs)
        self.filters, self.groups, self.kernel_initializer = int(filters), int(groups), kernel_initializer

    def build(self, input_shape):
        c = self._channels(input_shape)
        if c % self.groups or self.filters % self.groups:
            raise ValueError(f"{self.name}: input channels ({c}) and filters ({self.filters}) must both be "
                             f"divisible by groups={self.groups}")
        self.kernel = self._kernel_weight("kernel", (self.kernel_size, c // self.groups, self.filters),
                                          self.kernel_initializer)
        self.bias = self._bias_weight(self.filters)

    def call(self, inputs):
        k = tl.expand_dims(self.kernel.read_value(), 0)
        y = tl.nn.conv2d(self._view(inputs), k, (1, self.strides), self._op_padding,
                         dilations=(1, self.dilation_rate))
        return self._finish(y)


class SeparableConv1D(_Conv1D):
    """A depthwise convolution (depthwise_kernel (kernel_size, channels, depth_multiplier)) then a
    pointwise one (pointwise_kernel (1, channels * depth_multiplier, filters)) and the bias."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 depth_multiplier=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, depthwise_constraint=None, pointwise_constraint=None, **kwargs):
        super().__init__(kernel_size, strides, padding, dilation_rate, activation, use_bias, bias_initializer,
                         data_format, **kwargs)
        self.filters, self.depth_multiplier = int(filters), int(depth_multiplier)
        self.initializers = (depthwise_initializer, pointwise_initializer)
        self.separable = ((depthwise_regularizer, depthwise_constraint), (pointwise_regularizer, pointwise_constraint))

    def build(self, input_shape):
        c = self._channels(input_shape)
        m = self.depth_multiplier
        self.depthwise_kernel = attach(self.add_weight("depthwise_kernel", (self.kernel_size, c, m),
                                                       self.initializers[0]), *self.separable[0])
        self.pointwise_kernel = attach(self.add_weight("pointwise_kernel", (1, c * m, self.filters),
                                                       self.initializers[1]), *self.separable[1])
        self.bias = self._bias_weight(self.filters)

    def call(self, inputs):
        dw = tl.expand_dims(self.depthwise_kernel.read_value(), 0)
        y = tl.nn.depthwise_conv2d(self._view(inputs), dw, (1, self.strides), self._op_padding,
                                   dilations=(1, self.dilation_rate))
        pw = tl.expand_dims(self.pointwise_kernel.read_value(), 0)
        return self._finish(tl.nn.conv2d(y, pw, 1, "VALID"))


class DepthwiseConv1D(_Conv1D):
    """Each input channel convolved with its own depth_multiplier filters: kernel (kernel_size,
    channels, depth_multiplier; Keras 3's weight name), bias (channels * depth_multiplier)."""
    paddings = ("valid", "same", "causal")

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1, data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, depthwise_constraint=None, **kwargs):
        super().__init__(kernel_size, strides, padding, dilation_rate, activation, use_bias, bias_initializer,
                         data_format, **kwargs)
        self.depth_multiplier, self.depthwise_initializer = int(depth_multiplier), depthwise_initializer
        self.regularizers = (depthwise_regularizer, self.regularizers[1])
        self.constraints = (depthwise_constraint, self.constraints[1])

    def build(self, input_shape):
        c = self._channels(input_shape)
        self.kernel = self._kernel_weight("kernel", (self.kernel_size, c, self.depth_multiplier),
                                          self.depthwise_initializer)
        self.bias = self._bias_weight(c * self.depth_multiplier)

    def call(self, inputs):
        k = tl.expand_dims(self.kernel.read_value(), 0)
        y = tl.nn.depthwise_conv2d(self._view(inputs), k, (1, self.strides), self._op_padding,
                                   dilations=(1, self.dilation_rate))
        return self._finish(y)


class Conv1DTranspose(_Conv1D):
    """The gradient of a Conv1D with respect to its input: kernel (kernel_size, filters, channels);
    output lengths as Keras computes them (`output_padding` picks among the lengths a stride > 1
    leaves ambiguous)."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None, data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", **kwargs):
        super().__init__(kernel_size, strides, padding, dilation_rate, activation, use_bias, bias_initializer,
                         data_format, **kwargs)
        self.filters, self.kernel_initializer = int(filters), kernel_initializer
        self.output_padding = None if output_padding is None else _single(output_padding, "Conv1DTranspose")
        if self.output_padding is not None and self.output_padding >= self.strides:
            raise ValueError(f"Conv1DTranspose: output_padding {self.output_padding} must be smaller than "
                             f"strides {self.strides}")

    def build(self, input_shape):
        c = self._channels(input_shape)
        self.kernel = self._kernel_weight("kernel", (self.kernel_size, self.filters, c), self.kernel_initializer)
        self.bias = self._bias_weight(self.filters)

    def _length(self, steps: int) -> int:
        k = (self.kernel_size - 1) * self.dilation_rate + 1
        s = self.strides
        if self.output_padding is None:
            return steps * s + max(k - s, 0) if self.padding == "valid" else steps * s
        pad = 0 if self.padding == "valid" else k // 2
        return (steps - 1) * s + k - 2 * pad + self.output_padding

    def call(self, inputs):
        n, steps, _ = inputs.shape
        k = tl.expand_dims(self.kernel.read_value(), 0)
        shape = (n, 1, self._length(steps), self.filters)
        y = tl.nn.conv2d_transpose(tl.expand_dims(inputs, 1), k, shape, (1, self.strides), self._op_padding,
                                   dilations=(1, self.dilation_rate))
        return self._finish(y)


Convolution1D, Convolution1DTranspose, SeparableConvolution1D = Conv1D, Conv1DTranspose, SeparableConv1D  # aliases
