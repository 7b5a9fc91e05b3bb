"""Card: ops that only rearrange or repeat elements along shapes: expand_dims, squeeze, tile,
broadcast_to, and `shape` (the static shape as an int tensor).

`static_ints` lives here because every array-manipulation card takes shape-like arguments (perm,
begin, paddings, ...) that TensorFlow accepts as lists, tuples, NumPy arrays or tensors; they become
plain int tuples, i.e. static attributes, so inference knows the output shape.
"""
from __future__ import annotations

import numpy as np

from ..dispatch import apply, symbolic_size_error
from ..dtypes import as_dtype, int32
from ..spec import TensorSpec
from ..tape import unbroadcast
from .infer import INDEX, broadcast_shape, check_dtype, same_as
from .reduce import reduce_sum
from .registry import define_op


def static_ints(value, what: str = "value") -> tuple:
    """A shape-like argument (int, list, tuple, array or tensor) as a tuple of Python ints."""
    if hasattr(value, "numpy"):
        value = value.numpy()
    if isinstance(value, (list, tuple)) and any(d is None for d in value):
        raise symbolic_size_error(f"`{what}`", value)
    a = np.asarray(value)
    if a.dtype.kind not in "iub" and a.size:
        raise TypeError(f"`{what}` must hold integers, got {a.dtype} values {a.tolist()}")
    return tuple(int(v) for v in a.reshape(-1))


def symbolic_ints(value, what: str = "value") -> tuple:
    """Like static_ints, but inside a trace a size the graph computes (a tensor made from tl.shape of a
    value with a symbolic dimension, or a None read from `x.shape`) is None: known only when it runs."""
    from ..graph.trace import active
    recorder = active()
    items = list(value) if isinstance(value, (list, tuple)) else [value]
    if recorder is None or not any(d is None or hasattr(d, "_id") and recorder.is_traced(d) for d in items):
        return static_ints(value, what)
    out = []
    for d in items:
        if d is None:
            out.append(None)
        elif hasattr(d, "_id") and recorder.is_traced(d):
            known = recorder.known_ints(d)
            if known is None:
                raise TypeError(f"`{what}` must be a vector of sizes, got a tensor of shape {list(d.shape)}")
            out += known
        else:
            out += static_ints(d, what)
    return tuple(out)


def static_int(value, what: str = "value") -> int:
    ints = static_ints(value, what)
    if len(ints) != 1 or np.ndim(value.numpy() if hasattr(value, "numpy") else value) != 0:
        raise TypeError(f"`{what}` must be a scalar integer, got {value!r}")
    return ints[0]


# --- expand_dims ---------------------------------------------------------------------------------
def _expand_dims_infer(x: TensorSpec, axis) -> TensorSpec:
    if not -x.rank - 1 <= axis <= x.rank:
        raise ValueError(f"expand_dims: axis must be in [{-x.rank - 1}, {x.rank}] for input shape "
                         f"{list(x.shape)}, got {axis}")
    a = axis % (x.rank + 1)
    return same_as(x, shape=x.shape[:a] + (1,) + x.shape[a:])


expand_dims_op = define_op("expand_dims", infer=_expand_dims_infer, attrs={"axis": 0},
                           tflite="EXPAND_DIMS")


@expand_dims_op.kernel("cpu", "cuda")
def _expand_dims(xp, x, axis):
    return xp.expand_dims(x, axis % (x.ndim + 1))


@expand_dims_op.grad
def _expand_dims_grad(dy, inputs, out, axis):
    return (apply("reshape", dy, shape=tuple(inputs[0].shape)),)


# --- squeeze -------------------------------------------------------------------------------------
def _squeeze_axes(x: TensorSpec, axis) -> tuple:
    if axis is None:
        if None in x.shape:
            raise ValueError(f"squeeze: with axis=None every dimension must be known, "
                             f"got shape {list(x.shape)}")
        return tuple(i for i, d in enumerate(x.shape) if d == 1)
    axes = []
    for a in axis:
        if not -x.rank <= a < x.rank:
            raise ValueError(f"squeeze: axis {a} is out of range for shape {list(x.shape)}")
        a %= x.rank
        if x.shape[a] not in (1, None):
            raise ValueError(f"squeeze: can only squeeze dimensions of size 1, but dimension {a} of shape "
                             f"{list(x.shape)} has size {x.shape[a]}")
        axes.append(a)
    return tuple(sorted(set(axes)))


def _squeeze_infer(x: TensorSpec, axis) -> TensorSpec:
    axes = _squeeze_axes(x, axis)
    return same_as(x, shape=tuple(d for i, d in enumerate(x.shape) if i not in axes))


squeeze_op = define_op("squeeze", infer=_squeeze_infer, attrs={"axis": None}, tflite="SQUEEZE")


@squeeze_op.kernel("cpu", "cuda")
def _squeeze(xp, x, axis):
    return xp.squeeze(x, axis=_squeeze_axes(TensorSpec(x.shape, "float32"), axis))


@squeeze_op.grad
def _squeeze_grad(dy, inputs, out, axis):
    return (apply("reshape", dy, shape=tuple(inputs[0].shape)),)


