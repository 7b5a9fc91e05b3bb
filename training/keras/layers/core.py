"""Core layers: Dense, Activation, ReLU, Softmax, Dropout, Flatten, Reshape, Embedding, Identity, Lambda."""
from __future__ import annotations

import math

import tensorlite as tl

from .. import activations
from ..engine.layer import Layer
from ..regularizers import attach


class Dense(Layer):
    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units, self.use_bias = int(units), use_bias
        self.activation = activations.get(activation)
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self._kernel_extras = (kernel_regularizer, kernel_constraint)
        self._bias_extras = (bias_regularizer, bias_constraint)

    def build(self, input_shape):
        if len(input_shape) < 2:
            raise ValueError(f"{self.name}: Dense expects inputs of rank >= 2 (batch, ..., features), "
                             f"got shape {list(input_shape)}")
        self.kernel = attach(self.add_weight("kernel", (input_shape[-1], self.units), self.kernel_initializer),
                             *self._kernel_extras)
        self.bias = attach(self.add_weight("bias", (self.units,), self.bias_initializer), *self._bias_extras) \
            if self.use_bias else None

    def call(self, inputs):
        y = tl.matmul(inputs, self.kernel)  # batched matmul broadcasts the kernel over leading dims
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
    """f(x) = min(x, max_value) for x >= threshold, negative_slope * (x - threshold) below it."""

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0:
            raise ValueError(f"ReLU: max_value must be >= 0, got {max_value}")
        if negative_slope < 0:
            raise ValueError(f"ReLU: negative_slope must be >= 0, got {negative_slope}")
        self.max_value, self.negative_slope, self.threshold = max_value, float(negative_slope), float(threshold)

    def call(self, inputs):
        # the plain forms map to single ops (and single TFLite builtins)
        if self.threshold == 0 and self.max_value == 6 and not self.negative_slope:
            return tl.nn.relu6(inputs)
        if self.threshold == 0:
            y = tl.nn.leaky_relu(inputs, alpha=self.negative_slope) if self.negative_slope else tl.nn.relu(inputs)
        else:
            below = (inputs - self.threshold) * self.negative_slope
            y = tl.where(inputs >= self.threshold, inputs, below)
        return y if self.max_value is None else tl.minimum(y, float(self.max_value))


class Softmax(Layer):
    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs):
        return tl.nn.softmax(inputs, axis=self.axis)


class Dropout(Layer):
    """Active only with training=True. With `seed`, the layer draws its masks from its own
    tl.random.SeedGenerator (a new mask per call, also in a traced step; two layers with one seed
    draw alike); without, from tl.random's."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate < 1:
            raise ValueError(f"Dropout: rate must be in [0, 1), got {rate}")
        self.rate, self.noise_shape, self.seed = float(rate), noise_shape, seed
        self._seeds = None if seed is None else tl.random.SeedGenerator(seed, name=f"{self.name}/seed_generator")

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        shape = None if self.noise_shape is None else \
            [d if n is None else n for n, d in zip(self.noise_shape, inputs.shape)]
        return tl.nn.dropout(inputs, rate=self.rate, noise_shape=shape, generator=self._seeds)


class Flatten(Layer):
    def call(self, inputs):
        return tl.reshape(inputs, [-1, math.prod(inputs.shape[1:])])


class Reshape(Layer):
    """`target_shape` excludes the batch; one entry may be -1 (inferred)."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(int(d) for d in target_shape)
        if self.target_shape.count(-1) > 1:
            raise ValueError(f"Reshape: at most one -1 in target_shape, got {self.target_shape}")

    def call(self, inputs):
        size, known = math.prod(inputs.shape[1:]), math.prod(d for d in self.target_shape if d != -1)
        if size % max(known, 1) or (-1 not in self.target_shape and size != known):
            raise ValueError(f"{self.name}: cannot reshape {tuple(inputs.shape[1:])} ({size} values per sample) "
                             f"to {self.target_shape}")
        shape = [size // max(known, 1) if d == -1 else d for d in self.target_shape]
        return tl.reshape(inputs, [-1, *shape])


class Embedding(Layer):
    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", embeddings_regularizer=None,
                 embeddings_constraint=None, **kwargs):
        super().__init__(**kwargs)
        self._extras = (embeddings_regularizer, embeddings_constraint)
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        self.embeddings_initializer = "random_uniform" if embeddings_initializer == "uniform" \
            else embeddings_initializer

    def build(self, input_shape):
        self.embeddings = attach(self.add_weight("embeddings", (self.input_dim, self.output_dim),
                                                 self.embeddings_initializer), *self._extras)

    def _convert_input(self, x, index):
        return x if isinstance(x, tl.Tensor) else tl.convert_to_tensor(x)  # ids stay integers

    def call(self, inputs):
        if inputs.dtype.is_floating:
            inputs = tl.cast(inputs, tl.int32)
        return tl.gather(self.embeddings, inputs)


class Identity(Layer):
    """Returns its input unchanged (a placeholder layer)."""

    def _convert_input(self, x, index):
        return x if isinstance(x, tl.Tensor) else tl.convert_to_tensor(x)

    def call(self, inputs):
        return inputs


class Lambda(Layer):
    """Wraps a function of tensors built from tl ops (so gradients flow) as a layer."""

    def __init__(self, function, arguments=None, **kwargs):
        super().__init__(**kwargs)
        self.function, self.arguments = function, dict(arguments or {})

    def _convert_input(self, x, index):
        return x if isinstance(x, tl.Tensor) else tl.convert_to_tensor(x)

    def call(self, inputs):
        return self.function(inputs, **self.arguments)
