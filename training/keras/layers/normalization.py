"""BatchNormalization, LayerNormalization, GroupNormalization, RMSNormalization, UnitNormalization."""
from __future__ import annotations

import tensorlite as tl

from ..engine.layer import Layer


class BatchNormalization(Layer):
    """Training (training=True and the layer trainable): normalizes with the batch moments and
    moves the moving statistics, moving = moving * momentum + batch * (1 - momentum).
    Otherwise (inference, or a frozen layer, as Keras does for fine-tuning): the moving statistics."""

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", moving_mean_initializer="zeros",
                 moving_variance_initializer="ones", **kwargs):
        super().__init__(**kwargs)
        self.axis, self.momentum, self.epsilon, self.center, self.scale = int(axis), momentum, epsilon, center, scale
        self.inits = (gamma_initializer, beta_initializer, moving_mean_initializer, moving_variance_initializer)

    def build(self, input_shape):
        rank = len(input_shape)
        if not -rank <= self.axis < rank:
            raise ValueError(f"{self.name}: axis {self.axis} is out of range for inputs of shape {list(input_shape)}")
        self.axis %= rank
        c = (input_shape[self.axis],)
        self.gamma = self.add_weight("gamma", c, self.inits[0]) if self.scale else None
        self.beta = self.add_weight("beta", c, self.inits[1]) if self.center else None
        self.moving_mean = self.add_weight("moving_mean", c, self.inits[2], trainable=False)
        self.moving_variance = self.add_weight("moving_variance", c, self.inits[3], trainable=False)

    def call(self, inputs, training=None):
        if training and self.trainable and self.axis == inputs.ndim - 1:
            # channels last: one fused op for the batch moments and the normalization (and one for its
            # gradient), instead of a dozen elementwise ops and reductions each way
            from ...ops.batch_norm import batch_norm_train
            c = inputs.shape[-1]
            gamma = self.gamma if self.gamma is not None else tl.ones((c,), inputs.dtype)
            beta = self.beta if self.beta is not None else tl.zeros((c,), inputs.dtype)
            y, mean, variance = batch_norm_train(inputs, gamma, beta, self.epsilon)
            m = self.momentum
            self.moving_mean.assign(self.moving_mean.read_value() * m + tl.stop_gradient(mean) * (1 - m))
            self.moving_variance.assign(self.moving_variance.read_value() * m +
                                        tl.stop_gradient(variance) * (1 - m))
            return y
        if training and self.trainable:
            axes = [a for a in range(inputs.ndim) if a != self.axis]
            mean, variance = tl.nn.moments(inputs, axes)
            m = self.momentum
            self.moving_mean.assign(self.moving_mean.read_value() * m + tl.stop_gradient(mean) * (1 - m))
            self.moving_variance.assign(self.moving_variance.read_value() * m +
                                        tl.stop_gradient(variance) * (1 - m))
        else:
            mean, variance = self.moving_mean.read_value(), self.moving_variance.read_value()
        params = [mean, variance, self.beta, self.gamma]
        if self.axis != inputs.ndim - 1:  # per-channel vectors broadcast along the normalized axis
            shape = [inputs.shape[a] if a == self.axis else 1 for a in range(inputs.ndim)]
            params = [None if p is None else tl.reshape(p, shape) for p in params]
        mean, variance, beta, gamma = params
        return tl.nn.batch_normalization(inputs, mean, variance, beta, gamma, self.epsilon)


