"""Card: `slice` (TFLite SLICE): the block starting at `begin` with `size` (-1: to the end).
Its gradient pads dy back with zeros; pad's gradient is a slice, so both nest."""
from __future__ import annotations

import builtins

from ..dispatch import apply
from ..spec import TensorSpec
from .infer import same_as
from .registry import define_op
from .shape_ops import static_ints


def _extent(x: TensorSpec, begin, size) -> tuple:
    """Output size per dimension (None where unknown)."""
    if len(begin) != x.rank or len(size) != x.rank:
        raise ValueError(f"slice: `begin` and `size` must have {x.rank} entries (the rank of shape "
                         f"{list(x.shape)}), got begin={list(begin)} and size={list(size)}")
    out = []
    for d, (dim, b, s) in enumerate(zip(x.shape, begin, size, strict=True)):
        if b < 0 or s < -1:
            raise ValueError(f"slice: `begin` must be >= 0 and `size` >= -1, got begin={list(begin)} "
                             f"and size={list(size)}")
        if dim is None:
            out.append(None if s == -1 else s)
            continue
        end = dim if s == -1 else b + s
        if b > dim or end > dim:
            raise ValueError(f"slice: begin={list(begin)} with size={list(size)} runs past dimension {d} of "
                             f"shape {list(x.shape)}")
        out.append(end - b)
    return tuple(out)


def _infer(x: TensorSpec, begin, size) -> TensorSpec:
    return same_as(x, shape=_extent(x, begin, size))


slice_op = define_op("slice", infer=_infer, attrs={"begin": (), "size": ()}, tflite="SLICE")


@slice_op.kernel("cpu", "cuda")
def _slice(xp, x, begin, size):
    sizes = _extent(TensorSpec(x.shape, "float32"), begin, size)
    # `slice` in this module is tf.slice, hence builtins.slice
    return x[tuple(builtins.slice(b, b + s) for b, s in zip(begin, sizes, strict=True))]


@slice_op.grad
def _slice_grad(dy, inputs, out, begin, size):
    dims = inputs[0].shape
    paddings = tuple((b, d - b - s) for b, d, s in zip(begin, dims, out.shape, strict=True))
    return (apply("pad", dy, paddings=paddings),)


def slice(input_, begin, size, name=None):  # noqa: A001  (tf.slice)
    return apply(slice_op, input_, begin=static_ints(begin, "begin"), size=static_ints(size, "size"))


@slice_op.lower
def _lower_slice(ctx, node, begin, size):
    ctx.emit("SLICE", [ctx.tensor(node.inputs[0]), ctx.const(list(begin)), ctx.const(list(size))], ctx.outputs())
