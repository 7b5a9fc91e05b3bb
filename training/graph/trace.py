"""Tracing by recording: while a `Recorder` is active, the function runs eagerly once and every op
`dispatch.apply` executes, every variable read and every assignment is also written into a Graph.
Python control flow therefore runs at trace time (as in TensorFlow); branching on a traced
tensor's value, or an op whose output shape depends on data, raises TracingError with the user's
source line and the fix.
"""
from __future__ import annotations

import itertools
import threading
import traceback
from contextlib import contextmanager

import numpy as np

from .ir import Graph, Node, Value

_state = threading.local()
_value_ids = itertools.count(1)


class TracingError(TypeError):
    """A traced function did something a graph cannot hold."""


@contextmanager
def name_scope(name: str):
    """`tl.name_scope`: ops traced inside name their outputs `scope/op` (Keras layers open one with
    their name), so converted models carry layer names in their tensor names, as TensorFlow's do."""
    if not isinstance(name, str) or not name or "/" in name.strip("/"):
        raise ValueError(f"name_scope: expected one non-empty name without '/', got {name!r}")
    if not hasattr(_state, "scopes"):
        _state.scopes = []
    _state.scopes.append(name.strip("/"))
    try:
        yield "/".join(_state.scopes) + "/"
    finally:
        _state.scopes.pop()


def current_scope() -> str:
    """The active name scopes joined by '/' ('' outside any)."""
    return "/".join(getattr(_state, "scopes", ()))


def active() -> Recorder | None:
    stack = getattr(_state, "stack", None)
    return stack[-1] if stack else None


def _user_line() -> str:
    """file:line of the innermost frame outside tensorlite (the user's code)."""
    for frame in reversed(traceback.extract_stack()[:-2]):
        f = frame.filename.replace("\\", "/")
        if "/training/" not in f and "/tensorlite/" not in f:
            return f"{frame.filename}:{frame.lineno}: {frame.line}"
    return "<unknown>"


