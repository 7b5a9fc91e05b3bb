"""`tl.keras.regularizers`: weight penalties (Keras 3's L1, L2, L1L2).

A layer argument such as `kernel_regularizer=L2(0.01)` is kept on the weight's variable
(`variable.regularizer`, as Keras 3 keeps it); `penalties(layer)` lists the penalty of every
regularized trainable weight of a layer tree, which `layer.losses` ends with and `fit` adds to its
loss, as Keras 3 does (so the logged loss includes them). `activity_regularizer=` (any layer) adds
the penalty of the layer's outputs, divided by their batch size, to `layer.losses` at each call.
"""
from __future__ import annotations

import tensorlite as tl


class Regularizer:
    """A penalty `fn(weight) -> scalar tensor`."""

    def __call__(self, x):
        return tl.constant(0.0, dtype=x.dtype)

    def get_config(self) -> dict:
        return {}


class L1L2(Regularizer):
    """l1 * sum(|x|) + l2 * sum(x^2); both factors default to 0."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1, self.l2 = _factor(l1, "l1"), _factor(l2, "l2")

    def __call__(self, x):
        x = _value(x)
        total = tl.constant(0.0, dtype=x.dtype)
        if self.l1:
            total = total + tl.reduce_sum(tl.abs(x)) * self.l1
        if self.l2:
            total = total + tl.reduce_sum(tl.square(x)) * self.l2
        return total

    def get_config(self) -> dict:
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """l1 * sum(|x|)."""

    def __init__(self, l1=0.01):
        self.l1 = _factor(l1, "l1")

    def __call__(self, x):
        return tl.reduce_sum(tl.abs(_value(x))) * self.l1

    def get_config(self) -> dict:
        return {"l1": self.l1}


class L2(Regularizer):
    """l2 * sum(x^2)."""

    def __init__(self, l2=0.01):
        self.l2 = _factor(l2, "l2")

    def __call__(self, x):
        return tl.reduce_sum(tl.square(_value(x))) * self.l2

    def get_config(self) -> dict:
        return {"l2": self.l2}


l1, l2, l1_l2 = L1, L2, L1L2  # Keras's function-style names
_BY_NAME = {"Regularizer": Regularizer, "L1": L1, "L2": L2, "L1L2": L1L2, "l1": L1, "l2": L2, "l1_l2": L1L2,
            "regularizer": Regularizer}


def _factor(value, what: str) -> float:
    value = 0.0 if value is None else value
    if not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"regularizer: {what} must be a number >= 0, got {value!r}")
    return float(value)


def _value(x):
    return x.read_value() if isinstance(x, tl.Variable) else tl.convert_to_tensor(x)


def get(identifier):
    """None, an instance or any callable, a class, or a name ("l2", "L1L2", "l1_l2")."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            raise ValueError(f"unknown regularizer {identifier!r}; known: {', '.join(sorted(_BY_NAME))}")
        return _BY_NAME[identifier]()
    if isinstance(identifier, type):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"could not interpret regularizer {identifier!r}")


def attach(variable, regularizer=None, constraint=None):
    """Keeps a weight's regularizer and constraint on its variable (TF's `Variable.constraint`), where
    `Layer.losses` and the optimizer (constraints) find them. Returns the variable."""
    from . import constraints
    variable.regularizer = get(regularizer)
    variable.constraint = constraints.get(constraint)
    return variable


def penalties(layer) -> list:
    """The penalty of each regularized trainable weight in `layer`'s tree (the weight part of Keras's
    `layer.losses`), as scalar tensors."""
    return [v.regularizer(v.read_value()) for v in layer.trainable_weights
            if getattr(v, "regularizer", None) is not None]
