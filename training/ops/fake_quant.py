"""Card: `fake_quant` (`tl.quantization.fake_quant_with_min_max_vars` and its `_per_channel` form):
quantize to `num_bits` and back, as TensorFlow's FakeQuant ops do, for quantization-aware training.

The range [min, max] is first "nudged" so that 0.0 lands exactly on the grid (the integer zero point
must be an integer): with qmin = 1 if narrow_range else 0, qmax = 2^num_bits - 1,
    scale = (max - min) / (qmax - qmin),  zero_point = clip(round(qmin - min / scale), qmin, qmax),
    nudged_min = (qmin - zero_point) * scale,  nudged_max = (qmax - zero_point) * scale,
    y = round((clip(x, nudged_min, nudged_max) - nudged_min) / scale) * scale + nudged_min.
`min`/`max` are scalars, or vectors over the last axis (per channel). Rounding is half away from zero.

The gradient is the straight-through estimator (`fake_quant_grad`): dy passes to x inside the nudged
range; below it, dy flows to min, above it to max (so ranges can also be learned by gradient).

It lowers to TFLite's FAKE_QUANT builtin (which takes one range: per channel, one FAKE_QUANT per channel
between a SPLIT and a CONCATENATION; on constant weights the converter folds it away). The quantizer takes
FAKE_QUANT operators out and uses their ranges instead of calibrating (quantization-aware training's
learned ranges); a float model keeps them and computes what training computed.
"""
from __future__ import annotations

import numpy as np

from ..dispatch import apply
from ..spec import TensorSpec
from .common import operands
from .infer import FLOATS, check_dtype, same_dtype
from .registry import GRADIENT_OP, define_op


def _infer(x: TensorSpec, lo: TensorSpec, hi: TensorSpec, num_bits: int = 8, narrow_range: bool = False) -> TensorSpec:
    check_dtype("fake_quant", x, FLOATS, "inputs")
    same_dtype("fake_quant", x, lo, hi)
    if not 2 <= int(num_bits) <= 16:
        raise ValueError(f"fake_quant: num_bits must be 2..16, got {num_bits}")
    channels = x.shape[-1] if x.shape else None
    for name, s in (("min", lo), ("max", hi)):
        if tuple(s.shape) not in ((), (channels,)):
            raise ValueError(f"fake_quant: {name} must be a scalar or one value per channel of the last axis "
                             f"({channels}), got shape {list(s.shape)}")
    return TensorSpec(x.shape, x.dtype)


fake_quant_op = define_op("fake_quant", infer=_infer, attrs={"num_bits": 8, "narrow_range": False},
                          tflite="FAKE_QUANT")
fake_quant_grad_op = define_op("fake_quant_grad", infer=lambda dy, x, lo, hi, num_bits=8, narrow_range=False:
                               (TensorSpec(x.shape, x.dtype), TensorSpec(lo.shape, lo.dtype),
                                TensorSpec(hi.shape, hi.dtype)),
                               attrs={"num_bits": 8, "narrow_range": False}, nondifferentiable=True,
                               no_tflite=GRADIENT_OP)


def nudged_range(xp, lo, hi, num_bits: int, narrow_range: bool):
    """(nudged_min, nudged_max, scale) as TensorFlow's FakeQuant computes them."""
    qmin = 1.0 if narrow_range else 0.0
    qmax = float(2 ** int(num_bits) - 1)
    scale = (hi - lo) / (qmax - qmin)
    scale = xp.where(scale > 0, scale, xp.ones_like(scale) * 1e-12)   # an empty range: a tiny grid
    from_min = qmin - lo / scale
    zero = xp.clip(xp.sign(from_min) * xp.floor(xp.abs(from_min) + 0.5), qmin, qmax)
    return (qmin - zero) * scale, (qmax - zero) * scale, scale


@fake_quant_op.kernel("cpu", "cuda")
def _fake_quant(xp, x, lo, hi, num_bits=8, narrow_range=False):
    n_lo, n_hi, scale = nudged_range(xp, lo, hi, num_bits, narrow_range)
    steps = (xp.clip(x, n_lo, n_hi) - n_lo) * (1 / scale)    # times the inverse, as TF and TFLite do
    return (xp.floor(steps + 0.5) * scale + n_lo).astype(x.dtype)


