"""Noise layers active only with training=True: SpatialDropout1D/2D/3D (whole channels dropped),
GaussianNoise (additive zero-mean noise) and GaussianDropout (multiplicative mean-one noise).
Like Dropout, a `seed` gives the layer its own tl.random.SeedGenerator (a new draw per call, also in
a traced step, reproducible); without one, draws come from tl.random's. ActivityRegularization passes
its input through and adds an L1/L2 activity penalty to the layer losses."""
from __future__ import annotations

import tensorlite as tl

from ...ops.dropout import random_like
from .. import regularizers
from ..engine.layer import Layer
from .core import Dropout


class ActivityRegularization(Layer):
    """The identity, with the activity penalty l1 * sum(|x|) + l2 * sum(x^2) (divided by the batch size,
    as every activity penalty) added to the layer losses at each call."""

    _not_in_config = ("activity_regularizer",)  # Keras 3's config holds l1 and l2 instead

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1, self.l2 = float(l1), float(l2)

    def call(self, inputs):
        return inputs


class _SpatialDropout(Dropout):
    rank = 3

    def __init__(self, rate, seed=None, data_format=None, **kwargs):
        super().__init__(rate, seed=seed, **kwargs)
        if data_format not in (None, "channels_last"):
            raise NotImplementedError(f"{type(self).__name__}(data_format={data_format!r}): only channels_last")

    def call(self, inputs, training=None):
        if inputs.ndim != self.rank:
            raise ValueError(f"{self.name}: {type(self).__name__} expects channels-last inputs of rank {self.rank}, "
                             f"got shape {list(inputs.shape)}")
        self.noise_shape = (inputs.shape[0],) + (1,) * (self.rank - 2) + (inputs.shape[-1],)
        return super().call(inputs, training=training)


class SpatialDropout1D(_SpatialDropout):
    """Drops whole channels of (N, steps, C): one mask entry per sample and channel."""


class SpatialDropout2D(_SpatialDropout):
    """Drops whole feature maps of NHWC images: one mask entry per sample and channel."""
    rank = 4


class SpatialDropout3D(_SpatialDropout):
    """Drops whole feature volumes of NDHWC inputs: one mask entry per sample and channel."""
    rank = 5


class GaussianNoise(Layer):
    """x + N(0, stddev^2) noise when training; the identity otherwise."""

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        if stddev < 0:
            raise ValueError(f"GaussianNoise: stddev must be >= 0, got {stddev}")
        self.stddev, self.seed = float(stddev), seed
        self._seeds = None if seed is None else tl.random.SeedGenerator(seed, name=f"{self.name}/seed_generator")

    def call(self, inputs, training=None):
        if not training or self.stddev == 0:
            return inputs
        return inputs + random_like(inputs, "normal", self._seeds) * self.stddev


class GaussianDropout(Layer):
    """x * N(1, rate / (1 - rate)) noise when training; the identity otherwise."""

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate < 1:
            raise ValueError(f"GaussianDropout: rate must be in [0, 1), got {rate}")
        self.rate, self.seed = float(rate), seed
        self._seeds = None if seed is None else tl.random.SeedGenerator(seed, name=f"{self.name}/seed_generator")

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        stddev = (self.rate / (1.0 - self.rate)) ** 0.5
        return inputs * (random_like(inputs, "normal", self._seeds) * stddev + 1.0)