class Recorder:
    """Builds a Graph from the ops run while it is active (a context manager)."""

    def __init__(self, name: str):
        self.graph = Graph(name)
        self.values: dict[int, Value] = {}       # tensor _id -> Value
        self.keep: list = []                     # tensors seen, kept alive so their ids stay unique
        self.variables: dict[int, object] = {}   # capture value id -> Variable
        self.var_current: dict[int, Value] = {}  # variable _id -> the Value a read gives now
        self.assigned: dict[int, object] = {}    # variable _id -> Variable, for graph.assigns order
        self.before: dict[int, tuple] = {}       # variable _id -> (Variable, value before the trace)
        self.names: dict[str, int] = {}          # scoped value name -> times used (the next gets _<n>)

    def __enter__(self):
        if not hasattr(_state, "stack"):
            _state.stack = []
        _state.stack.append(self)
        return self

    def __exit__(self, *exc):
        _state.stack.pop()

    # ---- values ----
    def _new(self, t, name="") -> Value:
        v = Value(next(_value_ids), t.dtype.name, tuple(t.shape), name)
        self.values[t._id] = v
        self.keep.append(t)
        return v

    def input(self, t, name: str) -> Value:
        v = self._new(t, name)
        self.graph.inputs.append(v)
        return v

    def value_for(self, t) -> Value:
        """The Value of a tensor; a tensor made outside the trace (a literal, a closure's eager
        tensor) becomes a constant holding its value now."""
        v = self.values.get(t._id)
        if v is None:
            v = self._new(t)
            self.graph.constants[v.id] = np.array(t._value, copy=True)
        return v

    def is_traced(self, t) -> bool:
        v = self.values.get(t._id)
        return v is not None and v.id not in self.graph.constants

    # ---- hooks called by dispatch, Variable and Tensor ----
    def record(self, op, inputs, outputs, attrs) -> None:
        ins = [self.value_for(t) for t in inputs]
        if any(self.is_traced(t) for t in inputs):
            specs = op.infer(*[t.spec for t in inputs], **attrs)
            specs = tuple(specs) if isinstance(specs, (tuple, list)) else (specs,)
            if any(d is None for s in specs for d in s.shape) and all(None not in t.shape for t in inputs):
                raise TracingError(f"{op.name}: its output shape depends on the input values, which a graph "
                                   f"cannot hold (at {_user_line()}). Keep this op outside tl.function, or use a "
                                   "fixed-shape form (tl.where with three arguments, masks instead of gathers)")
        outs = [self._new(t, self._scoped_name(op.name)) for t in outputs]
        self.graph.nodes.append(Node(op.name, ins, outs, dict(attrs)))

    def _scoped_name(self, op_name: str) -> str:
        """`scope/op` inside a name scope (`scope/op_1` for the next one), '' outside."""
        scope = current_scope()
        if not scope:
            return ""
        name = f"{scope}/{op_name}"
        n = self.names.get(name, 0)
        self.names[name] = n + 1
        return name if n == 0 else f"{name}_{n}"

    def read(self, var, t) -> None:
        cur = self.var_current.get(var._id)
        if cur is None:
            cur = Value(next(_value_ids), var.dtype.name, tuple(var.shape), var.name)
            self.graph.captures[cur.id] = f"{var.name}:{var._id}"
            self.variables[cur.id] = var
            self.var_current[var._id] = cur
        self.values[t._id] = cur
        self.keep.append(t)

    def assign(self, var, t) -> None:
        """Called before `var` takes the value of tensor `t`."""
        self.before.setdefault(var._id, (var, var._value))
        self.var_current[var._id] = self.value_for(t)
        self.assigned[var._id] = var

    def check_concrete(self, t, what: str) -> None:
        if self.is_traced(t):
            raise TracingError(f"{what} of a tensor computed inside tl.function at {_user_line()}: a traced "
                               "function runs its Python once, so it cannot branch on or read tensor values. "
                               "Use tl.where / tl.cond for data-dependent choices, or return the tensor and read "
                               "it outside the function")

    def finish(self, outputs) -> Graph:
        g = self.graph
        g.outputs = [self.value_for(t) for t in outputs]
        g.assigns = [(f"{var.name}:{var._id}", self.var_current[vid]) for vid, var in self.assigned.items()]
        return g


class BranchRecorder(Recorder):
    """Records a branch of tl.cond or the condition/body of tl.while_loop into its own Graph while
    its parent records the enclosing function. A tensor of the parent's trace used inside becomes
    an input of the branch graph (`captured`: parent tensor -> branch input Value, in first-use
    order); variables are read through the parent (their reads are parent values too)."""

    def __init__(self, parent: Recorder, name: str):
        super().__init__(name)
        self.parent = parent
        self.captured: dict[int, tuple] = {}     # parent tensor _id -> (tensor, branch input Value)

    def value_for(self, t) -> Value:
        v = self.values.get(t._id)
        if v is not None:
            return v
        if self.parent.is_traced(t):
            v = self._new(t)
            self.captured[t._id] = (t, v)
            return v
        return super().value_for(t)

    def is_traced(self, t) -> bool:
        return super().is_traced(t) or self.parent.is_traced(t)

    def read(self, var, t) -> None:
        self.parent.read(var, t)

    def assign(self, var, t) -> None:
        raise TracingError(f"{self.graph.name}: assigning variable {var.name!r} inside a tl.cond branch or "
                           f"tl.while_loop body is not supported yet (at {_user_line()}); return the new value "
                           "and assign it after the control flow")

    def finish(self, outputs) -> Graph:
        g = self.graph
        g.outputs = [self.value_for(t) for t in outputs]
        g.inputs = g.inputs + [v for _, v in self.captured.values()]
        return g


def new_value(dtype: str, shape: tuple, name: str = "") -> Value:
    """A fresh Value (unique id) for graph inputs made by control flow."""
    return Value(next(_value_ids), dtype, tuple(shape), name)
