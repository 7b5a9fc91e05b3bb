"""Convolution layers: Conv2D, DepthwiseConv2D, SeparableConv2D, Conv2DTranspose (NHWC)."""
from __future__ import annotations

import tensorlite as tl

from .. import activations
from ..engine.layer import Layer
from ..regularizers import attach


def _pair(v) -> tuple[int, int]:
    return (int(v), int(v)) if isinstance(v, int) else tuple(int(a) for a in v)


class _Conv(Layer):
    def __init__(self, kernel_size, strides=(1, 1), padding="valid", dilation_rate=(1, 1), activation=None,
                 use_bias=True, bias_initializer="zeros", data_format=None, kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self._kernel_extras = (kernel_regularizer, kernel_constraint)
        self._bias_extras = (bias_regularizer, bias_constraint)
        if data_format not in (None, "channels_last"):
            raise NotImplementedError(f"{type(self).__name__}(data_format={data_format!r}): only channels_last")
        if str(padding).lower() not in ("valid", "same"):
            raise ValueError(f"{type(self).__name__}: padding must be 'valid' or 'same', got {padding!r}")
        self.kernel_size, self.strides = _pair(kernel_size), _pair(strides)
        self.padding, self.dilation_rate = padding.upper(), _pair(dilation_rate)
        self.activation, self.use_bias = activations.get(activation), use_bias
        self.bias_initializer = bias_initializer

    def _check_input(self, input_shape):
        if len(input_shape) != 4:
            raise ValueError(f"{self.name}: {type(self).__name__} expects NHWC inputs of rank 4, "
                             f"got shape {list(input_shape)}")
        return input_shape[-1]

    def _kernel(self, name, shape, initializer, extras=None):
        """A kernel weight with its regularizer and constraint (`extras` overrides the kernel_* ones)."""
        return attach(self.add_weight(name, shape, initializer), *(extras or self._kernel_extras))

    def _bias(self, size):
        return attach(self.add_weight("bias", (size,), self.bias_initializer), *self._bias_extras)

    def _finish(self, y):
        if self.use_bias:
            y = y + self.bias
        return self.activation(y)


class Conv2D(_Conv):
    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", dilation_rate=(1, 1), groups=1,
                 activation=None, use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 **kwargs):
        super().__init__(kernel_size, strides, padding, dilation_rate, activation, use_bias, bias_initializer,
                         **kwargs)
        self.filters, self.groups, self.kernel_initializer = int(filters), int(groups), kernel_initializer

    def build(self, input_shape):
        c = self._check_input(input_shape)
        if c % self.groups or self.filters % self.groups:
            raise ValueError(f"{self.name}: input channels ({c}) and filters ({self.filters}) must both be "
                             f"divisible by groups={self.groups}")
        self.kernel = self._kernel("kernel", self.kernel_size + (c // self.groups, self.filters),
                                   self.kernel_initializer)
        if self.use_bias:
            self.bias = self._bias(self.filters)

    def call(self, inputs):
        return self._finish(tl.nn.conv2d(inputs, self.kernel, self.strides, self.padding,
                                         dilations=self.dilation_rate))


class DepthwiseConv2D(_Conv):
    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1, dilation_rate=(1, 1),
                 activation=None, use_bias=True, depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, depthwise_constraint=None, **kwargs):
        super().__init__(kernel_size, strides, padding, dilation_rate, activation, use_bias, bias_initializer,
                         **kwargs)
        self.depth_multiplier, self.depthwise_initializer = int(depth_multiplier), depthwise_initializer
        self._kernel_extras = (depthwise_regularizer, depthwise_constraint)

    def build(self, input_shape):
        c = self._check_input(input_shape)
        self.depthwise_kernel = self._kernel("depthwise_kernel", self.kernel_size + (c, self.depth_multiplier),
                                             self.depthwise_initializer)
        if self.use_bias:
            self.bias = self._bias(c * self.depth_multiplier)

    def call(self, inputs):
        return self._finish(tl.nn.depthwise_conv2d(inputs, self.depthwise_kernel, self.strides, self.padding,
                                                   dilations=self.dilation_rate))


class SeparableConv2D(_Conv):
    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
                 dilation_rate=(1, 1), activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, depthwise_constraint=None, pointwise_constraint=None, **kwargs):
        super().__init__(kernel_size, strides, padding, dilation_rate, activation, use_bias, bias_initializer,
                         **kwargs)
        self.filters, self.depth_multiplier = int(filters), int(depth_multiplier)
        self.depthwise_initializer, self.pointwise_initializer = depthwise_initializer, pointwise_initializer
        self._separable_extras = ((depthwise_regularizer, depthwise_constraint),
                                  (pointwise_regularizer, pointwise_constraint))

    def build(self, input_shape):
        c = self._check_input(input_shape)
        self.depthwise_kernel = self._kernel("depthwise_kernel", self.kernel_size + (c, self.depth_multiplier),
                                             self.depthwise_initializer, self._separable_extras[0])
        self.pointwise_kernel = self._kernel("pointwise_kernel", (1, 1, c * self.depth_multiplier, self.filters),
                                             self.pointwise_initializer, self._separable_extras[1])
        if self.use_bias:
            self.bias = self._bias(self.filters)

    def call(self, inputs):
        y = tl.nn.depthwise_conv2d(inputs, self.depthwise_kernel, self.strides, self.padding,
                                   dilations=self.dilation_rate)
        return self._finish(tl.nn.conv2d(y, self.pointwise_kernel, 1, "VALID"))


class Conv2DTranspose(_Conv):
    """The gradient of a Conv2D with respect to its input; output sizes follow Keras
    (`output_padding` picks among the sizes that a stride > 1 leaves ambiguous)."""

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", output_padding=None,
                 dilation_rate=(1, 1), activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", **kwargs):
        super().__init__(kernel_size, strides, padding, dilation_rate, activation, use_bias, bias_initializer,
                         **kwargs)
        self.filters, self.kernel_initializer = int(filters), kernel_initializer
        self.output_padding = None if output_padding is None else _pair(output_padding)
        if self.output_padding is not None and any(p >= s for p, s in zip(self.output_padding, self.strides)):
            raise ValueError(f"{type(self).__name__}: output_padding {self.output_padding} must be smaller than "
                             f"strides {self.strides}")

    def build(self, input_shape):
        c = self._check_input(input_shape)
        self.kernel = self._kernel("kernel", self.kernel_size + (self.filters, c), self.kernel_initializer)
        if self.use_bias:
            self.bias = self._bias(self.filters)

    def _out(self, axis, size):
        k, s, d = self.kernel_size[axis], self.strides[axis], self.dilation_rate[axis]
        k = (k - 1) * d + 1
        if self.output_padding is None:
            return size * s + max(k - s, 0) if self.padding == "VALID" else size * s
        pad = 0 if self.padding == "VALID" else k // 2
        return (size - 1) * s + k - 2 * pad + self.output_padding[axis]

    def call(self, inputs):
        n, h, w, _ = inputs.shape
        shape = (n, self._out(0, h), self._out(1, w), self.filters)
        return self._finish(tl.nn.conv2d_transpose(inputs, self.kernel, shape, self.strides, self.padding,
                                                   dilations=self.dilation_rate))


Convolution2D, Convolution2DTranspose, SeparableConvolution2D = Conv2D, Conv2DTranspose, SeparableConv2D  # aliases
