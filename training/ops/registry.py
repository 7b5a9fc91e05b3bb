"""The op table (DESIGN contract 1): every op is one `OpDef`, defined once in its card file.

An OpDef holds the op's name, attribute defaults and pure shape/dtype inference, and the rules
keyed by it: device kernels, the gradient (written in tl ops, so it traces and nests), an
optional decomposition, and the deployment data later parts read (TFLite lowering, ONNX
import, quantization constraint, runtime support). Cards hold data and pure functions only.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

OPS: dict[str, OpDef] = {}


@dataclass
class OpDef:
    name: str
    infer: Callable[..., Any]
    attrs: dict[str, Any] = field(default_factory=dict)
    nondifferentiable: bool = False
    kernels: dict[str, Callable[..., Any]] = field(default_factory=dict)
    grad_rule: Callable[..., Any] | None = None
    decompose: Callable[..., Any] | None = None
    tflite: Any = None          # the TFLite builtin it lowers to (a name, for reading and listing)
    lowering: Callable[..., Any] | None = None
    onnx: Any = None
    quant: Any = None
    support: dict[str, set[str]] = field(default_factory=dict)

    def kernel(self, *devices: str):
        """Decorator: register `fn(xp, *arrays, **attrs) -> array | tuple` for these devices."""
        def register(fn):
            for d in devices:
                self.kernels[d] = fn
            return fn
        return register

    def grad(self, fn):
        """Decorator: register `fn(dy, inputs, out, **attrs) -> tuple` (one entry per input, None
        where there is no gradient). For multi-output ops `dy` and `out` are tuples."""
        self.grad_rule = fn
        return fn

    def lower(self, fn):
        """Decorator: register the TFLite lowering `fn(ctx, node, **attrs)`; `ctx` is the converter's
        LoweringContext (converter/lower.py): ctx.inputs()/outputs() tensor indices, ctx.constant(value),
        ctx.const(array), ctx.temp(dtype, shape), ctx.emit(builtin, inputs, outputs, **options),
        ctx.fail(why, hint)."""
        self.lowering = fn
        return fn

    def __repr__(self) -> str:
        return f"<op {self.name}>"


def define_op(name: str, *, infer, attrs: dict[str, Any] | None = None, nondifferentiable: bool = False,
              tflite=None, onnx=None, quant=None, support=None) -> OpDef:
    if name in OPS:
        raise ValueError(f"op {name!r} is defined twice")
    op = OpDef(name, infer, dict(attrs or {}), nondifferentiable, tflite=tflite, onnx=onnx, quant=quant,
               support=dict(support or {}))
    OPS[name] = op
    return op
