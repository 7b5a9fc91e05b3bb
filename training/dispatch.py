"""`apply`: the one entry point every op goes through (JAX's `Primitive.bind`).

It validates attributes, runs the op's shape/dtype inference (which raises TypeError/ValueError
naming the op), picks the device kernel, wraps the result and lets every active GradientTape
record the call.
"""
from __future__ import annotations

import logging

from .devices import current_device, get_device
from .graph.trace import active as active_recorder
from .ops.registry import OPS, OpDef
from .tape import record_operation
from .tensor import Tensor, convert_to_tensor

log = logging.getLogger("tensorlite.placement")


def apply(op: OpDef | str, *inputs, **attrs):
    """Runs `op` on `inputs` eagerly; returns a Tensor, or a tuple for multi-output ops."""
    if isinstance(op, str):
        op = OPS[op]
    for k in attrs:
        if k not in op.attrs:
            known = ", ".join(op.attrs) or "none"
            raise TypeError(f"{op.name}: unknown attribute {k!r} (known: {known})")
    full = {**op.attrs, **attrs}
    if active_recorder() is not None:
        _refuse_symbolic_attrs(op, attrs)
    tensors = [x if isinstance(x, Tensor) else convert_to_tensor(x) for x in inputs]
    out_spec = op.infer(*[t.spec for t in tensors], **full)
    multi = isinstance(out_spec, (tuple, list))
    specs = tuple(out_spec) if multi else (out_spec,)

    dev = current_device()
    kernel = op.kernels.get(dev.name)
    if kernel is None:
        if op.decompose is not None:
            return op.decompose(*tensors, **full)
        if "cpu" not in op.kernels:
            raise NotImplementedError(f"{op.name} on {dev.name}: no kernel and no decomposition")
        log.info("%s has no %s kernel: running on cpu", op.name, dev.name)
        dev = get_device("cpu")
        kernel = op.kernels["cpu"]
    arrays = [t._value if t.device == dev.name else dev.put(get_device(t.device).get(t._value))
              for t in tensors]
    result = kernel(dev.xp, *arrays, **full)
    results = tuple(result) if multi else (result,)
    outs = tuple(Tensor(_conform(op, dev.xp, r, s), s.dtype, dev.name) for r, s in zip(results, specs))
    record_operation(op, tensors, outs, full)
    recorder = active_recorder()
    if recorder is not None:
        recorder.record(op, tensors, outs, full)
    return outs if multi else outs[0]


def _refuse_symbolic_attrs(op: OpDef, attrs: dict) -> None:
    """A None inside a shape-like attribute is a symbolic dimension (a None of an input_signature) that
    the caller read from `x.shape` while tracing: an attribute is fixed in the graph, so it cannot hold it."""
    for k, v in attrs.items():
        if isinstance(v, (tuple, list)) and any(d is None for d in v) and k not in op.symbolic_attrs:
            raise symbolic_size_error(f"{op.name}: attribute {k}", v)


def symbolic_size_error(what: str, value) -> NotImplementedError:
    """The error for sizes holding a symbolic dimension where the graph needs them fixed."""
    return NotImplementedError(
        f"{what}={list(value)} holds a symbolic dimension (None: known only when the traced graph runs, from a "
        "None in the input_signature), and attributes are fixed in the graph. Compute sizes known only at run "
        "time with tl.shape(x) (tl.reshape takes such a shape), or trace with that dimension fixed")


def _conform(op: OpDef, xp, r, spec):
    r = xp.asarray(r)
    if r.dtype != spec.dtype.as_numpy_dtype:
        r = r.astype(spec.dtype.as_numpy_dtype)
    if any(d is not None and d != g for d, g in zip(spec.shape, r.shape)) or len(spec.shape) != r.ndim:
        raise RuntimeError(f"{op.name}: kernel returned shape {list(r.shape)} but inference said "
                           f"{list(spec.shape)} (a kernel bug)")
    return r
