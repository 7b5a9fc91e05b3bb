"""Helpers shared by the op cards' public functions (not by kernels or gradients)."""
from __future__ import annotations

from ..tensor import Tensor, Variable, convert_to_tensor


def is_tensor(x) -> bool:
    return isinstance(x, (Tensor, Variable))


def operands(*xs):
    """Converts operands to tensors of one dtype: Python scalars, lists and arrays take the dtype
    of the first tensor operand (TensorFlow's rule for `x + 1.0`); tensors are left alone so a
    dtype mismatch between two tensors is reported by the op's inference."""
    anchor = next((x for x in xs if is_tensor(x)), None)
    if anchor is None:
        first = convert_to_tensor(xs[0])
        return (first,) + tuple(convert_to_tensor(x, dtype=first.dtype) for x in xs[1:])
    return tuple(convert_to_tensor(x) if is_tensor(x) else convert_to_tensor(x, dtype=anchor.dtype) for x in xs)


def axis_tuple(axis, rank: int | None = None):
    """`axis` as a tuple of ints (None stays None); negative axes are kept for inference to check."""
    if axis is None:
        return None
    if hasattr(axis, "numpy"):
        axis = axis.numpy().tolist()
    return tuple(int(a) for a in axis) if isinstance(axis, (list, tuple)) else (int(axis),)
