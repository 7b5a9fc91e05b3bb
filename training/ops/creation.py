"""Card: identity-like ops and tensors made from shapes (identity, stop_gradient, zeros_like,
ones_like, cast) plus the constant makers `zeros`, `ones`, `fill`, `range`, `eye`."""
from __future__ import annotations

import numpy as np

from ..dispatch import apply
from ..dtypes import as_dtype, float32
from ..spec import TensorSpec
from ..tensor import convert_to_tensor
from .infer import ALL, same_as
from .registry import define_op

identity_op = define_op("identity", infer=lambda x: same_as(x), tflite=None)
stop_gradient_op = define_op("stop_gradient", infer=lambda x: same_as(x), nondifferentiable=True)
zeros_like_op = define_op("zeros_like", infer=lambda x: same_as(x), nondifferentiable=True, tflite="ZEROS_LIKE")
ones_like_op = define_op("ones_like", infer=lambda x: same_as(x), nondifferentiable=True, tflite="ONES_LIKE")


def _infer_cast(x: TensorSpec, dtype) -> TensorSpec:
    try:
        return same_as(x, dtype=as_dtype(dtype))
    except TypeError:
        raise TypeError(f"cast: unsupported target dtype {dtype!r}; expected one of "
                        f"{', '.join(d.name for d in ALL)}") from None


cast_op = define_op("cast", infer=_infer_cast, attrs={"dtype": float32}, tflite="CAST",
                    c_runtime_gaps={"CAST": "float64 tensors (its kernel casts float32, int8/16/32/64, uint8/32 "
                                            "and bool)"})

identity_op.kernel("cpu", "cuda")(lambda xp, x: x)
stop_gradient_op.kernel("cpu", "cuda")(lambda xp, x: x)
zeros_like_op.kernel("cpu", "cuda")(lambda xp, x: xp.zeros_like(x))
ones_like_op.kernel("cpu", "cuda")(lambda xp, x: xp.ones_like(x))


@identity_op.grad
def _identity_grad(dy, inputs, out):
    return (dy,)


@cast_op.kernel("cpu", "cuda")
def _cast(xp, x, dtype):
    dt = as_dtype(dtype).as_numpy_dtype
    if x.dtype.kind == "f" and dt.kind in "iu":  # TensorFlow truncates toward zero
        x = xp.trunc(x)
    return x.astype(dt)


@cast_op.grad
def _cast_grad(dy, inputs, out, dtype):
    x = inputs[0]
    if not (x.dtype.is_floating and as_dtype(dtype).is_floating):
        return (None,)
    return (cast(dy, x.dtype),)


def identity(x, name=None):
    return apply(identity_op, x)


def zeros_like(x, dtype=None, name=None):
    z = apply(zeros_like_op, x)
    return z if dtype is None else cast(z, dtype)


def ones_like(x, dtype=None, name=None):
    o = apply(ones_like_op, x)
    return o if dtype is None else cast(o, dtype)


def cast(x, dtype, name=None):
    x = convert_to_tensor(x)
    dtype = as_dtype(dtype)
    return x if x.dtype == dtype else apply(cast_op, x, dtype=dtype)


def _shape(shape) -> tuple:
    if hasattr(shape, "numpy"):
        shape = shape.numpy().tolist()
    return (int(shape),) if np.isscalar(shape) else tuple(int(d) for d in shape)


def zeros(shape, dtype=float32, name=None):
    return convert_to_tensor(np.zeros(_shape(shape), as_dtype(dtype).as_numpy_dtype))


def ones(shape, dtype=float32, name=None):
    return convert_to_tensor(np.ones(_shape(shape), as_dtype(dtype).as_numpy_dtype))


def fill(dims, value, name=None):
    v = convert_to_tensor(value)
    return convert_to_tensor(np.full(_shape(dims), v.numpy(), v.dtype.as_numpy_dtype))


def range(start, limit=None, delta=1, dtype=None, name=None):  # noqa: A001  (tf.range)
    if limit is None:
        start, limit = 0, start
    a = np.arange(start, limit, delta)
    return convert_to_tensor(a, dtype=dtype)


def eye(num_rows, num_columns=None, dtype=float32, name=None):
    return convert_to_tensor(np.eye(num_rows, num_columns, dtype=as_dtype(dtype).as_numpy_dtype))


@ones_like_op.lower
def _lower_ones_like(ctx, node):
    """FILL(shape, 1): TFLite has no ONES_LIKE builtin; the shape is a constant, or SHAPE(x) where it is
    symbolic."""
    x = node.inputs[0]
    one = ctx.const(np.ones((), np.dtype(x.dtype if x.dtype != "bool" else np.bool_)))
    ctx.emit("FILL", [ctx.shape_of(x), one], ctx.outputs())


@cast_op.lower
def _lower_cast(ctx, node, dtype):
    from tensorlite.converter.model import tensor_type
    ctx.emit("CAST", ctx.inputs(), ctx.outputs(), in_data_type=tensor_type(node.inputs[0].dtype),
             out_data_type=tensor_type(node.outputs[0].dtype))
