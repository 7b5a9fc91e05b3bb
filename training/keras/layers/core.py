"""Core layers: Dense, Activation, ReLU, Softmax, Dropout, Flatten, Reshape, Embedding."""
from __future__ import annotations

import math

import tensorlite as tl

from .. import activations
from ..engine.layer import Layer


class Dense(Layer):
    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", **kwargs):
        super().__init__(**kwargs)
        self.units, self.use_bias = int(units), use_bias
        self.activation = activations.get(activation)
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer

    def build(self, input_shape):
        self.kernel = self.add_weight("kernel", (input_shape[-1], self.units), self.kernel_initializer)
        self.bias = self.add_weight("bias", (self.units,), self.bias_initializer) if self.use_bias else None

    def call(self, inputs):
        y = tl.matmul(inputs, self.kernel) if inputs.ndim == 2 else \
            tl.reshape(tl.matmul(tl.reshape(inputs, [-1, inputs.shape[-1]]), self.kernel),
                       list(inputs.shape[:-1]) + [self.units])
        if self.bias is not None:
            y = y + self.bias
        return self.activation(y)


class Activation(Layer):
    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)


class ReLU(Layer):
    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if threshold:
            raise NotImplementedError("ReLU(threshold != 0) is not supported")
        self.max_value, self.negative_slope = max_value, negative_slope

    def call(self, inputs):
        if self.max_value == 6.0 and not self.negative_slope:
            return tl.nn.relu6(inputs)
        y = tl.nn.leaky_relu(inputs, alpha=self.negative_slope) if self.negative_slope else tl.nn.relu(inputs)
        return y if self.max_value is None else tl.minimum(y, float(self.max_value))


class Softmax(Layer):
    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs):
        return tl.nn.softmax(inputs, axis=self.axis)


class Dropout(Layer):
    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate < 1:
            raise ValueError(f"Dropout: rate must be in [0, 1), got {rate}")
        self.rate, self.noise_shape, self.seed = rate, noise_shape, seed

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        return tl.nn.dropout(inputs, rate=self.rate, noise_shape=self.noise_shape, seed=self.seed)


class Flatten(Layer):
    def call(self, inputs):
        return tl.reshape(inputs, [inputs.shape[0], math.prod(inputs.shape[1:])])


class Reshape(Layer):
    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)

    def call(self, inputs):
        return tl.reshape(inputs, [inputs.shape[0], *self.target_shape])


class Embedding(Layer):
    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", **kwargs):
        super().__init__(**kwargs)
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        self.embeddings_initializer = "random_uniform" if embeddings_initializer == "uniform" \
            else embeddings_initializer

    def build(self, input_shape):
        self.embeddings = self.add_weight("embeddings", (self.input_dim, self.output_dim),
                                          self.embeddings_initializer)

    def call(self, inputs):
        return tl.gather(self.embeddings, tl.cast(inputs, tl.int32))
