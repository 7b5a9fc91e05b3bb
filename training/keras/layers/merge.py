"""Merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate (a list of
inputs, broadcast elementwise as the ops do), and Keras's function forms (`add([a, b])`)."""
from __future__ import annotations

import tensorlite as tl

from ..engine.layer import Layer


class _Merge(Layer):
    n_inputs = None  # None: two or more

    def _check(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError(f"{self.name}: expects a list of at least 2 inputs, got "
                             f"{len(inputs) if isinstance(inputs, (list, tuple)) else 'a single tensor'}")
        if self.n_inputs is not None and len(inputs) != self.n_inputs:
            raise ValueError(f"{self.name}: expects exactly {self.n_inputs} inputs, got {len(inputs)}")

    def call(self, inputs):
        self._check(inputs)
        out = inputs[0]
        for x in inputs[1:]:
            out = self.merge(out, x)
        return out


class Add(_Merge):
    def merge(self, a, b):
        return a + b


class Subtract(_Merge):
    n_inputs = 2

    def merge(self, a, b):
        return a - b


class Multiply(_Merge):
    def merge(self, a, b):
        return a * b


class Maximum(_Merge):
    def merge(self, a, b):
        return tl.maximum(a, b)


class Minimum(_Merge):
    def merge(self, a, b):
        return tl.minimum(a, b)


class Average(Add):
    def call(self, inputs):
        return super().call(inputs) * (1.0 / len(inputs))


class Concatenate(_Merge):
    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs):
        self._check(inputs)
        return tl.concat(list(inputs), axis=self.axis)


def add(inputs, **kwargs):
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    return Concatenate(axis=axis, **kwargs)(inputs)
