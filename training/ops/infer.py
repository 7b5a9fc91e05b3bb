"""Shared pieces of shape/dtype inference. Errors name the op, what was expected and what was given."""
from __future__ import annotations

from ..dtypes import bool_, float16, float32, float64, int8, int16, int32, int64, uint8
from ..spec import TensorSpec

FLOATS = (float16, float32, float64)
INTS = (int8, uint8, int16, int32, int64)
NUMERIC = FLOATS + INTS
ALL = NUMERIC + (bool_,)
INDEX = (int32, int64)


def _names(dtypes) -> str:
    return ", ".join(d.name for d in dtypes)


def check_dtype(op: str, spec: TensorSpec, allowed, arg: str = "x") -> None:
    if spec.dtype not in allowed:
        raise TypeError(f"{op}: `{arg}` must be one of ({_names(allowed)}), got {spec.dtype.name}")


def same_dtype(op: str, *specs: TensorSpec) -> None:
    first = specs[0].dtype
    for s in specs[1:]:
        if s.dtype != first:
            raise TypeError(f"{op}: inputs must have the same dtype, got "
                            f"{', '.join(t.dtype.name for t in specs)}")


def check_rank(op: str, spec: TensorSpec, ranks, arg: str = "x") -> None:
    ranks = (ranks,) if isinstance(ranks, int) else tuple(ranks)
    if spec.rank not in ranks:
        want = " or ".join(str(r) for r in ranks)
        raise ValueError(f"{op}: `{arg}` must have rank {want}, got shape {list(spec.shape)}")


def normalize_axis(op: str, axis: int, rank: int) -> int:
    if not -rank <= axis < max(rank, 1):
        raise ValueError(f"{op}: axis {axis} is out of range for rank {rank}")
    return axis % rank if rank else 0


def broadcast_shape(op: str, a, b) -> tuple:
    """NumPy broadcasting on static shapes; None (unknown) dims broadcast to None unless the other is > 1."""
    n = max(len(a), len(b))
    a = (1,) * (n - len(a)) + tuple(a)
    b = (1,) * (n - len(b)) + tuple(b)
    out = []
    for x, y in zip(a, b):
        if x == 1:
            out.append(y)
        elif y == 1 or x == y:
            out.append(x)
        elif x is None:
            out.append(y)
        elif y is None:
            out.append(x)
        else:
            raise ValueError(f"{op}: shapes {list(a)} and {list(b)} cannot be broadcast together")
    return tuple(out)


def same_as(spec: TensorSpec, dtype=None, shape=None) -> TensorSpec:
    return TensorSpec(spec.shape if shape is None else shape, spec.dtype if dtype is None else dtype)


def unary(op: str, allowed=FLOATS):
    """Inference for an elementwise op whose output is shaped and typed like its input."""
    def infer(x: TensorSpec, **_) -> TensorSpec:
        check_dtype(op, x, allowed)
        return same_as(x)
    return infer


def binary(op: str, allowed=NUMERIC, out_dtype=None):
    """Inference for a broadcasting elementwise op on two inputs of one dtype."""
    def infer(x: TensorSpec, y: TensorSpec, **_) -> TensorSpec:
        check_dtype(op, x, allowed, "x")
        same_dtype(op, x, y)
        return TensorSpec(broadcast_shape(op, x.shape, y.shape), out_dtype or x.dtype)
    return infer