class LayerNormalization(Layer):
    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", **kwargs):
        super().__init__(**kwargs)
        self.axis = [axis] if isinstance(axis, int) else list(axis)
        self.epsilon, self.center, self.scale = epsilon, center, scale
        self.inits = (gamma_initializer, beta_initializer)

    def build(self, input_shape):
        rank = len(input_shape)
        self.axis = [a % rank for a in self.axis]
        shape = tuple(input_shape[a] for a in self.axis)
        self.gamma = self.add_weight("gamma", shape, self.inits[0]) if self.scale else None
        self.beta = self.add_weight("beta", shape, self.inits[1]) if self.center else None

    def call(self, inputs):
        mean = tl.reduce_mean(inputs, axis=self.axis, keepdims=True)
        variance = tl.reduce_mean(tl.square(inputs - mean), axis=self.axis, keepdims=True)
        y = (inputs - mean) * tl.rsqrt(variance + self.epsilon)
        bshape = [inputs.shape[i] if i in self.axis else 1 for i in range(inputs.ndim)]
        if self.gamma is not None:
            y = y * tl.reshape(self.gamma, bshape)
        if self.beta is not None:
            y = y + tl.reshape(self.beta, bshape)
        return y


def _axes(axis, rank: int) -> list[int]:
    axes = [axis] if isinstance(axis, int) else list(axis)
    if any(not -rank <= a < rank for a in axes):
        raise ValueError(f"axis {axis} is out of range for inputs of rank {rank}")
    return sorted(a % rank for a in axes)


class UnitNormalization(Layer):
    """x / ||x|| over `axis` (the norm floored at 1e-12, as Keras's)."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs):
        axes = _axes(self.axis, inputs.ndim)
        # min(rsqrt(s), 1e12) as Keras computes it, written so a zero input takes no infinite step
        inv = tl.rsqrt(tl.maximum(tl.reduce_sum(tl.square(inputs), axis=axes, keepdims=True), 1e-24))
        return inputs * inv


class RMSNormalization(Layer):
    """x * rsqrt(mean(x^2 over axis) + epsilon) * scale, `scale` learned per position of the axis."""

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.axis, self.epsilon = axis, float(epsilon)

    def build(self, input_shape):
        self._axes = _axes(self.axis, len(input_shape))
        self.scale = self.add_weight("scale", tuple(input_shape[a] for a in self._axes), "ones")

    def call(self, inputs):
        rrms = tl.rsqrt(tl.reduce_mean(tl.square(inputs), axis=self._axes, keepdims=True) + self.epsilon)
        shape = [inputs.shape[i] if i in self._axes else 1 for i in range(inputs.ndim)]
        return inputs * rrms * tl.reshape(self.scale, shape)


class GroupNormalization(Layer):
    """The channels (`axis`) split into `groups` groups; each sample is normalized over each group's
    channels and all other axes, then scaled by gamma and shifted by beta per channel."""

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", **kwargs):
        super().__init__(**kwargs)
        self.groups, self.axis, self.epsilon = int(groups), int(axis), float(epsilon)
        self.center, self.scale = center, scale
        self.inits = (gamma_initializer, beta_initializer)

    def build(self, input_shape):
        rank = len(input_shape)
        self._axis = _axes(self.axis, rank)[0]
        c = input_shape[self._axis]
        if self.groups == -1:
            self.groups = c
        if c < self.groups or c % self.groups:
            raise ValueError(f"{self.name}: {c} channels cannot be split into {self.groups} equal groups")
        self.gamma = self.add_weight("gamma", (c,), self.inits[0]) if self.scale else None
        self.beta = self.add_weight("beta", (c,), self.inits[1]) if self.center else None

    def call(self, inputs):
        a, g = self._axis, self.groups
        shape = list(inputs.shape)
        grouped = tl.reshape(inputs, [-1, *shape[1:a], g, shape[a] // g, *shape[a + 1:]])
        axes = [i for i in range(1, grouped.ndim) if i != a]
        mean, variance = tl.nn.moments(grouped, axes, keepdims=True)
        y = tl.reshape((grouped - mean) * tl.rsqrt(variance + self.epsilon), [-1, *shape[1:]])
        bshape = [shape[i] if i == a else 1 for i in range(len(shape))]
        if self.gamma is not None:
            y = y * tl.reshape(self.gamma, bshape)
        if self.beta is not None:
            y = y + tl.reshape(self.beta, bshape)
        return y
