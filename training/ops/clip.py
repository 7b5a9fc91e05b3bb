"""Card: `clip` (`tl.clip_by_value`): max(min(t, hi), lo) with broadcasting bounds, in
TensorFlow's order (so lo > hi gives lo) and with the gradient of that composition.

TFLite has no clip builtin: the converter lowers it through `decompose` (MINIMUM then MAXIMUM).
"""
from __future__ import annotations

from ..dispatch import apply
from ..spec import TensorSpec
from .binary import greater, greater_equal, less, less_equal, logical_and, maximum, minimum
from .common import operands
from .creation import zeros_like
from .infer import NUMERIC, broadcast_shape, check_dtype, same_dtype
from .registry import define_op


def _infer(t: TensorSpec, lo: TensorSpec, hi: TensorSpec) -> TensorSpec:
    check_dtype("clip", t, NUMERIC, "t")
    same_dtype("clip", t, lo, hi)
    shape = broadcast_shape("clip", broadcast_shape("clip", t.shape, lo.shape), hi.shape)
    if shape != t.shape:
        raise ValueError(f"clip: clip_value_min {list(lo.shape)} and clip_value_max {list(hi.shape)} must "
                         f"broadcast to the shape of t {list(t.shape)}, but give shape {list(shape)}")
    return TensorSpec(t.shape, t.dtype)


clip_op = define_op("clip", infer=_infer, tflite=None)


@clip_op.kernel("cpu", "cuda")
def _clip(xp, t, lo, hi):
    return xp.maximum(xp.minimum(t, hi), lo)


def _decompose(t, lo, hi):
    return maximum(minimum(t, hi), lo)


clip_op.decompose = _decompose


@clip_op.grad
def _clip_grad(dy, inputs, out):
    # As maximum(minimum(t, hi), lo): the inner minimum passes dy to t where t <= hi, else to hi;
    # the outer maximum passes it on where min(t, hi) >= lo, else to lo (the tape un-broadcasts).
    t, lo, hi = inputs
    zeros = zeros_like(dy)
    kept = greater_equal(minimum(t, hi), lo)
    return (apply("where", logical_and(kept, less_equal(t, hi)), dy, zeros),
            apply("where", less(minimum(t, hi), lo), dy, zeros),
            apply("where", logical_and(kept, greater(t, hi)), dy, zeros))


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    return apply(clip_op, *operands(t, clip_value_min, clip_value_max))


@clip_op.lower
def _lower_clip(ctx, node):
    """RELU6 / RELU_N1_TO_1 / RELU for those constant bounds, else MINIMUM then MAXIMUM."""
    t, lo, hi = node.inputs
    la, ha = ctx.constant(lo), ctx.constant(hi)
    if la is not None and ha is not None and la.size == 1 and ha.size == 1 and t.dtype == "float32":
        bounds = (float(la.ravel()[0]), float(ha.ravel()[0]))
        named = {(0.0, 6.0): "RELU6", (-1.0, 1.0): "RELU_N1_TO_1", (0.0, float("inf")): "RELU"}.get(bounds)
        if named:
            ctx.emit(named, [ctx.tensor(t)], ctx.outputs())
            return
    low = ctx.temp(t.dtype, node.outputs[0].shape)
    ctx.emit("MINIMUM", [ctx.tensor(t), ctx.tensor(hi)], [low])
    ctx.emit("MAXIMUM", [low, ctx.tensor(lo)], ctx.outputs())
