"""Preprocessing layers that TensorFlow users put at the front of a model: Rescaling,
Normalization (with `adapt`), Resizing and CenterCrop. They are ordinary layers of tl ops, so they train,
trace and convert with the model."""
from __future__ import annotations

import numpy as np

import tensorlite as tl

from ..engine.layer import Layer

EPSILON = 1e-7  # Keras's backend.epsilon(): the smallest standard deviation Normalization divides by


def _as_float(layer, inputs):
    return inputs if inputs.dtype.is_floating else tl.cast(inputs, layer.dtype)


class Rescaling(Layer):
    """x * scale + offset (scale and offset scalars or per-channel lists); integer images become
    floats first."""

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale, self.offset = scale, offset

    def _convert_input(self, x, index):
        return x if isinstance(x, tl.Tensor) else tl.convert_to_tensor(x)  # uint8 images keep their type

    def call(self, inputs):
        x = _as_float(self, inputs)
        dtype = x.dtype.as_numpy_dtype
        return x * tl.constant(np.asarray(self.scale, dtype)) + tl.constant(np.asarray(self.offset, dtype))


class Normalization(Layer):
    """(x - mean) / max(sqrt(variance), 1e-7) per position of the kept `axis` (default the last;
    None: one mean and variance for everything); `invert=True` undoes it. The statistics are given
    (`mean=`, `variance=`) or learned by `adapt(data)`, which keeps them in the non-trainable
    weights mean, variance and count (Keras 3's, count kept at 0 as Keras does)."""

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            self.axis = ()
        else:
            self.axis = (int(axis),) if isinstance(axis, int) else tuple(int(a) for a in axis)
        if (mean is None) != (variance is None):
            raise ValueError(f"Normalization: give both `mean` and `variance` or neither, got mean={mean!r} "
                             f"and variance={variance!r}")
        self.input_mean, self.input_variance, self.invert = mean, variance, bool(invert)

    def build(self, input_shape):
        ndim = len(input_shape)
        if any(not -ndim <= a < ndim for a in self.axis):
            raise ValueError(f"{self.name}: axis {list(self.axis)} out of range for inputs of rank {ndim}")
        self._keep = tuple(sorted(a % ndim for a in self.axis))
        if any(input_shape[a] is None for a in self._keep):
            raise ValueError(f"{self.name}: the kept axes {list(self._keep)} must have known sizes, "
                             f"got inputs of shape {list(input_shape)}")
        self._reduce = tuple(a for a in range(ndim) if a not in self._keep)
        self._broadcast = [input_shape[a] if a in self._keep else 1 for a in range(ndim)]
        self._built_shape = tuple(input_shape)
        shape = tuple(int(input_shape[a]) for a in self._keep)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight("mean", shape, "zeros", trainable=False)
            self.adapt_variance = self.add_weight("variance", shape, "ones", trainable=False)
            self.count = self.add_weight("count", (), "zeros", trainable=False, dtype=tl.int32)
        else:
            self._given = [self._aligned(v, ndim) for v in (self.input_mean, self.input_variance)]

    def _aligned(self, value, ndim):
        """A given mean or variance shaped to broadcast against the inputs: a scalar, or values for
        the kept axes aligned from the right."""
        v = np.asarray(value, np.float32)
        if v.ndim == 0:
            return np.broadcast_to(v, self._broadcast).copy()
        shape = [1] * ndim
        kept = [a for a in range(ndim) if a in self._keep]
        for a, size in zip(kept[len(kept) - v.ndim:], v.shape):
            shape[a] = size
        return np.broadcast_to(v.reshape(shape), self._broadcast).copy()

    def _stats(self):
        if self.input_mean is not None:
            return tl.constant(self._given[0]), tl.constant(self._given[1])
        return (tl.reshape(self.adapt_mean.read_value(), self._broadcast),
                tl.reshape(self.adapt_variance.read_value(), self._broadcast))

    def call(self, inputs):
        x = _as_float(self, inputs)
        mean, variance = self._stats()
        mean, variance = tl.cast(mean, x.dtype), tl.cast(variance, x.dtype)
        std = tl.maximum(tl.sqrt(variance), EPSILON)
        return mean + x * std if self.invert else (x - mean) / std

    def adapt(self, data) -> None:
        """Sets mean and variance from `data`: an array or tensor (all of it), or a tl.data Dataset or
        any iterable of batches (combined batch by batch, each weighted by its size)."""
        if self.input_mean is not None:
            raise ValueError(f"{self.name}: adapt() learns the statistics; this layer was given mean and variance")
        if isinstance(data, (np.ndarray, tl.Tensor, tl.Variable)):
            batches = iter([_array(data)])
        else:
            batches = (_array(b[0] if isinstance(b, (tuple, list)) else b) for b in data)
        first = next(batches, None)
        if first is None:
            raise ValueError(f"{self.name}: adapt() got no data (an empty iterable of batches)")
        if not self.built:
            self._maybe_build(tl.constant(first.astype(np.float32)))
        total_mean = total_var = None
        total = 0
        for batch in _chain(first, batches):
            batch = batch.astype(np.float64)
            if batch.ndim != len(self._built_shape) or any(batch.shape[a] != self._built_shape[a] for a in self._keep):
                raise ValueError(f"{self.name}: adapt() got a batch of shape {list(batch.shape)}; the layer was "
                                 f"built for inputs of shape {list(self._built_shape)}")
            n = int(np.prod([batch.shape[a] for a in self._reduce], dtype=np.int64))
            mean, var = batch.mean(axis=self._reduce), batch.var(axis=self._reduce)
            if total_mean is None:
                total_mean, total_var, total = mean, var, n
                continue
            w = n / (total + n)  # Chan et al.'s pairwise update of mean and variance
            new_mean = total_mean * (1 - w) + mean * w
            total_var = (total_var + (total_mean - new_mean) ** 2) * (1 - w) + (var + (mean - new_mean) ** 2) * w
            total_mean, total = new_mean, total + n
        self.adapt_mean.assign(np.asarray(total_mean, np.float32).reshape(self.adapt_mean.shape))
        self.adapt_variance.assign(np.asarray(total_var, np.float32).reshape(self.adapt_variance.shape))


