"""Padding, cropping and upsampling of sequences (N, steps, C), images (NHWC) and volumes (NDHWC):
ZeroPadding1D/2D/3D, Cropping1D/2D/3D, UpSampling1D/2D/3D; Permute and RepeatVector."""
from __future__ import annotations

import tensorlite as tl

from ..engine.layer import Layer


def _pairs(value, n: int, what: str) -> tuple:
    """Keras's padding/cropping arguments: an int (all sides), n ints (symmetric per axis) or n pairs."""
    if isinstance(value, int):
        return ((value, value),) * n
    value = tuple(value)
    if n == 1 and len(value) == 2 and all(isinstance(v, int) for v in value):
        return (tuple(int(v) for v in value),)
    if len(value) != n:
        raise ValueError(f"{what}: expected an int, {n} ints or {n} pairs, got {value!r}")
    out = tuple((int(v), int(v)) if isinstance(v, int) else tuple(int(a) for a in v) for v in value)
    if any(len(p) != 2 or min(p) < 0 for p in out):
        raise ValueError(f"{what}: each entry must be a non-negative int or a (before, after) pair, got {value!r}")
    return out


def _check_rank(layer, inputs, rank: int, layout: str) -> None:
    if inputs.ndim != rank:
        raise ValueError(f"{layer.name}: {type(layer).__name__} expects {layout} inputs of rank {rank}, "
                         f"got shape {list(inputs.shape)}")


class ZeroPadding1D(Layer):
    """Zeros before and after the steps axis of (N, steps, C)."""

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        self.padding = _pairs(padding, 1, "ZeroPadding1D")[0]

    def call(self, inputs):
        _check_rank(self, inputs, 3, "(batch, steps, channels)")
        return tl.pad(inputs, [[0, 0], list(self.padding), [0, 0]])


class ZeroPadding2D(Layer):
    def __init__(self, padding=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.padding = _pairs(padding, 2, "ZeroPadding2D")

    def call(self, inputs):
        _check_rank(self, inputs, 4, "NHWC")
        return tl.pad(inputs, [[0, 0], list(self.padding[0]), list(self.padding[1]), [0, 0]])


def _crop(layer, size: int, before: int, after: int) -> slice:
    if before + after >= size:
        raise ValueError(f"{layer.name}: cropping {before} + {after} leaves nothing of an axis of size {size}")
    return slice(before, size - after)


class Cropping1D(Layer):
    """Drops `cropping` steps at the start and end of (N, steps, C)."""

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.cropping = _pairs(cropping, 1, "Cropping1D")[0]

    def call(self, inputs):
        _check_rank(self, inputs, 3, "(batch, steps, channels)")
        return inputs[:, _crop(self, inputs.shape[1], *self.cropping), :]


class Cropping2D(Layer):
    """Drops rows ((top, bottom)) and columns ((left, right)) of NHWC images."""

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise NotImplementedError(f"Cropping2D(data_format={data_format!r}): only channels_last")
        self.cropping = _pairs(cropping, 2, "Cropping2D")

    def call(self, inputs):
        _check_rank(self, inputs, 4, "NHWC")
        rows = _crop(self, inputs.shape[1], *self.cropping[0])
        cols = _crop(self, inputs.shape[2], *self.cropping[1])
        return inputs[:, rows, cols, :]


class UpSampling1D(Layer):
    """Each step repeated `size` times."""

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        self.size = int(size)

    def call(self, inputs):
        _check_rank(self, inputs, 3, "(batch, steps, channels)")
        _, steps, c = inputs.shape
        x = tl.tile(tl.reshape(inputs, [-1, steps, 1, c]), [1, 1, self.size, 1])
        return tl.reshape(x, [-1, steps * self.size, c])


class UpSampling2D(Layer):
    def __init__(self, size=(2, 2), interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.size = (size, size) if isinstance(size, int) else tuple(size)
        if interpolation not in ("nearest", "bilinear"):
            raise ValueError(f"UpSampling2D: interpolation must be 'nearest' or 'bilinear', got {interpolation!r}")
        self.interpolation = interpolation

    def call(self, inputs):
        _check_rank(self, inputs, 4, "NHWC")
        _, h, w, c = inputs.shape
        if self.interpolation == "nearest":  # repeat rows and columns: a reshape/tile, exact
            x = tl.reshape(inputs, [-1, h, 1, w, 1, c])
            x = tl.tile(x, [1, 1, self.size[0], 1, self.size[1], 1])
            return tl.reshape(x, [-1, h * self.size[0], w * self.size[1], c])
        return tl.image.resize(inputs, (h * self.size[0], w * self.size[1]), method="bilinear")


class Permute(Layer):
    """Reorders the axes after the batch: `dims` is a permutation of 1..rank-1 (1-based, as in Keras)."""

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(int(d) for d in dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(f"Permute: dims must be a permutation of 1..{len(self.dims)}, got {list(self.dims)}")

    def call(self, inputs):
        if inputs.ndim != len(self.dims) + 1:
            raise ValueError(f"{self.name}: dims {list(self.dims)} need inputs of rank {len(self.dims) + 1}, "
                             f"got shape {list(inputs.shape)}")
        return tl.transpose(inputs, [0, *self.dims])


class RepeatVector(Layer):
    """(batch, features) -> (batch, n, features)."""

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = int(n)

    def call(self, inputs):
        _check_rank(self, inputs, 2, "(batch, features)")
        return tl.tile(tl.expand_dims(inputs, 1), [1, self.n, 1])


class ZeroPadding3D(Layer):
    """Zeros around the three spatial axes of (N, D, H, W, C) volumes."""

    def __init__(self, padding=(1, 1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise NotImplementedError(f"ZeroPadding3D(data_format={data_format!r}): only channels_last")
        self.padding = _pairs(padding, 3, "ZeroPadding3D")

    def call(self, inputs):
        _check_rank(self, inputs, 5, "NDHWC")
        return tl.pad(inputs, [[0, 0], *[list(p) for p in self.padding], [0, 0]])


class Cropping3D(Layer):
    """Drops ((front, back), (top, bottom), (left, right)) of NDHWC volumes."""

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise NotImplementedError(f"Cropping3D(data_format={data_format!r}): only channels_last")
        self.cropping = _pairs(cropping, 3, "Cropping3D")

    def call(self, inputs):
        _check_rank(self, inputs, 5, "NDHWC")
        s = [_crop(self, inputs.shape[i + 1], *self.cropping[i]) for i in range(3)]
        return inputs[:, s[0], s[1], s[2], :]


class UpSampling3D(Layer):
    """Each voxel repeated size[i] times along spatial axis i of NDHWC volumes."""

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise NotImplementedError(f"UpSampling3D(data_format={data_format!r}): only channels_last")
        self.size = (int(size),) * 3 if isinstance(size, int) else tuple(int(v) for v in size)

    def call(self, inputs):
        _check_rank(self, inputs, 5, "NDHWC")
        x = inputs
        for axis, n in zip((1, 2, 3), self.size):  # one axis at a time: insert, tile, merge
            shape = list(x.shape)
            x = tl.tile(tl.expand_dims(x, axis + 1), [1] * (axis + 1) + [n] + [1] * (4 - axis))
            x = tl.reshape(x, [-1, *shape[1:axis], shape[axis] * n, *shape[axis + 1:]])
        return x
