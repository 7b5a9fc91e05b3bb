"""TensorSpec: a shape and dtype without values. Shape inference works on specs; so does tracing."""
from __future__ import annotations

from .dtypes import DType, as_dtype


class TensorSpec:
    """Static description of a tensor: `shape` is a tuple whose entries may be None (unknown)."""

    __slots__ = ("shape", "dtype", "name")

    def __init__(self, shape, dtype: DType | str = "float32", name: str | None = None):
        self.shape = None if shape is None else tuple(None if d is None else int(d) for d in shape)
        self.dtype = as_dtype(dtype)
        self.name = name

    @property
    def rank(self) -> int:
        return len(self.shape)

    def is_compatible_with(self, other: TensorSpec) -> bool:
        if self.dtype != other.dtype or len(self.shape) != len(other.shape):
            return False
        return all(a is None or b is None or a == b for a, b in zip(self.shape, other.shape))

    def __eq__(self, other) -> bool:
        return isinstance(other, TensorSpec) and (self.shape, self.dtype, self.name) == (
            other.shape, other.dtype, other.name)

    def __hash__(self) -> int:
        return hash((self.shape, self.dtype.name, self.name))

    def __repr__(self) -> str:
        name = f", name={self.name!r}" if self.name else ""
        return f"TensorSpec(shape={self.shape}, dtype={self.dtype!r}{name})"
