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
from .reduce import reduce_mean, sum_leading
from .registry import GRADIENT_OP, define_op
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


# -- training mode, fused: batch statistics, normalization and the closed-form gradient in one op each
TRAINING_ONLY = "training-mode batch norm (statistics of the batch): only training graphs hold it"


def _train_infer(x, scale, offset, epsilon):
    check_dtype("batch_norm_train", x, FLOATS, "x")
    same_dtype("batch_norm_train", x, scale, offset)
    c = x.shape[-1] if x.rank else None
    for name, s in (("scale", scale), ("offset", offset)):
        if s.rank != 1 or (c is not None and s.shape[0] is not None and s.shape[0] != c):
            raise ValueError(f"batch_norm_train: {name} must have shape [{c}] (x's last axis), got {list(s.shape)}")
    stat = TensorSpec((c,), x.dtype)
    return TensorSpec(x.shape, x.dtype), stat, stat


def _train_grad_infer(dy, x, scale, dmean, dvar, epsilon):
    return TensorSpec(x.shape, x.dtype), TensorSpec(scale.shape, x.dtype), TensorSpec(scale.shape, x.dtype)


batch_norm_train_op = define_op("batch_norm_train", infer=_train_infer, attrs={"epsilon": 1e-3},
                                no_tflite=TRAINING_ONLY)
batch_norm_train_grad_op = define_op("batch_norm_train_grad", infer=_train_grad_infer, attrs={"epsilon": 1e-3},
                                     no_tflite=GRADIENT_OP)


def _rows(x) -> int:
    """Values per channel: the statistics are over every axis but the last."""
    return x.size // max(x.shape[-1], 1)


@batch_norm_train_op.kernel("cpu", "cuda", "xla")
def _batch_norm_train(xp, x, scale, offset, epsilon):
    """(y, mean, variance) over every axis but the last (channels); variance is the biased one."""
    lead, n = x.ndim - 1, _rows(x)
    mean = sum_leading(xp, x, lead) / n
    centered = x - mean
    variance = sum_leading(xp, centered * centered, lead) / n
    k = scale / xp.sqrt(variance + xp.asarray(epsilon, x.dtype))
    return centered * k + offset, mean, variance


@batch_norm_train_op.grad
def _batch_norm_train_grad_rule(dys, inputs, outs, epsilon):
    x, scale, _ = inputs
    dy, dmean, dvar = dys
    return apply(batch_norm_train_grad_op, dy, x, scale, dmean, dvar, epsilon=epsilon)


@batch_norm_train_grad_op.kernel("cpu", "cuda", "xla")
def _batch_norm_train_grad(xp, dy, x, scale, dmean, dvar, epsilon):
    """(dx, dscale, doffset) with r = (var + eps)^-1/2, xhat = (x - mean) r, n = rows per channel:
    dx = scale r / n (n dy - sum dy - xhat sum(dy xhat)) + dmean / n + dvar 2 (x - mean) / n,
    gathered per channel into dx = dy a + (x - mean) b + c so the full-size work is five passes."""
    lead, n = x.ndim - 1, _rows(x)
    mean = sum_leading(xp, x, lead) / n
    centered = x - mean
    variance = sum_leading(xp, centered * centered, lead) / n
    r = 1 / xp.sqrt(variance + xp.asarray(epsilon, x.dtype))
    doffset = sum_leading(xp, dy, lead)
    dscale = sum_leading(xp, dy * centered, lead) * r
    a = scale * r
    b = (dvar * 2 - a * r * dscale) / n
    c = (dmean - a * doffset) / n
    dx = dy * a + centered * b + c
    return dx.astype(x.dtype, copy=False), dscale.astype(x.dtype, copy=False), doffset


@batch_norm_train_grad_op.grad
def _batch_norm_train_grad_grad(gs, inputs, outs, epsilon):
    """Second order: the gradient op written in tl ops, differentiated by a tape."""
    from ..tape import GradientTape
    from .reduce import reduce_sum
    with GradientTape() as tape:
        for t in inputs:
            tape.watch(t)
        got = _grad_in_tl_ops(*inputs, epsilon)
        total = None
        for o, g in zip(got, gs):
            term = reduce_sum(multiply(o, g))
            total = term if total is None else add(total, term)
    return tuple(tape.gradient(total, list(inputs)))


def _grad_in_tl_ops(dy, x, scale, dmean, dvar, epsilon):
    from .reduce import reduce_sum
    axes = list(range(len(x.shape) - 1))
    n = float(np.prod(x.shape[:-1]))
    mean = reduce_mean(x, axis=axes)
    centered = subtract(x, mean)
    variance = reduce_mean(square(centered), axis=axes)
    r = rsqrt(add(variance, epsilon))
    xhat = multiply(centered, r)
    doffset = reduce_sum(dy, axis=axes)
    dscale = reduce_sum(multiply(dy, xhat), axis=axes)
    inner = subtract(subtract(multiply(dy, n), doffset), multiply(xhat, dscale))
    dx = add(add(multiply(multiply(multiply(scale, r), 1 / n), inner), multiply(dmean, 1 / n)),
             multiply(centered, multiply(dvar, 2 / n)))
    return dx, dscale, doffset


def batch_norm_train(x, scale, offset, epsilon):
    """Training-mode batch norm over every axis but the last: (y, batch mean, batch variance)."""
    return apply(batch_norm_train_op, x, scale, offset, epsilon=float(epsilon))


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
