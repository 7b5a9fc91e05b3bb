"""Card: reductions (reduce_sum, reduce_mean, reduce_max, reduce_min) and argmax/argmin."""
from __future__ import annotations

import math

import numpy as np

from ..dispatch import apply
from ..dtypes import as_dtype, int64
from ..spec import TensorSpec
from . import lower_util as lu
from .binary import add, divide, equal, multiply
from .common import axis_tuple
from .creation import cast, zeros_like
from .infer import INDEX, NUMERIC, check_dtype, normalize_axis
from .registry import define_op


def _axes(op: str, axis, rank: int) -> tuple:
    if axis is None:
        return tuple(range(rank))
    axes = tuple(sorted({normalize_axis(op, a, rank) for a in axis}))
    return axes


def _reduce_infer(op: str, allowed):
    def infer(x: TensorSpec, axis, keepdims) -> TensorSpec:
        check_dtype(op, x, allowed)
        axes = _axes(op, axis, x.rank)
        shape = tuple(1 if i in axes else d for i, d in enumerate(x.shape)) if keepdims else \
            tuple(d for i, d in enumerate(x.shape) if i not in axes)
        return TensorSpec(shape, x.dtype)
    return infer


ATTRS = {"axis": None, "keepdims": False}
reduce_sum_op = define_op("reduce_sum", infer=_reduce_infer("reduce_sum", NUMERIC), attrs=ATTRS,
                          tflite="SUM")
reduce_mean_op = define_op("reduce_mean", infer=_reduce_infer("reduce_mean", NUMERIC), attrs=ATTRS,
                           tflite="MEAN")
reduce_max_op = define_op("reduce_max", infer=_reduce_infer("reduce_max", NUMERIC), attrs=ATTRS,
                          tflite="REDUCE_MAX")
reduce_min_op = define_op("reduce_min", infer=_reduce_infer("reduce_min", NUMERIC), attrs=ATTRS,
                          tflite="REDUCE_MIN")


def _np_axis(x, axis):
    return None if axis is None else tuple(a % x.ndim for a in axis)


def sum_leading(xp, x, n: int, keepdims: bool = False):
    """Sum over x's first n axes. Float32/float64 as one matrix-vector product, ones @ x[rows, rest]:
    NumPy reduces a [rows, c] array along its rows with an inner loop of c elements, 10-30x slower than
    BLAS for a few dozen channels (measured: [2048, 16] float32, 104 us against 3.8 us), and that is
    every bias, batch-norm and mean reduction of a CNN's training step."""
    if n == 0 or n >= x.ndim or x.size == 0 or x.dtype not in (np.float32, np.float64):
        return xp.sum(x, axis=tuple(range(n)), keepdims=keepdims, dtype=x.dtype)
    rest = x.shape[n:]
    rows = x.size // int(np.prod(rest))
    s = xp.ones(rows, x.dtype) @ x.reshape(rows, -1)
    return s.reshape((1,) * n + rest if keepdims else rest)


def _leading_count(x, axis) -> int:
    """k when the reduced axes are exactly x's first k (k < rank), else 0."""
    axes = _np_axis(x, axis)
    return len(axes) if axes is not None and 0 < len(axes) < x.ndim and sorted(axes) == list(range(len(axes))) else 0


@reduce_sum_op.kernel("cpu", "cuda")
def _reduce_sum(xp, x, axis, keepdims):
    k = _leading_count(x, axis)
    if k:
        return sum_leading(xp, x, k, keepdims)
    return xp.sum(x, axis=_np_axis(x, axis), keepdims=keepdims, dtype=x.dtype)


