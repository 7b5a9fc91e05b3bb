"""Card: `one_hot` (TFLite ONE_HOT): a new `depth`-sized axis holding on_value at each index and
off_value elsewhere; indices outside [0, depth) give all off_value. No gradient (nondifferentiable)."""
from __future__ import annotations

import numpy as np

from ..dispatch import apply
from ..dtypes import as_dtype, float32, int32, int64, uint8
from ..spec import TensorSpec
from ..tensor import convert_to_tensor
from .infer import check_dtype
from .registry import define_op
from .shape_ops import static_int


def _infer(indices: TensorSpec, depth, on_value, off_value, axis, dtype) -> TensorSpec:
    check_dtype("one_hot", indices, (uint8, int32, int64), "indices")
    if depth < 0:
        raise ValueError(f"one_hot: depth must be >= 0, got {depth}")
    if not (axis == -1 or 0 <= axis <= indices.rank):
        raise ValueError(f"one_hot: axis must be -1 or in [0, {indices.rank}] for indices of shape "
                         f"{list(indices.shape)}, got {axis}")
    a = indices.rank if axis == -1 else axis
    return TensorSpec(indices.shape[:a] + (depth,) + indices.shape[a:], as_dtype(dtype))


one_hot_op = define_op("one_hot", infer=_infer, attrs={"depth": 1, "on_value": 1, "off_value": 0, "axis": -1,
                                                       "dtype": float32},
                       nondifferentiable=True, tflite="ONE_HOT")


@one_hot_op.kernel("cpu", "cuda")
def _one_hot(xp, indices, depth, on_value, off_value, axis, dtype):
    hot = indices[..., None] == xp.arange(depth)
    hot = xp.moveaxis(hot, -1, indices.ndim if axis == -1 else axis)
    dt = as_dtype(dtype).as_numpy_dtype
    return xp.where(hot, xp.asarray(on_value, dt), xp.asarray(off_value, dt))


def _scalar(v):
    return v.numpy().item() if hasattr(v, "numpy") else v


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """`tf.one_hot`: dtype defaults to that of on_value/off_value when given, else float32."""
    if dtype is None:
        given = next((v for v in (on_value, off_value) if v is not None), None)
        dtype = float32 if given is None else convert_to_tensor(given).dtype
    dtype = as_dtype(dtype)
    on = 1 if on_value is None else _scalar(on_value)
    off = 0 if off_value is None else _scalar(off_value)
    return apply(one_hot_op, indices, depth=static_int(depth, "depth"), on_value=on, off_value=off,
                 axis=-1 if axis is None else static_int(axis, "axis"), dtype=dtype)


@one_hot_op.lower
def _lower_one_hot(ctx, node, depth, on_value, off_value, axis, dtype):
    dt = as_dtype(dtype).as_numpy_dtype
    def scalar(v, t):
        return ctx.const(np.asarray(v, t).reshape(()))
    indices = ctx.tensor(node.inputs[0])
    if node.inputs[0].dtype not in ("int32", "int64"):  # ONE_HOT takes int32/int64 indices
        wide = ctx.temp("int32", node.inputs[0].shape)
        ctx.emit("CAST", [indices], [wide], in_data_type=3, out_data_type=2)  # UINT8 -> INT32
        indices = wide
    ctx.emit("ONE_HOT", [indices, scalar(depth, np.int32), scalar(on_value, dt),
                         scalar(off_value, dt)], ctx.outputs(), axis=int(axis))