@fake_quant_grad_op.kernel("cpu", "cuda")
def _fake_quant_grad(xp, dy, x, lo, hi, num_bits=8, narrow_range=False):
    n_lo, n_hi, _ = nudged_range(xp, lo, hi, num_bits, narrow_range)
    zero = xp.zeros_like(dy)
    below, above = x < n_lo, x > n_hi
    axes = tuple(range(x.ndim)) if np.ndim(lo) == 0 else tuple(range(x.ndim - 1))
    dx = xp.where(below | above, zero, dy)
    return (dx, xp.sum(xp.where(below, dy, zero), axis=axes).astype(lo.dtype),
            xp.sum(xp.where(above, dy, zero), axis=axes).astype(hi.dtype))


@fake_quant_op.grad
def _grad(dy, inputs, out, num_bits=8, narrow_range=False):
    x, lo, hi = inputs
    return tuple(apply(fake_quant_grad_op, dy, x, lo, hi, num_bits=num_bits, narrow_range=narrow_range))


def fake_quant_with_min_max_vars(inputs, min, max, num_bits=8, narrow_range=False, name=None):  # noqa: A002
    return apply(fake_quant_op, *operands(inputs, min, max), num_bits=int(num_bits), narrow_range=bool(narrow_range))


fake_quant_with_min_max_vars_per_channel = fake_quant_with_min_max_vars   # min/max of shape [channels]


@fake_quant_op.lower
def _lower(ctx, node, num_bits=8, narrow_range=False):
    """FAKE_QUANT with the range as options. LiteRT's kernel takes one range and refuses narrow_range: per
    channel, the last axis is split, each channel fake-quantized on its own and concatenated again; a narrow
    range becomes the full range one step wider that has the same grid, capped at the narrow maximum."""
    x, lo, hi = node.inputs
    la, ha = ctx.constant(lo), ctx.constant(hi)
    if la is None or ha is None:
        raise ctx.fail("FAKE_QUANT takes a constant range", "freeze the range variables (the converter does)")
    dtype = np.dtype(x.dtype)
    channels = [(dtype.type(a), dtype.type(b)) for a, b in zip(*np.broadcast_arrays(np.ravel(la), np.ravel(ha)))]
    if len(channels) == 1:
        _emit_fake_quant(ctx, ctx.tensor(x), ctx.outputs()[0], channels[0], num_bits, narrow_range, x)
        return
    axis = len(x.shape) - 1
    shape = tuple(x.shape[:-1]) + (1,)
    parts = [ctx.temp(x.dtype, shape) for _ in channels]
    ctx.emit("SPLIT", [ctx.const(np.int32(axis)), ctx.tensor(x)], parts, num_splits=len(parts))
    done = [ctx.temp(x.dtype, shape) for _ in channels]
    for part, out, bounds in zip(parts, done, channels):
        _emit_fake_quant(ctx, part, out, bounds, num_bits, narrow_range, x)
    ctx.emit("CONCATENATION", done, ctx.outputs(), axis=axis)


def _emit_fake_quant(ctx, src: int, out: int, bounds, num_bits: int, narrow_range: bool, like) -> None:
    lo, hi = bounds
    if not narrow_range:
        ctx.emit("FAKE_QUANT", [src], [out], min=float(lo), max=float(hi), num_bits=int(num_bits))
        return
    n_lo, n_hi, scale = nudged_range(np, lo, hi, num_bits, True)
    wide = ctx.temp(like.dtype, ctx.sg.tensors[out].shape)
    ctx.emit("FAKE_QUANT", [src], [wide], min=float(n_lo), max=float(n_lo + scale * (2 ** int(num_bits) - 1)),
             num_bits=int(num_bits))
    ctx.emit("MINIMUM", [wide, ctx.const(np.asarray(n_hi, like.dtype))], [out])
