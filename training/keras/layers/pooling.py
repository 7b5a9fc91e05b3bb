"""Pooling layers: MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D (NHWC)."""
from __future__ import annotations

import tensorlite as tl

from ..engine.layer import Layer
from .conv import _pair


class _Pool2D(Layer):
    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", **kwargs):
        super().__init__(**kwargs)
        self.pool_size = _pair(pool_size)
        self.strides = self.pool_size if strides is None else _pair(strides)
        self.padding = padding.upper()


class MaxPooling2D(_Pool2D):
    def call(self, inputs):
        return tl.nn.max_pool2d(inputs, self.pool_size, self.strides, self.padding)


class AveragePooling2D(_Pool2D):
    def call(self, inputs):
        return tl.nn.avg_pool2d(inputs, self.pool_size, self.strides, self.padding)


class GlobalAveragePooling2D(Layer):
    def __init__(self, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.keepdims = keepdims

    def call(self, inputs):
        return tl.reduce_mean(inputs, axis=[1, 2], keepdims=self.keepdims)


class GlobalMaxPooling2D(GlobalAveragePooling2D):
    def call(self, inputs):
        return tl.reduce_max(inputs, axis=[1, 2], keepdims=self.keepdims)


MaxPool2D, AvgPool2D, GlobalAvgPool2D = MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D
