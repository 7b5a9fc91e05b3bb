"""ZeroPadding2D and UpSampling2D (NHWC)."""
from __future__ import annotations

import tensorlite as tl

from ..engine.layer import Layer


class ZeroPadding2D(Layer):
    def __init__(self, padding=(1, 1), **kwargs):
        super().__init__(**kwargs)
        if isinstance(padding, int):
            padding = ((padding, padding), (padding, padding))
        elif isinstance(padding[0], int):
            padding = ((padding[0], padding[0]), (padding[1], padding[1]))
        self.padding = tuple(tuple(int(v) for v in p) for p in padding)

    def call(self, inputs):
        if inputs.ndim != 4:
            raise ValueError(f"{self.name}: ZeroPadding2D expects NHWC inputs of rank 4, "
                             f"got shape {list(inputs.shape)}")
        return tl.pad(inputs, [[0, 0], list(self.padding[0]), list(self.padding[1]), [0, 0]])


class UpSampling2D(Layer):
    def __init__(self, size=(2, 2), interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.size = (size, size) if isinstance(size, int) else tuple(size)
        if interpolation not in ("nearest", "bilinear"):
            raise ValueError(f"UpSampling2D: interpolation must be 'nearest' or 'bilinear', got {interpolation!r}")
        self.interpolation = interpolation

    def call(self, inputs):
        if inputs.ndim != 4:
            raise ValueError(f"{self.name}: UpSampling2D expects NHWC inputs of rank 4, "
                             f"got shape {list(inputs.shape)}")
        _, h, w, c = inputs.shape
        if self.interpolation == "nearest":  # repeat rows and columns: a reshape/tile, exact
            x = tl.reshape(inputs, [-1, h, 1, w, 1, c])
            x = tl.tile(x, [1, 1, self.size[0], 1, self.size[1], 1])
            return tl.reshape(x, [-1, h * self.size[0], w * self.size[1], c])
        return tl.image.resize(inputs, (h * self.size[0], w * self.size[1]), method="bilinear")