@reduce_mean_op.kernel("cpu", "cuda")
def _reduce_mean(xp, x, axis, keepdims):
    k = _leading_count(x, axis)
    if k and x.dtype.kind == "f":
        return (sum_leading(xp, x, k, keepdims) / (x.size // int(np.prod(x.shape[k:])))).astype(x.dtype)
    m = xp.mean(x, axis=_np_axis(x, axis), keepdims=keepdims)
    if x.dtype.kind in "iu":  # TensorFlow's integer mean truncates
        m = xp.trunc(m)
    return m.astype(x.dtype)


@reduce_max_op.kernel("cpu", "cuda")
def _reduce_max(xp, x, axis, keepdims):
    return xp.max(x, axis=_np_axis(x, axis), keepdims=keepdims)


@reduce_min_op.kernel("cpu", "cuda")
def _reduce_min(xp, x, axis, keepdims):
    return xp.min(x, axis=_np_axis(x, axis), keepdims=keepdims)


def _keep_shape(x, axis) -> tuple:
    axes = _axes("reduce", axis, x.ndim)
    return tuple(1 if i in axes else d for i, d in enumerate(x.shape))


def _dim(x, a: int):
    """Dimension a of x as a scalar int32 tensor, read when the graph runs (for symbolic dimensions)."""
    return apply("strided_slice", apply("shape", x), begin=(a,), end=(a + 1,), strides=(1,), shrink_axis_mask=1)


def _keep(t, x, axis):
    """t (x reduced over `axis`) reshaped to x's rank with the reduced axes as 1; symbolic dimensions of x
    (None inside a trace with them) as -1 when there is one, else read through tl.shape."""
    keep = _keep_shape(x, axis)
    if keep.count(None) <= 1:
        return apply("reshape", t, shape=tuple(-1 if d is None else d for d in keep))
    from .reshape import reshape
    return reshape(t, [_dim(x, i) if d is None else d for i, d in enumerate(keep)])


def _spread(dy, x, axis):
    """dy broadcast back to x's shape (differentiable: reshape, then a broadcasting add)."""
    return add(zeros_like(x), _keep(dy, x, axis))


@reduce_sum_op.grad
def _reduce_sum_grad(dy, inputs, out, axis, keepdims):
    return (_spread(dy, inputs[0], axis),)


@reduce_mean_op.grad
def _reduce_mean_grad(dy, inputs, out, axis, keepdims):
    x = inputs[0]
    axes = _axes("reduce_mean", axis, x.ndim)
    count = math.prod(x.shape[a] for a in axes if x.shape[a] is not None)
    grad = divide(_spread(dy, x, axis), float(max(count, 1)))
    for a in axes:  # a symbolic dimension counts when the graph runs
        if x.shape[a] is not None:
            continue
        grad = divide(grad, cast(_dim(x, a), x.dtype))
    return (grad,)


def _extremum_grad(dy, inputs, out, axis, keepdims):
    # Ties share the gradient equally, as in TensorFlow.
    x = inputs[0]
    mask = cast(equal(x, _keep(out, x, axis)), x.dtype)
    ties = apply(reduce_sum_op, mask, axis=axis, keepdims=True)
    return (multiply(divide(mask, ties), _spread(dy, x, axis)),)


reduce_max_op.grad(_extremum_grad)
reduce_min_op.grad(_extremum_grad)


def _arg_infer(op: str):
    def infer(x: TensorSpec, axis, output_type) -> TensorSpec:
        check_dtype(op, x, NUMERIC)
        check_dtype(op, TensorSpec((), output_type), INDEX, "output_type")
        a = normalize_axis(op, axis, x.rank)
        return TensorSpec(x.shape[:a] + x.shape[a + 1:], output_type)
    return infer


argmax_op = define_op("argmax", infer=_arg_infer("argmax"), attrs={"axis": 0, "output_type": int64},
                      nondifferentiable=True, tflite="ARG_MAX")
argmin_op = define_op("argmin", infer=_arg_infer("argmin"), attrs={"axis": 0, "output_type": int64},
                      nondifferentiable=True, tflite="ARG_MIN")


@argmax_op.kernel("cpu", "cuda")
def _argmax(xp, x, axis, output_type):
    return xp.argmax(x, axis=axis).astype(as_dtype(output_type).as_numpy_dtype)


@argmin_op.kernel("cpu", "cuda")
def _argmin(xp, x, axis, output_type):
    return xp.argmin(x, axis=axis).astype(as_dtype(output_type).as_numpy_dtype)


def _reduce(op, x, axis, keepdims):
    return apply(op, x, axis=axis_tuple(axis), keepdims=bool(keepdims))


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None):
    return _reduce(reduce_sum_op, input_tensor, axis, keepdims)


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    return _reduce(reduce_mean_op, input_tensor, axis, keepdims)


def reduce_max(input_tensor, axis=None, keepdims=False, name=None):
    return _reduce(reduce_max_op, input_tensor, axis, keepdims)


def reduce_min(input_tensor, axis=None, keepdims=False, name=None):
    return _reduce(reduce_min_op, input_tensor, axis, keepdims)


def argmax(input, axis=None, output_type=int64, name=None):  # noqa: A002  (tf.argmax)
    return apply(argmax_op, input, axis=0 if axis is None else int(axis), output_type=as_dtype(output_type))


def argmin(input, axis=None, output_type=int64, name=None):  # noqa: A002
    return apply(argmin_op, input, axis=0 if axis is None else int(axis), output_type=as_dtype(output_type))


def _lower_reduce(builtin):
    def rule(ctx, node, axis, keepdims):
        rank = len(node.inputs[0].shape)
        axes = list(range(rank)) if axis is None else [lu.axis(a, rank) for a in axis_tuple(axis)]
        ctx.emit(builtin, [ctx.tensor(node.inputs[0]), ctx.const(axes)], ctx.outputs(), keep_dims=bool(keepdims))
    return rule


def _lower_arg(builtin):
    def rule(ctx, node, axis, output_type):
        ctx.emit(builtin, [ctx.tensor(node.inputs[0]), ctx.const([lu.axis(axis, len(node.inputs[0].shape))])],
                 ctx.outputs(), output_type={"int32": 2, "int64": 4}[as_dtype(output_type).name])
    return rule


reduce_sum_op.lower(_lower_reduce("SUM"))
reduce_mean_op.lower(_lower_reduce("MEAN"))
reduce_max_op.lower(_lower_reduce("REDUCE_MAX"))
reduce_min_op.lower(_lower_reduce("REDUCE_MIN"))
argmax_op.lower(_lower_arg("ARG_MAX"))
argmin_op.lower(_lower_arg("ARG_MIN"))
