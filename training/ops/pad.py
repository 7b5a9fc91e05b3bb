"""Card: padding. `pad` (TFLite PAD; PADV2 when constant_values != 0) fills with a constant;
`mirror_pad` (TFLite MIRROR_PAD) reflects the edge, REFLECT without and SYMMETRIC with the edge
element itself. Two ops because TFLite has two builtins; `tl.pad(mode=...)` picks one."""
from __future__ import annotations

import numpy as np

from ..dispatch import apply
from ..spec import TensorSpec
from .binary import add
from .infer import same_as
from .registry import define_op

MODES = ("CONSTANT", "REFLECT", "SYMMETRIC")


def _pairs(op: str, x: TensorSpec, paddings) -> tuple:
    try:
        pairs = tuple((int(b), int(a)) for b, a in paddings)
    except (TypeError, ValueError):
        pairs = None
    if pairs is None or len(pairs) != x.rank:
        raise ValueError(f"{op}: `paddings` must have shape [{x.rank}, 2] for input shape {list(x.shape)}, "
                         f"got {np.asarray(paddings, dtype=object).tolist()}")
    if any(v < 0 for p in pairs for v in p):
        raise ValueError(f"{op}: `paddings` must be non-negative, got {[list(p) for p in pairs]}")
    return pairs


def _padded(x: TensorSpec, pairs) -> tuple:
    return tuple(None if d is None else d + b + a for d, (b, a) in zip(x.shape, pairs, strict=True))


def _pad_infer(x: TensorSpec, paddings, constant_values) -> TensorSpec:
    return same_as(x, shape=_padded(x, _pairs("pad", x, paddings)))


def _mirror_infer(x: TensorSpec, paddings, mode) -> TensorSpec:
    if mode not in ("REFLECT", "SYMMETRIC"):
        raise ValueError(f"mirror_pad: `mode` must be REFLECT or SYMMETRIC, got {mode!r}")
    pairs = _pairs("mirror_pad", x, paddings)
    edge = 1 if mode == "REFLECT" else 0  # REFLECT skips the edge element, so it has one fewer
    for d, (dim, (b, a)) in enumerate(zip(x.shape, pairs, strict=True)):
        if dim is not None and max(b, a) > dim - edge:
            raise ValueError(f"mirror_pad: {mode} paddings must be at most {dim - edge} for dimension {d} of "
                             f"shape {list(x.shape)}, got {[b, a]}")
    return same_as(x, shape=_padded(x, pairs))


pad_op = define_op("pad", infer=_pad_infer, attrs={"paddings": (), "constant_values": 0}, tflite="PAD")
mirror_pad_op = define_op("mirror_pad", infer=_mirror_infer, attrs={"paddings": (), "mode": "REFLECT"},
                          tflite="MIRROR_PAD")


@pad_op.kernel("cpu", "cuda")
def _pad(xp, x, paddings, constant_values):
    return xp.pad(x, paddings, mode="constant", constant_values=constant_values)


@pad_op.grad
def _pad_grad(dy, inputs, out, paddings, constant_values):
    return (apply("slice", dy, begin=tuple(b for b, _ in paddings), size=tuple(inputs[0].shape)),)


@mirror_pad_op.kernel("cpu", "cuda")
def _mirror_pad(xp, x, paddings, mode):
    return xp.pad(x, paddings, mode=mode.lower())


def _along(t, axis: int, start: int, size: int):
    """t[..., start:start + size, ...] on `axis`."""
    begin = tuple(start if i == axis else 0 for i in range(t.ndim))
    sizes = tuple(size if i == axis else -1 for i in range(t.ndim))
    return apply("slice", t, begin=begin, size=sizes)


def _reverse(t, axis: int):
    full = (1 << t.ndim) - 1
    return apply("strided_slice", t, begin=(0,) * t.ndim, end=(0,) * t.ndim,
                 strides=tuple(-1 if i == axis else 1 for i in range(t.ndim)), begin_mask=full, end_mask=full)


def _place(t, axis: int, before: int, after: int):
    return apply("pad", t, paddings=tuple((before, after) if i == axis else (0, 0) for i in range(t.ndim)))


@mirror_pad_op.grad
def _mirror_pad_grad(dy, inputs, out, paddings, mode):
    # Axis by axis, each mirrored block is reversed and added back onto the elements it copied:
    # REFLECT's left block copies x[1:b+1], SYMMETRIC's x[0:b] (and likewise at the right end).
    edge = 1 if mode == "REFLECT" else 0
    g = dy
    for axis, ((b, a), n) in enumerate(zip(paddings, inputs[0].shape, strict=True)):
        if b == 0 and a == 0:
            continue
        total = _along(g, axis, b, n)
        if b:
            total = add(total, _place(_reverse(_along(g, axis, 0, b), axis), axis, edge, n - edge - b))
        if a:
            total = add(total, _place(_reverse(_along(g, axis, b + n, a), axis), axis, n - edge - a, edge))
        g = total
    return (g,)


def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
    """`tf.pad`. `mode` is CONSTANT, REFLECT or SYMMETRIC (any case); constant_values is a scalar."""
    m = str(mode).upper()
    if m not in MODES:
        raise ValueError(f"pad: `mode` must be one of {', '.join(MODES)}, got {mode!r}")
    if hasattr(paddings, "numpy"):
        paddings = paddings.numpy()
    pairs = tuple(tuple(int(v) for v in p) for p in np.asarray(paddings).reshape(-1, 2)) \
        if np.size(paddings) % 2 == 0 else paddings
    if m == "CONSTANT":
        if hasattr(constant_values, "numpy"):
            constant_values = constant_values.numpy()
        return apply(pad_op, tensor, paddings=pairs, constant_values=np.asarray(constant_values).item())
    return apply(mirror_pad_op, tensor, paddings=pairs, mode=m)


@pad_op.lower
def _lower_pad(ctx, node, paddings, constant_values):
    pads = ctx.const(np.asarray(paddings, np.int32).reshape(-1, 2))
    if constant_values == 0:
        ctx.emit("PAD", [ctx.tensor(node.inputs[0]), pads], ctx.outputs())
    else:
        value = ctx.const(np.asarray(constant_values, node.inputs[0].dtype).reshape(()))
        ctx.emit("PADV2", [ctx.tensor(node.inputs[0]), pads, value], ctx.outputs())


@mirror_pad_op.lower
def _lower_mirror_pad(ctx, node, paddings, mode):
    pads = ctx.const(np.asarray(paddings, np.int32).reshape(-1, 2))
    ctx.emit("MIRROR_PAD", [ctx.tensor(node.inputs[0]), pads], ctx.outputs(),
             mode={"REFLECT": 0, "SYMMETRIC": 1}[mode.upper()])
