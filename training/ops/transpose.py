"""Card: `transpose` (TFLite TRANSPOSE): permutes dimensions; perm=None reverses them."""
from __future__ import annotations

from ..dispatch import apply
from ..spec import TensorSpec
from . import lower_util as lu
from .infer import same_as
from .registry import define_op
from .shape_ops import static_ints


def _perm(perm, rank: int) -> tuple:
    if perm is None:
        return tuple(range(rank - 1, -1, -1))
    perm = tuple(perm)
    if sorted(perm) != list(range(rank)):
        raise ValueError(f"transpose: `perm` must be a permutation of {list(range(rank))}, got {list(perm)}")
    return perm


def _infer(a: TensorSpec, perm) -> TensorSpec:
    return same_as(a, shape=tuple(a.shape[p] for p in _perm(perm, a.rank)))


transpose_op = define_op("transpose", infer=_infer, attrs={"perm": None}, tflite="TRANSPOSE")


@transpose_op.kernel("cpu", "cuda")
def _transpose(xp, a, perm):
    return xp.transpose(a, _perm(perm, a.ndim))


@transpose_op.grad
def _transpose_grad(dy, inputs, out, perm):
    perm = _perm(perm, inputs[0].ndim)
    inverse = [0] * len(perm)
    for i, p in enumerate(perm):
        inverse[p] = i
    return (apply(transpose_op, dy, perm=tuple(inverse)),)


def transpose(a, perm=None, conjugate=False, name=None):
    """`tf.transpose`. `conjugate` has no effect: tensorlite has no complex dtypes."""
    return apply(transpose_op, a, perm=None if perm is None else static_ints(perm, "perm"))


@transpose_op.lower
def _lower_transpose(ctx, node, perm):
    rank = len(node.inputs[0].shape)
    perm = list(range(rank))[::-1] if perm is None else [lu.axis(int(p), rank) for p in perm]
    ctx.emit("TRANSPOSE", [ctx.tensor(node.inputs[0]), ctx.const(perm)], ctx.outputs())
