"""Card: `concat` (TFLite CONCATENATION): joins tensors along an existing axis.

Takes any number of inputs (`apply(concat_op, *values, axis=...)`); its gradient splits dy back
into the inputs' sizes, and split's gradient is a concat, so both nest to any order.
"""
from __future__ import annotations

from ..dispatch import apply
from ..spec import TensorSpec
from . import lower_util as lu
from .infer import normalize_axis, same_dtype
from .registry import define_op


def _infer(*values: TensorSpec, axis) -> TensorSpec:
    if not values:
        raise ValueError("concat: expected at least one tensor in `values`, got none")
    same_dtype("concat", *values)
    first = values[0]
    if first.rank == 0:
        raise ValueError("concat: inputs must have rank >= 1, got a scalar (shape [])")
    a = normalize_axis("concat", axis, first.rank)
    total = 0
    for i, v in enumerate(values):
        if v.rank != first.rank:
            raise ValueError(f"concat: all inputs must have rank {first.rank} (as input 0, shape "
                             f"{list(first.shape)}), got shape {list(v.shape)} for input {i}")
        for d, (want, got) in enumerate(zip(first.shape, v.shape, strict=True)):
            if d != a and want is not None and got is not None and want != got:
                raise ValueError(f"concat: dimension {d} of input {i} must be {want} (as input 0, shape "
                                 f"{list(first.shape)}), got shape {list(v.shape)}")
        total = None if total is None or v.shape[a] is None else total + v.shape[a]
    return TensorSpec(first.shape[:a] + (total,) + first.shape[a + 1:], first.dtype)


concat_op = define_op("concat", infer=_infer, attrs={"axis": 0}, tflite="CONCATENATION")


@concat_op.kernel("cpu", "cuda")
def _concat(xp, *values, axis):
    return xp.concatenate(values, axis=axis)


@concat_op.grad
def _concat_grad(dy, inputs, out, axis):
    a = axis % out.ndim
    parts = apply("split", dy, num_or_size_splits=tuple(x.shape[a] for x in inputs), axis=a)
    return tuple(parts)


def concat(values, axis, name=None):
    if not isinstance(values, (list, tuple)):
        values = [values]
    return apply(concat_op, *values, axis=int(axis))


@concat_op.lower
def _lower_concat(ctx, node, axis):
    ctx.emit("CONCATENATION", ctx.inputs(), ctx.outputs(), axis=lu.axis(axis, len(node.outputs[0].shape)),
             fused_activation_function=0)
