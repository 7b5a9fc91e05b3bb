"""Card: softmax and log_softmax along one axis, numerically stable (max subtracted), plus the
cross-entropy composites of tl.nn (built from tl ops, so they differentiate)."""
from __future__ import annotations

from ..dispatch import apply
from ..spec import TensorSpec
from . import lower_util as lu
from .binary import multiply, subtract
from .creation import cast
from .infer import FLOATS, check_dtype, normalize_axis, same_as
from .reduce import reduce_sum
from .registry import define_op
from .unary import exp, log


def _infer(op):
    def infer(x: TensorSpec, axis) -> TensorSpec:
        check_dtype(op, x, FLOATS, "logits")
        normalize_axis(op, axis, x.rank)
        return same_as(x)
    return infer


softmax_op = define_op("softmax", infer=_infer("softmax"), attrs={"axis": -1}, tflite="SOFTMAX")
log_softmax_op = define_op("log_softmax", infer=_infer("log_softmax"), attrs={"axis": -1}, tflite="LOG_SOFTMAX")


@softmax_op.kernel("cpu", "cuda")
def _softmax(xp, x, axis):
    e = xp.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@softmax_op.grad
def _softmax_grad(dy, inputs, out, axis):
    # J^T dy = y * (dy - sum(dy * y))
    return (multiply(out, subtract(dy, reduce_sum(multiply(dy, out), axis=axis, keepdims=True))),)


@log_softmax_op.kernel("cpu", "cuda")
def _log_softmax(xp, x, axis):
    z = x - x.max(axis=axis, keepdims=True)
    return z - xp.log(xp.exp(z).sum(axis=axis, keepdims=True))


@log_softmax_op.grad
def _log_softmax_grad(dy, inputs, out, axis):
    return (subtract(dy, multiply(exp(out), reduce_sum(dy, axis=axis, keepdims=True))),)


def softmax(logits, axis=None, name=None):
    return apply(softmax_op, logits, axis=-1 if axis is None else int(axis))


def log_softmax(logits, axis=None, name=None):
    return apply(log_softmax_op, logits, axis=-1 if axis is None else int(axis))


def softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None):
    from ..tensor import convert_to_tensor
    logits = convert_to_tensor(logits)
    labels = cast(convert_to_tensor(labels), logits.dtype)
    return multiply(reduce_sum(multiply(labels, log_softmax(logits, axis)), axis=axis), -1.0)


def sparse_softmax_cross_entropy_with_logits(labels, logits, name=None):
    from ..tensor import Tensor, convert_to_tensor
    from .one_hot import one_hot
    logits = convert_to_tensor(logits)
    labels = convert_to_tensor(labels)
    classes = logits.shape[-1]
    if tuple(labels.shape) != tuple(logits.shape[:-1]):
        raise ValueError(f"sparse_softmax_cross_entropy_with_logits: labels must have shape "
                         f"{list(logits.shape[:-1])} (logits' without the last dim), got {list(labels.shape)}")
    if isinstance(labels, Tensor) and labels.size:  # eager: out-of-range labels would give a silent zero loss
        lo, hi = int(labels.numpy().min()), int(labels.numpy().max())
        if lo < 0 or hi >= classes:
            raise ValueError(f"sparse_softmax_cross_entropy_with_logits: labels must be in [0, {classes}), "
                             f"got values in [{lo}, {hi}]")
    onehot = one_hot(cast(labels, "int32"), classes, dtype=logits.dtype)
    return softmax_cross_entropy_with_logits(onehot, logits)


def sigmoid_cross_entropy_with_logits(labels, logits, name=None):
    """max(x, 0) - x z + log(1 + exp(-|x|)): stable for large |x|."""
    from ..tensor import convert_to_tensor
    from .binary import add, maximum
    from .unary import abs as abs_
    x = convert_to_tensor(logits)
    z = cast(convert_to_tensor(labels), x.dtype)
    if tuple(z.shape) != tuple(x.shape):  # as TF: no silent broadcasting of a per-element loss
        raise ValueError(f"sigmoid_cross_entropy_with_logits: labels and logits must have the same shape, "
                         f"got labels {list(z.shape)} and logits {list(x.shape)}")
    return add(subtract(maximum(x, 0.0), multiply(x, z)), log(add(exp(multiply(abs_(x), -1.0)), 1.0)))


def log_sigmoid(x, name=None):
    from ..tensor import convert_to_tensor
    x = convert_to_tensor(x)
    return multiply(sigmoid_cross_entropy_with_logits(apply("ones_like", x), x), -1.0)


def _lower_softmax(builtin, **options):
    """TFLite's softmaxes work on the last axis: another axis is swapped last and back."""
    def rule(ctx, node, axis):
        x = node.inputs[0]
        rank, a = len(x.shape), lu.axis(axis, len(node.inputs[0].shape))
        if a == rank - 1:
            ctx.emit(builtin, ctx.inputs(), ctx.outputs(), **options)
            return
        perm = list(range(rank))
        perm[a], perm[-1] = perm[-1], perm[a]
        shape = tuple(x.shape[p] for p in perm)
        moved, done = ctx.temp(x.dtype, shape), ctx.temp(x.dtype, shape)
        ctx.emit("TRANSPOSE", [ctx.tensor(x), ctx.const(perm)], [moved])
        ctx.emit(builtin, [moved], [done], **options)
        ctx.emit("TRANSPOSE", [done, ctx.const(perm)], ctx.outputs())
    return rule


softmax_op.lower(_lower_softmax("SOFTMAX", beta=1.0))
log_softmax_op.lower(_lower_softmax("LOG_SOFTMAX"))
