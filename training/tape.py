"""GradientTape: records ops run under it and walks them backwards to compute gradients.

Gradient rules are written in tl ops, so computing a gradient is itself recorded by any outer
tape: nested tapes give higher-order derivatives. The walker, not each rule, sums gradients
back to the shape of a broadcast input. Variables are linked to the tensors read from them by
an identity record, so `tape.gradient(loss, variable)` works.
"""
from __future__ import annotations

import contextlib
import threading

from .ops.registry import OPS, OpDef

_state = threading.local()


def _active() -> list:
    stack = getattr(_state, "tapes", None)
    if stack is None:
        stack = _state.tapes = []
    return stack


class _Record:
    __slots__ = ("op", "inputs", "outputs", "attrs")

    def __init__(self, op, inputs, outputs, attrs):
        self.op, self.inputs, self.outputs, self.attrs = op, inputs, outputs, attrs


def record_operation(op: OpDef, inputs, outputs, attrs) -> None:
    """Called by `apply` after every op: each recording tape that tracks an input records it."""
    stack = _active()
    if not stack or op.nondifferentiable:
        return
    for tape in stack:
        if tape._recording and any(x._id in tape._tracked for x in inputs):
            tape._records.append(_Record(op, inputs, outputs, attrs))
            for o in outputs:
                tape._tracked[o._id] = o


def record_variable_read(var, value) -> None:
    """Called on every Variable read: trainable variables are watched by tapes that want them."""
    for tape in _active():
        if not tape._recording:
            continue
        if tape._watch_accessed and var.trainable and var._id not in tape._tracked:
            tape._tracked[var._id] = var
        if var._id in tape._tracked:
            tape._records.append(_Record(OPS["identity"], [var], (value,), {}))
            tape._tracked[value._id] = value


def _flatten(x):
    """Flattens nested lists/tuples/dicts of tensors; returns (leaves, rebuild)."""
    if isinstance(x, dict):
        keys = list(x)
        parts = [_flatten(x[k]) for k in keys]
        leaves = [leaf for p in parts for leaf in p[0]]

        def rebuild(vals):
            out, i = {}, 0
            for k, (lv, rb) in zip(keys, parts):
                out[k] = rb(vals[i:i + len(lv)])
                i += len(lv)
            return out
        return leaves, rebuild
    if isinstance(x, (list, tuple)):
        parts = [_flatten(v) for v in x]
        leaves = [leaf for p in parts for leaf in p[0]]

        def rebuild(vals):
            out, i = [], 0
            for lv, rb in parts:
                out.append(rb(vals[i:i + len(lv)]))
                i += len(lv)
            return type(x)(out) if isinstance(x, tuple) else out
        return leaves, rebuild
    return [x], lambda vals: vals[0]


class GradientTape:
    """Records operations for automatic differentiation (TensorFlow's `tf.GradientTape`)."""

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True):
        self._persistent = persistent
        self._watch_accessed = watch_accessed_variables
        self._records: list[_Record] | None = []
        self._tracked: dict = {}
        self._recording = False

    def __enter__(self):
        if self._records is None:
            raise RuntimeError("this non-persistent GradientTape was already used; create a new one")
        _active().append(self)
        self._recording = True
        return self

    def __exit__(self, *exc):
        self._recording = False
        _active().remove(self)

    def watch(self, tensor) -> None:
        """Tracks `tensor` (or a nested structure of them) so gradients with respect to it exist."""
        from .tensor import Tensor, Variable
        for t in _flatten(tensor)[0]:
            if not isinstance(t, (Tensor, Variable)):
                raise TypeError(f"GradientTape.watch: expected a Tensor or Variable, got {type(t).__name__}")
            self._tracked[t._id] = t

    def watched_variables(self) -> tuple:
        from .tensor import Variable
        return tuple(v for v in self._tracked.values() if isinstance(v, Variable))

    @contextlib.contextmanager
    def stop_recording(self):
        prev, self._recording = self._recording, False
        try:
            yield
        finally:
            self._recording = prev

    def reset(self) -> None:
        self._records, self._tracked = [], {}

    def gradient(self, target, sources, output_gradients=None, unconnected_gradients="none"):
        """d(sum of targets)/d(source) for each source, shaped like `sources` (list, dict or one).

        Returns None for sources the targets do not depend on (or zeros with
        `unconnected_gradients="zero"`). Integer targets or sources raise TypeError.
        """
        from . import ops as _ops  # noqa: F401  (fills OPS)
        from .dispatch import apply
        from .tensor import convert_to_tensor

        if self._records is None:
            raise RuntimeError("a non-persistent GradientTape can compute gradients only once; "
                               "use GradientTape(persistent=True)")
        unconnected = getattr(unconnected_gradients, "value", unconnected_gradients)
        if unconnected not in ("none", "zero"):
            raise ValueError(f"unconnected_gradients must be 'none' or 'zero', got {unconnected_gradients!r}")
        targets, _ = _flatten(target)
        srcs, rebuild = _flatten(sources)
        for role, ts in (("target", targets), ("source", srcs)):
            for t in ts:
                if not t.dtype.is_floating:
                    raise TypeError(f"GradientTape.gradient: a {role} has dtype {t.dtype.name}; gradients "
                                    "exist only for floating tensors (tl.cast it to a float dtype first)")
        out_grads = [None] * len(targets) if output_gradients is None else _flatten(output_gradients)[0]

        with self.stop_recording():
            grads: dict = {}
            for t, g in zip(targets, out_grads):
                t = convert_to_tensor(t) if not hasattr(t, "_id") else t
                g = apply("ones_like", t) if g is None else convert_to_tensor(g, dtype=t.dtype)
                grads[t._id] = g if t._id not in grads else apply("add", grads[t._id], g)
            reach = {s._id for s in srcs}
            relevant = []
            for rec in self._records:
                if any(x._id in reach for x in rec.inputs):
                    relevant.append(rec)
                    reach.update(o._id for o in rec.outputs)
            for rec in reversed(relevant):
                dys = [grads.get(o._id) for o in rec.outputs]
                if all(d is None for d in dys):
                    continue
                if rec.op.grad_rule is None:
                    raise LookupError(f"no gradient is defined for op {rec.op.name!r}")
                dys = [apply("zeros_like", o) if d is None else d for d, o in zip(dys, rec.outputs)]
                multi = len(rec.outputs) > 1
                in_grads = rec.op.grad_rule(tuple(dys) if multi else dys[0], rec.inputs,
                                            tuple(rec.outputs) if multi else rec.outputs[0], **rec.attrs)
                if len(in_grads) != len(rec.inputs):
                    raise RuntimeError(f"gradient of {rec.op.name} returned {len(in_grads)} values for "
                                       f"{len(rec.inputs)} inputs")
                for x, g in zip(rec.inputs, in_grads):
                    if g is None or x._id not in reach or not x.dtype.is_floating:
                        continue
                    g = unbroadcast(g, tuple(x.shape))
                    grads[x._id] = g if x._id not in grads else apply("add", grads[x._id], g)

            result = []
            for s in srcs:
                g = grads.get(s._id)
                if g is None and unconnected == "zero":
                    g = apply("zeros_like", s.read_value() if hasattr(s, "read_value") else s)
                result.append(g)
        if not self._persistent:
            self._records, self._tracked = None, {}
        return rebuild(result)


