"""Card: `reshape` (one -1 entry is inferred).

The target is the `shape` attribute, or, inside a trace where it depends on a symbolic dimension
(`tl.reshape(x, [tl.shape(x)[0], -1])` under an input_signature with None), a second input: an
int shape tensor computed in the graph (TFLite's SHAPE, STRIDED_SLICE, PACK feeding RESHAPE). The
attribute then holds what tracing knows of that tensor, None where a value is known only when the
graph runs, so inference still gives every static dimension.
"""
from __future__ import annotations

import math

import numpy as np

from ..dispatch import apply
from ..dtypes import int32
from ..graph.trace import active as active_recorder
from ..spec import TensorSpec
from ..tensor import Tensor, Variable, convert_to_tensor
from .infer import INDEX, check_dtype, same_as
from .registry import define_op


def _infer(x: TensorSpec, *shape_tensor: TensorSpec, shape) -> TensorSpec:
    shape = tuple(None if d is None else int(d) for d in shape)
    if len(shape_tensor) > 1:
        raise TypeError(f"reshape: expected the tensor and at most one shape tensor, got {1 + len(shape_tensor)} "
                        "inputs")
    if shape_tensor:
        s = shape_tensor[0]
        check_dtype("reshape", s, INDEX, "shape")
        if s.rank != 1 or s.shape[0] not in (None, len(shape)):
            raise ValueError(f"reshape: the shape tensor must be a vector of {len(shape)} sizes, got shape "
                             f"{list(s.shape)}")
    elif None in shape:
        raise ValueError(f"reshape: shape {list(shape)} has unknown (None) sizes; they come from a shape tensor "
                         "input (tl.reshape(x, tensor) inside tl.function)")
    if sum(d == -1 for d in shape) > 1 or any(d is not None and d < -1 for d in shape):
        raise ValueError(f"reshape: at most one dimension may be -1 and none below it, got {list(shape)}")
    if None in x.shape or None in shape:
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


reshape_op = define_op("reshape", infer=_infer, attrs={"shape": ()}, tflite="RESHAPE", symbolic_attrs=("shape",))


@reshape_op.kernel("cpu", "cuda")
def _reshape(xp, x, *shape_tensor, shape):
    if shape_tensor:
        return xp.reshape(x, tuple(int(d) for d in shape_tensor[0].tolist()))
    return xp.reshape(x, shape)


@reshape_op.kernel("xla")
def _reshape_xla(xp, x, *shape_tensor, shape):
    # XLA compiles static shapes: the shape tensor must be known when compiling (the XLA executor computes
    # shape ops and what follows from them with NumPy), else the attribute must say everything
    if shape_tensor:
        s = shape_tensor[0]
        if isinstance(s, np.ndarray):
            return xp.reshape(x, tuple(int(d) for d in s.tolist()))
        if None in shape:
            raise NotImplementedError("reshape on XLA: its shape tensor is computed from tensor values, not from "
                                      "tl.shape and constants, so it is unknown when XLA compiles the graph")
    return xp.reshape(x, tuple(shape))


@reshape_op.grad
def _reshape_grad(dy, inputs, out, shape):
    return (reshape_like(dy, inputs[0]),) + (None,) * (len(inputs) - 1)


def reshape_like(t, like):
    """`t` reshaped to the shape of `like` (same element count): static where that shape is known, with
    one symbolic dimension as -1, with several through tl.shape(like)."""
    dims = tuple(like.shape)
    if dims.count(None) <= 1:
        return apply(reshape_op, t, shape=tuple(-1 if d is None else d for d in dims))
    return apply(reshape_op, t, apply("shape", like, out_type=int32), shape=dims)


def reshape(tensor, shape, name=None):
    recorder = active_recorder()
    if recorder is None or not _traced_parts(shape, recorder):
        if hasattr(shape, "numpy"):
            shape = shape.numpy().tolist()
        return apply(reshape_op, tensor, shape=tuple(int(d) for d in shape))
    # inside a trace, with sizes computed in the graph: a shape tensor, and what tracing knows of it
    from .creation import cast
    from .stack import stack
    if isinstance(shape, (list, tuple)):
        parts = [d if isinstance(d, (Tensor, Variable)) else convert_to_tensor(int(d), dtype=int32) for d in shape]
        shape_tensor = stack([p if p.dtype == int32 else cast(p, int32) for p in parts])
    else:
        shape_tensor = convert_to_tensor(shape)
    if shape_tensor.dtype != int32:
        shape_tensor = cast(shape_tensor, int32)
    known = recorder.known_ints(shape_tensor)
    if known is None:
        raise ValueError(f"reshape: the shape must be a vector of known length, got a tensor of shape "
                         f"{list(shape_tensor.shape)}")
    if None not in known:  # tracing knows every size: a plain reshape
        return apply(reshape_op, tensor, shape=tuple(known))
    return apply(reshape_op, tensor, shape_tensor, shape=tuple(known))


def _traced_parts(shape, recorder) -> bool:
    """Whether the shape argument holds a value the graph computes (a traced tensor or a variable)."""
    items = shape if isinstance(shape, (list, tuple)) else [shape]
    return any(isinstance(d, Variable) or isinstance(d, Tensor) and recorder.is_traced(d) for d in items)


@reshape_op.lower
def _lower_reshape(ctx, node, shape):
    if len(node.inputs) == 2:  # sizes computed in the graph: RESHAPE reads them from its shape input
        ctx.emit("RESHAPE", ctx.inputs(), ctx.outputs())
        return
    shape = [int(d) for d in shape]
    ctx.emit("RESHAPE", [ctx.tensor(node.inputs[0]), ctx.const(shape)], ctx.outputs(), new_shape=shape)
