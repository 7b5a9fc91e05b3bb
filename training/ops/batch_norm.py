"""Card: batch_norm (normalize with given statistics; the op the converter folds into conv/dense)
and the `tl.nn.moments` / `tl.nn.batch_normalization` functions.

    y = (x - mean) * rsqrt(variance + eps) * scale + offset      (all broadcast against x)
"""
from __future__ import annotations

import numpy as np

from ..dispatch import apply
from ..spec import TensorSpec
from . import lower_util as lu
from .binary import add, divide, multiply, subtract
from .infer import FLOATS, broadcast_shape, check_dtype, same_dtype
from .reduce import reduce_mean
from .registry import define_op
from .unary import rsqrt, square


def _infer(x, mean, variance, offset, scale, variance_epsilon) -> TensorSpec:
    check_dtype("batch_norm", x, FLOATS, "x")
    same_dtype("batch_norm", x, mean, variance, offset, scale)
    shape = x.shape
    for s in (mean, variance, offset, scale):
        shape = broadcast_shape("batch_norm", shape, s.shape)
    if tuple(shape) != tuple(x.shape):
        raise ValueError(f"batch_norm: statistics must broadcast to x's shape {list(x.shape)}, got "
                         f"{[list(s.shape) for s in (mean, variance, offset, scale)]}")
    return TensorSpec(x.shape, x.dtype)


batch_norm_op = define_op("batch_norm", infer=_infer, attrs={"variance_epsilon": 1e-3}, tflite=None)


@batch_norm_op.kernel("cpu", "cuda")
def _batch_norm(xp, x, mean, variance, offset, scale, variance_epsilon):
    inv = scale / xp.sqrt(variance + xp.asarray(variance_epsilon, x.dtype))
    return (x - mean) * inv + offset


@batch_norm_op.grad
def _batch_norm_grad(dy, inputs, out, variance_epsilon):
    x, mean, variance, offset, scale = inputs
    r = rsqrt(add(variance, variance_epsilon))
    xhat = multiply(subtract(x, mean), r)
    dx = multiply(dy, multiply(r, scale))
    # d/dvar of (var + eps)^-1/2 is -1/2 (var + eps)^-3/2 = -1/2 r / (var + eps)
    dvar = multiply(multiply(dy, multiply(subtract(x, mean), scale)),
                    multiply(divide(r, add(variance, variance_epsilon)), -0.5))
    return dx, multiply(dx, -1.0), dvar, dy, multiply(dy, xhat)


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    from ..tensor import convert_to_tensor
    x = convert_to_tensor(x)

    def stat(v, default):  # TF allows offset/scale None
        return convert_to_tensor(default if v is None else v, dtype=x.dtype)
    return apply(batch_norm_op, x, stat(mean, 0.0), stat(variance, 1.0), stat(offset, 0.0), stat(scale, 1.0),
                 variance_epsilon=float(variance_epsilon))


def moments(x, axes, shift=None, keepdims=False, name=None):
    """(mean, variance) over `axes` (variance is the biased, population one, as in TF)."""
    mean = reduce_mean(x, axis=axes, keepdims=True)
    variance = reduce_mean(square(subtract(x, mean)), axis=axes, keepdims=True)
    if not keepdims:
        axes_set = {a % x.ndim for a in (axes if isinstance(axes, (list, tuple)) else [axes])}
        shape = [d for i, d in enumerate(x.shape) if i not in axes_set]
        mean, variance = apply("reshape", mean, shape=tuple(shape)), apply("reshape", variance, shape=tuple(shape))
    return mean, variance


@batch_norm_op.lower
def _lower_batch_norm(ctx, node, variance_epsilon):
    """Inference batch norm with constant statistics: x * scale + shift (MUL, ADD). After a conv or
    dense layer the converter's batch-norm folding has already removed it."""
    x, mean, var, beta, gamma = node.inputs
    m, v = lu.constant_or_fail(ctx, mean, "the mean"), lu.constant_or_fail(ctx, var, "the variance")
    b = lu.constant_or_fail(ctx, beta, "beta") if beta is not None else 0
    g = lu.constant_or_fail(ctx, gamma, "gamma") if gamma is not None else 1
    scale = (g / np.sqrt(v + variance_epsilon)).astype(x.dtype)
    shift = (b - m * scale).astype(x.dtype)
    scaled = ctx.temp(x.dtype, x.shape)
    ctx.emit("MUL", [ctx.tensor(x), ctx.const(scale)], [scaled], fused_activation_function=0)
    ctx.emit("ADD", [scaled, ctx.const(shift)], ctx.outputs(), fused_activation_function=0)
