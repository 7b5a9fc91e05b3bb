"""Activation layers with parameters: LeakyReLU, PReLU, ELU (Keras 3's defaults)."""
from __future__ import annotations

import tensorlite as tl

from .. import activations
from ..engine.layer import Layer
from ..regularizers import attach


class LeakyReLU(Layer):
    """x for x >= 0, negative_slope * x below (Keras 3's default slope 0.3; Keras 2's `alpha`
    is accepted as the same argument)."""

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError(f"LeakyReLU: negative_slope must be a number >= 0, got {negative_slope}")
        self.negative_slope = float(negative_slope)

    def call(self, inputs):
        return tl.nn.leaky_relu(inputs, alpha=self.negative_slope)


class PReLU(Layer):
    """max(x, 0) + alpha * min(x, 0) with a learned `alpha` per position of the input (batch
    excluded), shared (size 1) along `shared_axes` (1-based, as in Keras)."""

    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None, alpha_constraint=None, shared_axes=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = alpha_initializer
        self.alpha_regularizer, self.alpha_constraint = alpha_regularizer, alpha_constraint
        if isinstance(shared_axes, int):
            shared_axes = (shared_axes,)
        self.shared_axes = tuple(int(a) for a in shared_axes or ())

    def build(self, input_shape):
        shape = list(input_shape[1:])
        for a in self.shared_axes:
            if not 1 <= a <= len(shape):
                raise ValueError(f"{self.name}: shared axis {a} is out of range for inputs of shape "
                                 f"{list(input_shape)} (axes count from 1, the batch is axis 0)")
            shape[a - 1] = 1
        self.alpha = attach(self.add_weight("alpha", tuple(shape), self.alpha_initializer),
                            self.alpha_regularizer, self.alpha_constraint)

    def call(self, inputs):
        return tl.nn.relu(inputs) - self.alpha * tl.nn.relu(-inputs)


class ELU(Layer):
    """x for x > 0, alpha * (exp(x) - 1) below."""

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = float(alpha)

    def call(self, inputs):
        return activations.elu(inputs, self.alpha)
