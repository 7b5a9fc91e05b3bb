"""The op table (DESIGN contract 1): every op is one `OpDef`, defined once in its card file.

An OpDef holds the op's name, attribute defaults and pure shape/dtype inference, and the rules
keyed by it: device kernels, the gradient (written in tl ops, so it traces and nests), an
optional decomposition, the TFLite lowering, and the declared exceptions the tests and devices
read (tests/ops/test_cards_complete.py checks that every op has its facts):

- `no_tflite`: why the op has no TFLite lowering (gradient ops that only training graphs hold);
- `c_runtime_gaps`: builtin -> what the C runtime cannot run yet of this op's lowering;
- `no_xla`: why the XLA device has no kernel for it (it falls back to the CPU there);
- `vjp_of`: for a gradient op whose kernels write in place, the forward op whose vjp it is, so the
  XLA device computes it with jax.vjp (see `OpDef.vjp_of`).

Cards hold data and pure functions only.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

OPS: dict[str, OpDef] = {}
GRADIENT_OP = "a gradient op: only training graphs hold it"  # the usual `no_tflite` reason


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
    no_tflite: str | None = None                 # why it has no TFLite lowering (the converter refuses it)
    c_runtime_gaps: dict[str, str] = field(default_factory=dict)  # lowered builtin -> what the C runtime lacks
    no_xla: str | None = None                    # why the XLA device has no kernel (runs on the CPU there)
    # (forward op, shape attribute): this op is the vjp of the forward op's kernel. With a shape
    # attribute the forward is linear in its first input, whose shape the attribute holds, and this
    # op's inputs are (dy, *the forward's other inputs); with None its inputs are (x, dy).
    vjp_of: tuple[str, str | None] | None = None
    # attributes that may hold None, a dimension known only when a traced graph runs, because the op
    # then reads it from an input, as its card says (reshape's `shape` from a shape tensor input,
    # conv2d_backprop_input's batch from dy's); a None in any other attribute refuses the call while
    # tracing (dispatch.apply)
    symbolic_attrs: tuple[str, ...] = ()

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
              tflite=None, no_tflite: str | None = None, c_runtime_gaps: dict[str, str] | None = None,
              no_xla: str | None = None, vjp_of: tuple[str, str | None] | None = None,
              symbolic_attrs: tuple[str, ...] = ()) -> OpDef:
    if name in OPS:
        raise ValueError(f"op {name!r} is defined twice")
    op = OpDef(name, infer, dict(attrs or {}), nondifferentiable, tflite=tflite, no_tflite=no_tflite,
               c_runtime_gaps=dict(c_runtime_gaps or {}), no_xla=no_xla, vjp_of=vjp_of,
               symbolic_attrs=tuple(symbolic_attrs))
    OPS[name] = op
    return op
