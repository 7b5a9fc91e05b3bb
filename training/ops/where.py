"""Card: `where(condition, x, y)`, elementwise selection with broadcasting (TFLite SELECT_V2)."""
from __future__ import annotations

from ..dispatch import apply
from ..dtypes import bool_
from ..spec import TensorSpec
from .common import operands
from .creation import zeros_like
from .infer import broadcast_shape, check_dtype, same_dtype
from .registry import define_op


def _infer(cond: TensorSpec, x: TensorSpec, y: TensorSpec) -> TensorSpec:
    check_dtype("where", cond, (bool_,), "condition")
    same_dtype("where", x, y)
    shape = broadcast_shape("where", broadcast_shape("where", cond.shape, x.shape), y.shape)
    return TensorSpec(shape, x.dtype)


where_op = define_op("where", infer=_infer, tflite="SELECT_V2")


@where_op.kernel("cpu", "cuda")
def _where(xp, cond, x, y):
    return xp.where(cond, x, y)


@where_op.grad
def _where_grad(dy, inputs, out):
    cond = inputs[0]
    zeros = zeros_like(dy)
    return None, apply(where_op, cond, dy, zeros), apply(where_op, cond, zeros, dy)


def where(condition, x=None, y=None, name=None):
    """`tf.where(condition, x, y)`. The one-argument form (indices of true elements) has a
    data-dependent shape and is not supported."""
    if x is None or y is None:
        raise NotImplementedError("where(condition) without x and y (data-dependent shape) is not supported")
    x, y = operands(x, y)
    return apply(where_op, condition, x, y)