def _array(x) -> np.ndarray:
    return np.asarray(x.numpy() if hasattr(x, "numpy") else x)


def _chain(first, rest):
    yield first
    yield from rest



class Resizing(Layer):
    """Images (NHWC, or one HWC image) resized to (height, width) as tf.image.resize does
    (half-pixel centres, no antialiasing); `crop_to_aspect_ratio=True` first crops the largest
    centred window of the target's aspect ratio."""

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False, pad_to_aspect_ratio=False,
                 data_format=None, **kwargs):
        super().__init__(**kwargs)
        if interpolation not in ("bilinear", "nearest"):
            raise NotImplementedError(f"Resizing(interpolation={interpolation!r}): 'bilinear' and 'nearest' only "
                                      "(the resize ops TFLite has)")
        if pad_to_aspect_ratio:
            raise NotImplementedError("Resizing(pad_to_aspect_ratio=True) is not supported; crop_to_aspect_ratio is")
        if data_format not in (None, "channels_last"):
            raise NotImplementedError(f"Resizing(data_format={data_format!r}): only channels_last")
        self.height, self.width, self.interpolation = int(height), int(width), interpolation
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)

    def call(self, inputs):
        x = _as_float(self, inputs)
        single = x.ndim == 3
        if x.ndim not in (3, 4):
            raise ValueError(f"{self.name}: Resizing expects images of rank 3 or 4, got shape {list(x.shape)}")
        if single:
            x = tl.expand_dims(x, 0)
        if self.crop_to_aspect_ratio:
            h, w = x.shape[1], x.shape[2]
            ch = min(h, int(w * self.height / self.width))
            cw = min(w, int(h * self.width / self.height))
            top, left = (h - ch) // 2, (w - cw) // 2
            x = x[:, top:top + ch, left:left + cw, :]
        y = tl.image.resize(x, (self.height, self.width), method=self.interpolation)
        return tl.squeeze(y, 0) if single else y


class CenterCrop(Layer):
    """The centred (height, width) window of NHWC images (or one HWC image); an image smaller than
    the target on either side is instead cropped to the target's aspect ratio and resized, as Keras
    does."""

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise NotImplementedError(f"CenterCrop(data_format={data_format!r}): only channels_last")
        self.height, self.width = int(height), int(width)

    def call(self, inputs):
        x = _as_float(self, inputs)
        if x.ndim not in (3, 4):
            raise ValueError(f"{self.name}: CenterCrop expects images of rank 3 or 4, got shape {list(x.shape)}")
        h, w = x.shape[-3], x.shape[-2]
        if h >= self.height and w >= self.width:
            top, left = (h - self.height) // 2, (w - self.width) // 2
            return x[..., top:top + self.height, left:left + self.width, :]
        return Resizing(self.height, self.width, crop_to_aspect_ratio=True, name=f"{self.name}_resize")(x)
