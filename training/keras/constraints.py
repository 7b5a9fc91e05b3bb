"""`tl.keras.constraints`: projections applied to a weight after each optimizer step (Keras 3's
MaxNorm, NonNeg, UnitNorm, MinMaxNorm). A layer's `kernel_constraint=` is kept on the variable
(`variable.constraint`, TF's attribute) and `Optimizer.apply_gradients` assigns
`constraint(variable)` after updating it, as Keras 3's optimizers do."""
from __future__ import annotations

import tensorlite as tl

EPSILON = 1e-7  # Keras's backend.epsilon()


def _value(w):
    return w.read_value() if isinstance(w, tl.Variable) else tl.convert_to_tensor(w)


def _norms(w, axis):
    return tl.sqrt(tl.reduce_sum(tl.square(w), axis=axis, keepdims=True))


class Constraint:
    def __call__(self, w):
        return _value(w)

    def get_config(self) -> dict:
        return {}


class MaxNorm(Constraint):
    """Rescales the slices along `axis` (0: each output unit of a Dense kernel) whose L2 norm exceeds
    `max_value` down to it."""

    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = float(max_value), axis

    def __call__(self, w):
        w = _value(w)
        norms = _norms(w, self.axis)
        desired = tl.clip_by_value(norms, 0.0, self.max_value)
        return w * (desired / (norms + EPSILON))

    def get_config(self) -> dict:
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Negative entries become 0."""

    def __call__(self, w):
        return tl.maximum(_value(w), 0.0)


class UnitNorm(Constraint):
    """Each slice along `axis` divided by its L2 norm."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        w = _value(w)
        return w / (_norms(w, self.axis) + EPSILON)

    def get_config(self) -> dict:
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Norms moved towards [min_value, max_value]: desired = rate * clip(norm) + (1 - rate) * norm."""

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value, self.max_value, self.rate, self.axis = float(min_value), float(max_value), float(rate), axis

    def __call__(self, w):
        w = _value(w)
        norms = _norms(w, self.axis)
        desired = tl.clip_by_value(norms, self.min_value, self.max_value) * self.rate + norms * (1 - self.rate)
        return w * (desired / (norms + EPSILON))

    def get_config(self) -> dict:
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate, "axis": self.axis}


max_norm, non_neg, unit_norm, min_max_norm = MaxNorm, NonNeg, UnitNorm, MinMaxNorm  # Keras's aliases
NonNegative = NonNeg
_BY_NAME = {"MaxNorm": MaxNorm, "NonNeg": NonNeg, "UnitNorm": UnitNorm, "MinMaxNorm": MinMaxNorm,
            "max_norm": MaxNorm, "non_neg": NonNeg, "unit_norm": UnitNorm, "min_max_norm": MinMaxNorm,
            "Constraint": Constraint}


def get(identifier):
    """None, an instance or callable, a class, or a name ("max_norm", "NonNeg")."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            raise ValueError(f"unknown constraint {identifier!r}; known: {', '.join(sorted(_BY_NAME))}")
        return _BY_NAME[identifier]()
    if isinstance(identifier, type):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"could not interpret constraint {identifier!r}")
