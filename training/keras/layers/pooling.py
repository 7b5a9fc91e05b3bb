"""Pooling layers: MaxPooling1D/2D, AveragePooling1D/2D, GlobalAveragePooling1D/2D/3D,
GlobalMaxPooling1D/2D/3D (channels last). A 1-D pool is the 2-D one over a (N, 1, steps, C) view,
so it lowers to the same TFLite builtins."""
from __future__ import annotations

import tensorlite as tl

from ..engine.layer import Layer
from .conv import _pair


def _padding(layer_type: str, padding) -> str:
    if str(padding).lower() not in ("valid", "same"):
        raise ValueError(f"{layer_type}: padding must be 'valid' or 'same', got {padding!r}")
    return padding.upper()


class _Pool2D(Layer):
    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", **kwargs):
        super().__init__(**kwargs)
        self.pool_size = _pair(pool_size)
        self.strides = self.pool_size if strides is None else _pair(strides)
        self.padding = _padding(type(self).__name__, padding)


class MaxPooling2D(_Pool2D):
    def call(self, inputs):
        return tl.nn.max_pool2d(inputs, self.pool_size, self.strides, self.padding)


class AveragePooling2D(_Pool2D):
    def call(self, inputs):
        return tl.nn.avg_pool2d(inputs, self.pool_size, self.strides, self.padding)


class _Pool1D(Layer):
    max_pool = True

    def __init__(self, pool_size=2, strides=None, padding="valid", **kwargs):
        super().__init__(**kwargs)
        self.pool_size = int(pool_size[0] if isinstance(pool_size, (list, tuple)) else pool_size)
        strides = self.pool_size if strides is None else strides
        self.strides = int(strides[0] if isinstance(strides, (list, tuple)) else strides)
        self.padding = _padding(type(self).__name__, padding)

    def call(self, inputs):
        if inputs.ndim != 3:
            raise ValueError(f"{self.name}: {type(self).__name__} expects (batch, steps, channels) inputs, "
                             f"got shape {list(inputs.shape)}")
        pool = tl.nn.max_pool2d if self.max_pool else tl.nn.avg_pool2d
        y = pool(tl.expand_dims(inputs, 1), (1, self.pool_size), (1, self.strides), self.padding)
        return tl.squeeze(y, 1)


class MaxPooling1D(_Pool1D):
    pass


class AveragePooling1D(_Pool1D):
    max_pool = False


class GlobalAveragePooling2D(Layer):
    rank, max_pool = 4, False

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise NotImplementedError(f"{type(self).__name__}(data_format={data_format!r}): only channels_last")
        self.keepdims = keepdims

    def call(self, inputs):
        if inputs.ndim != self.rank:
            raise ValueError(f"{self.name}: expects channels-last inputs of rank {self.rank}, "
                             f"got shape {list(inputs.shape)}")
        reduce = tl.reduce_max if self.max_pool else tl.reduce_mean
        return reduce(inputs, axis=list(range(1, self.rank - 1)), keepdims=self.keepdims)


class GlobalMaxPooling2D(GlobalAveragePooling2D):
    max_pool = True


class GlobalAveragePooling1D(GlobalAveragePooling2D):
    rank = 3


class GlobalMaxPooling1D(GlobalAveragePooling2D):
    rank, max_pool = 3, True


class GlobalAveragePooling3D(GlobalAveragePooling2D):
    rank = 5


class GlobalMaxPooling3D(GlobalAveragePooling2D):
    rank, max_pool = 5, True


MaxPool2D, AvgPool2D, MaxPool1D, AvgPool1D = MaxPooling2D, AveragePooling2D, MaxPooling1D, AveragePooling1D  # aliases
GlobalAvgPool2D, GlobalMaxPool2D = GlobalAveragePooling2D, GlobalMaxPooling2D
GlobalAvgPool1D, GlobalMaxPool1D = GlobalAveragePooling1D, GlobalMaxPooling1D
GlobalAvgPool3D, GlobalMaxPool3D = GlobalAveragePooling3D, GlobalMaxPooling3D
