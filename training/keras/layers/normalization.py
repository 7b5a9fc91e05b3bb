"""BatchNormalization and LayerNormalization."""
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
