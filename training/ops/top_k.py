"""Card: `top_k` (multi-output: values, int32 indices; TFLite TOPK_V2), and `tl.sort` /
`tl.argsort` written with it, as TensorFlow writes them.

top_k takes the k largest entries along the last axis, largest first; equal values keep their
order (the lower index first), as TensorFlow's and TFLite's kernels do. Its gradient scatters dy
back to the chosen positions: an unsorted_segment_sum over the flattened rows, whose own gradient
is a gather, so every order works. sort/argsort move the axis last, and for ASCENDING order take
top_k of -x (negating the values back).
"""
from __future__ import annotations

import math

import numpy as np

from ..dispatch import apply
from ..dtypes import int32
from ..spec import TensorSpec
from .infer import NUMERIC, check_dtype
from .registry import define_op


def _infer(x: TensorSpec, k, sorted) -> tuple:  # noqa: A002  (TensorFlow's attribute name)
    check_dtype("top_k", x, NUMERIC, "input")
    if x.rank == 0:
        raise ValueError("top_k: `input` must have rank >= 1, got a scalar (shape [])")
    n = x.shape[-1]
    if k < 0 or (n is not None and k > n):
        raise ValueError(f"top_k: k must be in [0, {n}] (the last dimension of {list(x.shape)}), got {k}")
    shape = x.shape[:-1] + (k,)
    return TensorSpec(shape, x.dtype), TensorSpec(shape, int32)


top_k_op = define_op("top_k", infer=_infer, attrs={"k": 1, "sorted": True}, tflite="TOPK_V2")


@top_k_op.kernel("cpu", "cuda")
def _top_k(xp, x, k, sorted):  # noqa: A002
    n = x.shape[-1]
    # a stable ascending sort of the reversed row, read backwards: largest first, ties by lower index
    # JAX's argsort takes stable=, NumPy 1.x and CuPy only kind= (CuPy's sort is stable either way)
    stable = {"stable": True} if getattr(xp, "__name__", "").startswith("jax") else {"kind": "stable"}
    order = xp.argsort(x[..., ::-1], axis=-1, **stable)[..., ::-1][..., :k]
    idx = (n - 1 - order).astype(xp.int32)
    return xp.take_along_axis(x, idx, axis=-1), idx


@top_k_op.grad
def _top_k_grad(dys, inputs, outs, k, sorted):  # noqa: A002
    from .creation import range as tl_range
    from .gather import unsorted_segment_sum_op
    (x,), (dvalues, _), (_, idx) = inputs, dys, outs
    n = x.shape[-1]
    rows = math.prod(x.shape[:-1])
    offsets = apply("reshape", tl_range(0, rows * n, n, dtype=int32), shape=(rows, 1))
    flat = apply("reshape", apply("add", apply("reshape", idx, shape=(rows, k)), offsets), shape=(rows * k,))
    dx = apply(unsorted_segment_sum_op, apply("reshape", dvalues, shape=(rows * k,)), flat, num_segments=rows * n)
    return (apply("reshape", dx, shape=tuple(x.shape)),)


@top_k_op.lower
def _lower_top_k(ctx, node, k, sorted):  # noqa: A002
    x, (values, indices) = ctx.tensor(node.inputs[0]), ctx.outputs()
    ctx.emit("TOPK_V2", [x, ctx.const(np.asarray(k, np.int32).reshape(()))], [values, indices])


def top_k(input, k=1, sorted=True, name=None):  # noqa: A002  (tf.math.top_k)
    """`tf.math.top_k`: (values, indices) of the k largest entries along the last axis."""
    from ..tensor import convert_to_tensor
    from .shape_ops import static_int
    values, indices = apply(top_k_op, convert_to_tensor(input), k=static_int(k, "k"), sorted=bool(sorted))
    return TopKResult(values, indices)


class TopKResult(tuple):
    """(values, indices), also readable by name as in TensorFlow."""

    def __new__(cls, values, indices):
        return super().__new__(cls, (values, indices))

    @property
    def values(self):
        return self[0]

    @property
    def indices(self):
        return self[1]


def _sorted(values, axis, direction, what: str):
    from ..tensor import convert_to_tensor
    from .infer import normalize_axis
    from .transpose import transpose
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(f"{what}: direction must be 'ASCENDING' or 'DESCENDING', got {direction!r}")
    x = convert_to_tensor(values)
    if x.ndim == 0:
        raise ValueError(f"{what}: `values` must have rank >= 1, got a scalar (shape [])")
    a = normalize_axis(what, int(axis), x.ndim)
    perm = list(range(x.ndim))
    perm[a], perm[-1] = perm[-1], perm[a]
    moved = a != x.ndim - 1
    if moved:
        x = transpose(x, perm)
    ascending = direction == "ASCENDING"
    v, i = apply(top_k_op, apply("neg", x) if ascending else x, k=x.shape[-1], sorted=True)
    if ascending:
        v = apply("neg", v)
    if moved:  # the swap is its own inverse
        v, i = transpose(v, perm), transpose(i, perm)
    return v, i


def sort(values, axis=-1, direction="ASCENDING", name=None):
    """`tf.sort`."""
    return _sorted(values, axis, direction, "sort")[0]


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    """`tf.argsort`: int32 indices; equal values always keep their order (stable either way)."""
    return _sorted(values, axis, direction, "argsort")[1]
