"""Merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate (a list of
inputs, broadcast elementwise as the ops do), Dot (Keras's batch_dot), and Keras's function forms
(`add([a, b])`)."""
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


class Dot(_Merge):
    """Batchwise dot product of two inputs along `axes` (one int for both, or one per input; never 0,
    the batch): the result keeps x's other axes, then y's; two 2-D inputs give (batch, 1).
    `normalize=True` L2-normalizes both along those axes first (cosine proximity)."""
    n_inputs = 2

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        self.axes, self.normalize = axes, normalize

    def call(self, inputs):
        self._check(inputs)
        x, y = inputs
        axes = (self.axes, self.axes) if isinstance(self.axes, int) else tuple(self.axes)
        ax, ay = axes[0] % x.ndim, axes[1] % y.ndim
        if 0 in (ax, ay):
            raise ValueError(f"{self.name}: Dot cannot contract axis 0 (the batch)")
        if x.shape[ax] != y.shape[ay]:
            raise ValueError(f"{self.name}: axes {list(axes)} pair sizes {x.shape[ax]} and {y.shape[ay]} "
                             f"of shapes {list(x.shape)} and {list(y.shape)}")
        if self.normalize:
            x, y = _l2_normalize(x, ax), _l2_normalize(y, ay)
        letters = "bcdefghijklmnopqrstuvwxyz"
        xs = ["a"] + [letters[i] for i in range(x.ndim - 1)]
        ys = ["a"] + [letters[x.ndim - 1 + i] for i in range(y.ndim - 1)]
        ys[ay] = xs[ax]
        out = [c for c in xs if c != xs[ax]] + [c for c in ys[1:] if c != xs[ax]]
        z = tl.einsum(f"{''.join(xs)},{''.join(ys)}->{''.join(out)}", x, y)
        return tl.expand_dims(z, 1) if z.ndim == 1 else z


def _l2_normalize(x, axis):
    inv = tl.rsqrt(tl.maximum(tl.reduce_sum(tl.square(x), axis=[axis], keepdims=True), 1e-14))  # norm >= 1e-7
    return x * inv


def dot(inputs, axes=-1, normalize=False, **kwargs):
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)


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
