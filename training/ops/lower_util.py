"""Small helpers the cards' TFLite lowering rules share (`@<op>.lower`); see converter/lower.py."""
from __future__ import annotations

PADDING = {"SAME": 0, "VALID": 1}   # TFLite's Padding enum


def padding(ctx, p) -> int:
    if isinstance(p, str) and p.upper() in PADDING:
        return PADDING[p.upper()]
    raise ctx.fail(f"padding {p!r} has no TFLite form (SAME or VALID)",
                   "Pad explicitly with tl.pad before the op and use padding='VALID'")


def axis(a: int, rank: int) -> int:
    return a + rank if a < 0 else a


def constant_or_fail(ctx, value, what: str):
    """The array of a constant input; computed ones fail (the builtin needs the data at conversion)."""
    a = ctx.constant(value)
    if a is None:
        raise ctx.fail(f"{what} must be a constant to convert this op",
                       "Make it a model weight or a Python constant, not a computed tensor")
    return a


def unary(builtin: str, **options):
    """A lowering that emits `builtin` on the node's tensors with fixed options."""
    def rule(ctx, node, **_):
        ctx.emit(builtin, ctx.inputs(), ctx.outputs(), **options)
    return rule
