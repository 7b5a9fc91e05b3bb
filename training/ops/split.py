"""Card: `split` (multi-output): equal parts (`num_or_size_splits=3`) or given sizes, one of which
may be -1 (the rest). TFLite has SPLIT for equal parts and SPLIT_V for sizes; the card names
SPLIT and the converter picks SPLIT_V when the attribute is a tuple."""
from __future__ import annotations

import numpy as np

from ..dispatch import apply
from ..spec import TensorSpec
from . import lower_util as lu
from .infer import normalize_axis
from .registry import define_op
from .shape_ops import static_ints


def _sizes(x: TensorSpec, num_or_size_splits, axis) -> tuple:
    """The size of each output along `axis` (None where the input dimension is unknown)."""
    if x.rank == 0:
        raise ValueError("split: `value` must have rank >= 1, got a scalar (shape [])")
    a = normalize_axis("split", axis, x.rank)
    dim = x.shape[a]
    if isinstance(num_or_size_splits, int):
        n = num_or_size_splits
        if n <= 0:
            raise ValueError(f"split: `num_or_size_splits` must be a positive number of parts, got {n}")
        if dim is not None and dim % n:
            raise ValueError(f"split: dimension {a} of shape {list(x.shape)} (size {dim}) is not divisible "
                             f"into num_or_size_splits={n} equal parts")
        return (None if dim is None else dim // n,) * n
    sizes = tuple(num_or_size_splits)
    if not sizes or sum(s == -1 for s in sizes) > 1 or any(s < -1 for s in sizes):
        raise ValueError(f"split: size_splits must be non-negative with at most one -1, got {list(sizes)}")
    if dim is None:
        return tuple(None if s == -1 else s for s in sizes)
    known = sum(s for s in sizes if s != -1)
    if (-1 in sizes and known > dim) or (-1 not in sizes and known != dim):
        raise ValueError(f"split: size_splits {list(sizes)} must sum to dimension {a} of shape "
                         f"{list(x.shape)} (size {dim}), got {known}")
    return tuple(dim - known if s == -1 else s for s in sizes)


def _infer(x: TensorSpec, num_or_size_splits, axis) -> tuple:
    a = normalize_axis("split", axis, max(x.rank, 1))
    return tuple(TensorSpec(x.shape[:a] + (s,) + x.shape[a + 1:], x.dtype)
                 for s in _sizes(x, num_or_size_splits, axis))


split_op = define_op("split", infer=_infer, attrs={"num_or_size_splits": 1, "axis": 0}, tflite="SPLIT")


@split_op.kernel("cpu", "cuda")
def _split(xp, x, num_or_size_splits, axis):
    sizes = _sizes(TensorSpec(x.shape, "float32"), num_or_size_splits, axis)
    cuts, at = [], 0
    for s in sizes[:-1]:
        at += s
        cuts.append(at)
    return tuple(xp.split(x, cuts, axis=axis))


@split_op.grad
def _split_grad(dys, inputs, outs, num_or_size_splits, axis):
    dys = dys if isinstance(dys, tuple) else (dys,)  # the tape passes a lone dy for a one-part split
    return (apply("concat", *dys, axis=axis),)


def split(value, num_or_size_splits, axis=0, num=None, name=None):
    """`tf.split`: a list of tensors. `num` is accepted for TensorFlow's signature; shapes here are
    always static, so it is only checked against the number of parts."""
    if isinstance(num_or_size_splits, int) or getattr(num_or_size_splits, "ndim", 1) == 0:
        spec = int(num_or_size_splits)
    else:
        spec = static_ints(num_or_size_splits, "num_or_size_splits")
    parts = list(apply(split_op, value, num_or_size_splits=spec, axis=int(axis)))
    if num is not None and num != len(parts):
        raise ValueError(f"split: num={num} but num_or_size_splits gives {len(parts)} parts")
    return parts


@split_op.lower
def _lower_split(ctx, node, num_or_size_splits, axis):
    """SPLIT(axis, x) for equal parts, SPLIT_V(x, sizes, axis) for given sizes."""
    x = node.inputs[0]
    a = ctx.const(np.asarray(lu.axis(axis, len(x.shape)), np.int32).reshape(()))
    if isinstance(num_or_size_splits, (int, np.integer)):
        ctx.emit("SPLIT", [a, ctx.tensor(x)], ctx.outputs(), num_splits=len(node.outputs))
    else:
        sizes = [o.shape[lu.axis(axis, len(x.shape))] for o in node.outputs]
        ctx.emit("SPLIT_V", [ctx.tensor(x), ctx.const(sizes), a], ctx.outputs(), num_splits=len(node.outputs))
