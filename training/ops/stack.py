"""Card: `stack` (TFLite PACK) joins same-shaped tensors along a new axis; `unstack` (UNPACK,
multi-output) is its inverse, and each one's gradient is the other."""
from __future__ import annotations

from ..dispatch import apply
from ..spec import TensorSpec
from . import lower_util as lu
from .infer import normalize_axis, same_dtype
from .registry import define_op


def _stack_infer(*values: TensorSpec, axis) -> TensorSpec:
    if not values:
        raise ValueError("stack: expected at least one tensor in `values`, got none")
    same_dtype("stack", *values)
    first = values[0]
    for i, v in enumerate(values):
        if v.rank != first.rank or any(a is not None and b is not None and a != b
                                       for a, b in zip(first.shape, v.shape, strict=True)):
            raise ValueError(f"stack: all inputs must have shape {list(first.shape)} (as input 0), "
                             f"got shape {list(v.shape)} for input {i}")
    if not -first.rank - 1 <= axis <= first.rank:
        raise ValueError(f"stack: axis must be in [{-first.rank - 1}, {first.rank}] for inputs of shape "
                         f"{list(first.shape)}, got {axis}")
    a = axis % (first.rank + 1)
    return TensorSpec(first.shape[:a] + (len(values),) + first.shape[a:], first.dtype)


def _unstack_infer(x: TensorSpec, num, axis) -> tuple:
    if x.rank == 0:
        raise ValueError("unstack: `value` must have rank >= 1, got a scalar (shape [])")
    a = normalize_axis("unstack", axis, x.rank)
    dim = x.shape[a]
    if dim is None and num is None:
        raise ValueError(f"unstack: dimension {a} of shape {list(x.shape)} is unknown; pass `num`")
    if num is not None and dim is not None and num != dim:
        raise ValueError(f"unstack: num={num} but dimension {a} of shape {list(x.shape)} has size {dim}")
    n = dim if dim is not None else num
    return tuple(TensorSpec(x.shape[:a] + x.shape[a + 1:], x.dtype) for _ in range(n))


stack_op = define_op("stack", infer=_stack_infer, attrs={"axis": 0}, tflite="PACK")
unstack_op = define_op("unstack", infer=_unstack_infer, attrs={"num": None, "axis": 0}, tflite="UNPACK")


@stack_op.kernel("cpu", "cuda")
def _stack(xp, *values, axis):
    return xp.stack(values, axis=axis)


@stack_op.grad
def _stack_grad(dy, inputs, out, axis):
    parts = apply(unstack_op, dy, num=len(inputs), axis=axis)
    return tuple(parts) if isinstance(parts, tuple) else (parts,)


@unstack_op.kernel("cpu", "cuda")
def _unstack(xp, x, num, axis):
    return tuple(xp.moveaxis(x, axis, 0))


@unstack_op.grad
def _unstack_grad(dys, inputs, outs, num, axis):
    dys = dys if isinstance(dys, tuple) else (dys,)  # the tape passes a lone dy for one output
    return (apply(stack_op, *dys, axis=axis % inputs[0].ndim),)


def stack(values, axis=0, name="stack"):
    return apply(stack_op, *values, axis=int(axis))


def unstack(value, num=None, axis=0, name="unstack"):
    """`tf.unstack`: a list of tensors, one per index along `axis`."""
    parts = apply(unstack_op, value, num=None if num is None else int(num), axis=int(axis))
    return list(parts) if isinstance(parts, tuple) else [parts]


@stack_op.lower
def _lower_stack(ctx, node, axis):
    ctx.emit("PACK", ctx.inputs(), ctx.outputs(), values_count=len(node.inputs),
             axis=lu.axis(axis, len(node.outputs[0].shape)))


@unstack_op.lower
def _lower_unstack(ctx, node, num, axis):
    ctx.emit("UNPACK", ctx.inputs(), ctx.outputs(), num=len(node.outputs),
             axis=lu.axis(axis, len(node.inputs[0].shape)))
