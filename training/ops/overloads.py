"""Python operators on Tensor and Variable (`+`, `*`, `@`, `<`, `x[...]`), routed to the cards."""
from __future__ import annotations

from ..tensor import Tensor, Variable
from . import binary as b
from . import matmul, unary


def _getitem(x, key):
    from .strided_slice import getitem  # the slicing card turns Python keys into strided_slice
    return getitem(x, key)


_METHODS = {
    "__add__": lambda x, y: b.add(x, y),
    "__radd__": lambda x, y: b.add(y, x),
    "__sub__": lambda x, y: b.subtract(x, y),
    "__rsub__": lambda x, y: b.subtract(y, x),
    "__mul__": lambda x, y: b.multiply(x, y),
    "__rmul__": lambda x, y: b.multiply(y, x),
    "__truediv__": lambda x, y: b.divide(x, y),
    "__rtruediv__": lambda x, y: b.divide(y, x),
    "__mod__": lambda x, y: b.floormod(x, y),
    "__rmod__": lambda x, y: b.floormod(y, x),
    "__pow__": lambda x, y: b.pow(x, y),
    "__rpow__": lambda x, y: b.pow(y, x),
    "__matmul__": lambda x, y: matmul.matmul(x, y),
    "__rmatmul__": lambda x, y: matmul.matmul(y, x),
    "__neg__": lambda x: b.negative(x),
    "__abs__": lambda x: unary.abs(x),
    "__lt__": lambda x, y: b.less(x, y),
    "__le__": lambda x, y: b.less_equal(x, y),
    "__gt__": lambda x, y: b.greater(x, y),
    "__ge__": lambda x, y: b.greater_equal(x, y),
    "__and__": lambda x, y: b.logical_and(x, y),
    "__or__": lambda x, y: b.logical_or(x, y),
    "__getitem__": _getitem,
}

for _cls in (Tensor, Variable):
    for _name, _fn in _METHODS.items():
        setattr(_cls, _name, _fn)

# Elementwise `==` as in TensorFlow 2, for tensors only (variables stay hashable identities).
Tensor.__eq__ = lambda x, y: b.equal(x, y)
Tensor.__ne__ = lambda x, y: b.not_equal(x, y)
