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
        if str(padding).lower() not in ("valid", "same"):
            raise ValueError(f"{type(self).__name__}: padding must be 'valid' or 'same', got {padding!r}")
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
        if inputs.ndim != 4:
            raise ValueError(f"{self.name}: expects NHWC inputs of rank 4, got shape {list(inputs.shape)}")
        return self.reduce(inputs, axis=[1, 2], keepdims=self.keepdims)

    @staticmethod
    def reduce(x, axis, keepdims):
        return tl.reduce_mean(x, axis=axis, keepdims=keepdims)


class GlobalMaxPooling2D(GlobalAveragePooling2D):
    @staticmethod
    def reduce(x, axis, keepdims):
        return tl.reduce_max(x, axis=axis, keepdims=keepdims)


MaxPool2D, AvgPool2D = MaxPooling2D, AveragePooling2D  # Keras aliases
GlobalAvgPool2D, GlobalMaxPool2D = GlobalAveragePooling2D, GlobalMaxPooling2D