# --- tile ----------------------------------------------------------------------------------------
def _tile_infer(x: TensorSpec, multiples) -> TensorSpec:
    if len(multiples) != x.rank:
        raise ValueError(f"tile: `multiples` must have one entry per dimension of shape {list(x.shape)} "
                         f"({x.rank}), got {list(multiples)}")
    if any(m < 0 for m in multiples):
        raise ValueError(f"tile: `multiples` must be non-negative, got {list(multiples)}")
    tiled = tuple(None if d is None else d * m for d, m in zip(x.shape, multiples, strict=True))
    return same_as(x, shape=tiled)


tile_op = define_op("tile", infer=_tile_infer, attrs={"multiples": ()}, tflite="TILE")


@tile_op.kernel("cpu", "cuda")
def _tile(xp, x, multiples):
    return xp.tile(x, multiples)


@tile_op.grad
def _tile_grad(dy, inputs, out, multiples):
    # dy viewed as (m0, d0, m1, d1, ...): the copies run along the even axes, summed away.
    dims = tuple(inputs[0].shape)
    split = tuple(v for m, d in zip(multiples, dims, strict=True) for v in (m, d))
    g = apply("reshape", dy, shape=split)
    return (reduce_sum(g, axis=tuple(range(0, 2 * len(dims), 2))) if dims else g,)


# --- broadcast_to --------------------------------------------------------------------------------
def _broadcast_to_infer(x: TensorSpec, shape) -> TensorSpec:
    shape = tuple(shape)
    ok = x.rank <= len(shape)
    if ok:
        try:
            ok = broadcast_shape("broadcast_to", x.shape, shape) == shape
        except ValueError:
            ok = False
    if not ok:
        raise ValueError(f"broadcast_to: cannot broadcast shape {list(x.shape)} to {list(shape)}")
    return same_as(x, shape=shape)


broadcast_to_op = define_op("broadcast_to", infer=_broadcast_to_infer, attrs={"shape": ()},
                            tflite="BROADCAST_TO")


@broadcast_to_op.kernel("cpu", "cuda")
def _broadcast_to(xp, x, shape):
    return xp.array(xp.broadcast_to(x, shape))  # a real array: broadcast views are read-only aliases


@broadcast_to_op.grad
def _broadcast_to_grad(dy, inputs, out, shape):
    return (unbroadcast(dy, tuple(inputs[0].shape)),)


# --- shape ---------------------------------------------------------------------------------------
def _shape_infer(x: TensorSpec, out_type) -> TensorSpec:
    check_dtype("shape", TensorSpec((), as_dtype(out_type)), INDEX, "out_type")
    return TensorSpec((x.rank,), as_dtype(out_type))


shape_op = define_op("shape", infer=_shape_infer, attrs={"out_type": int32}, nondifferentiable=True,
                     tflite="SHAPE")


@shape_op.kernel("cpu", "cuda")
def _shape(xp, x, out_type):
    return xp.asarray(x.shape, dtype=as_dtype(out_type).as_numpy_dtype)


# --- public functions (TensorFlow names and signatures) -----------------------------------------
def expand_dims(input, axis, name=None):  # noqa: A002  (tf.expand_dims)
    return apply(expand_dims_op, input, axis=static_int(axis, "axis"))


def squeeze(input, axis=None, name=None):  # noqa: A002  (tf.squeeze)
    return apply(squeeze_op, input, axis=None if axis is None else static_ints(axis, "axis"))


def tile(input, multiples, name=None):  # noqa: A002  (tf.tile)
    return apply(tile_op, input, multiples=static_ints(multiples, "multiples"))


def broadcast_to(input, shape, name=None):  # noqa: A002  (tf.broadcast_to)
    return apply(broadcast_to_op, input, shape=static_ints(shape, "shape"))


def shape(input, out_type=int32, name=None):  # noqa: A002  (tf.shape)
    return apply(shape_op, input, out_type=as_dtype(out_type))


@expand_dims_op.lower
def _lower_expand_dims(ctx, node, axis):
    ctx.emit("EXPAND_DIMS", [ctx.tensor(node.inputs[0]), ctx.const(np.asarray(axis, np.int32).reshape(()))],
             ctx.outputs())


@squeeze_op.lower
def _lower_squeeze(ctx, node, axis):
    x = node.inputs[0]
    axes = _squeeze_axes(TensorSpec(x.shape, as_dtype(x.dtype)), axis)
    ctx.emit("SQUEEZE", ctx.inputs(), ctx.outputs(), squeeze_dims=sorted(axes))


@tile_op.lower
def _lower_tile(ctx, node, multiples):
    ctx.emit("TILE", [ctx.tensor(node.inputs[0]), ctx.const([int(m) for m in multiples])], ctx.outputs())


@broadcast_to_op.lower
def _lower_broadcast_to(ctx, node, shape):
    # LiteRT registers BROADCAST_TO from version 2 (version 1 was never released)
    ctx.emit("BROADCAST_TO", [ctx.tensor(node.inputs[0]), ctx.const([int(d) for d in shape])], ctx.outputs(),
             version=2)


@shape_op.lower
def _lower_shape(ctx, node, out_type):
    ctx.emit("SHAPE", ctx.inputs(), ctx.outputs(), out_type={"int32": 2, "int64": 4}[as_dtype(out_type).name])