def unbroadcast(g, shape: tuple):
    """Sums `g` over the axes along which an input of `shape` was broadcast."""
    from .dispatch import apply
    if tuple(g.shape) == shape:
        return g
    lead = g.ndim - len(shape)
    if None in shape:  # symbolic dimensions (in a trace): sum the broadcast axes keeping x's rank, so the
        if lead:       # sizes agree when the graph runs without a reshape to sizes only known then
            g = apply("reduce_sum", g, axis=tuple(range(lead)), keepdims=False)
        ones = tuple(i for i, d in enumerate(shape) if d == 1 and g.shape[i] != 1)
        return apply("reduce_sum", g, axis=ones, keepdims=True) if ones else g
    axes = tuple(range(lead)) + tuple(lead + i for i, d in enumerate(shape) if d == 1 and g.shape[lead + i] != 1)
    if axes:
        g = apply("reduce_sum", g, axis=axes, keepdims=False)
    return apply("reshape", g, shape=shape) if tuple(g.shape) != shape else g


def stop_gradient(x):
    """The value of `x`, through which no gradient flows."""
    from .dispatch import apply
    return apply("stop_gradient", x)


class _CustomCall:
    """The grad rule of one `custom_gradient` call: the user's closure from the forward pass."""

    def __init__(self, grad_fn, variables):
        self.grad_fn, self.variables = grad_fn, variables


def custom_gradient(f):
    """Decorator (`tf.custom_gradient`): `f(*x)` returns `(y, grad_fn)`; `grad_fn(dy)` returns the
    gradients for `x` (and, with `variables=` in its signature, `(dx, dvariables)`)."""
    import functools
    import inspect

    from .tensor import Tensor, convert_to_tensor

    @functools.wraps(f)
    def wrapper(*args):
        xs = [convert_to_tensor(a) if not isinstance(a, Tensor) else a for a in args]
        probe = GradientTape(watch_accessed_variables=True)
        stack = _active()
        paused = [t for t in stack if t._recording]
        for t in paused:
            t._recording = False
        try:
            with probe:
                y, grad_fn = f(*xs)
        finally:
            for t in paused:
                t._recording = True
        variables = list(probe.watched_variables())
        takes_vars = "variables" in inspect.signature(grad_fn).parameters
        ys, rebuild = _flatten(y)
        ys = [convert_to_tensor(v) for v in ys]
        inputs = xs + (variables if takes_vars else [])

        def rule(dy, inputs_, out, **_):
            dys = dy if isinstance(dy, tuple) else (dy,)
            if takes_vars:
                dx, dv = grad_fn(*dys, variables=variables)
            else:
                dx, dv = grad_fn(*dys), []
            dx = list(dx) if isinstance(dx, (list, tuple)) else [dx]
            return tuple(dx) + tuple(dv)

        op = OpDef(f"custom_gradient:{f.__name__}", infer=None, grad_rule=rule)
        outs = tuple(Tensor(v._value, v.dtype, v.device) for v in ys)
        for tape in stack:  # the variables f read are watched, as if read outside f
            if tape._recording and tape._watch_accessed:
                tape._tracked.update((v._id, v) for v in variables if v.trainable)
        record_operation(op, inputs, outs, {})
        return rebuild(list(outs))

    return wrapper
