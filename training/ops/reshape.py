"""Card: `reshape` (one -1 entry is inferred)."""
from __future__ import annotations

import math

from ..dispatch import apply
from ..spec import TensorSpec
from .infer import same_as
from .registry import define_op


def _infer(x: TensorSpec, shape) -> TensorSpec:
    shape = tuple(int(d) for d in shape)
    if sum(d == -1 for d in shape) > 1 or any(d < -1 for d in shape):
        raise ValueError(f"reshape: at most one dimension may be -1 and none below it, got {list(shape)}")
    if None in x.shape:
        return same_as(x, shape=tuple(None if d == -1 else d for d in shape))
    total = math.prod(x.shape)
    known = math.prod(d for d in shape if d != -1)
    if -1 in shape:
        if known == 0 or total % known:
            raise ValueError(f"reshape: cannot reshape {list(x.shape)} ({total} elements) into {list(shape)}")
        shape = tuple(total // known if d == -1 else d for d in shape)
    elif known != total:
        raise ValueError(f"reshape: cannot reshape {list(x.shape)} ({total} elements) into {list(shape)} "
                         f"({known} elements)")
    return same_as(x, shape=shape)


reshape_op = define_op("reshape", infer=_infer, attrs={"shape": ()}, tflite="RESHAPE")


@reshape_op.kernel("cpu", "cuda")
def _reshape(xp, x, shape):
    return xp.reshape(x, shape)


@reshape_op.grad
def _reshape_grad(dy, inputs, out, shape):
    return (apply(reshape_op, dy, shape=tuple(inputs[0].shape)),)


def reshape(tensor, shape, name=None):
    if hasattr(shape, "numpy"):
        shape = shape.numpy().tolist()
    return apply(reshape_op, tensor, shape=tuple(int(d) for d in shape))


@reshape_op.lower
def _lower_reshape(ctx, node, shape):
    shape = [int(d) for d in shape]
    ctx.emit("RESHAPE", [ctx.tensor(node.inputs[0]), ctx.const(shape)], ctx.outputs(), new_shape=shape)
