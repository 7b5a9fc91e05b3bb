"""Tracing by recording: while a `Recorder` is active, the function runs eagerly once and every op
`dispatch.apply` executes, every variable read and every assignment is also written into a Graph.
Python control flow therefore runs at trace time (as in TensorFlow); branching on a traced
tensor's value, or an op whose output shape depends on data, raises TracingError with the user's
source line and the fix.
"""
from __future__ import annotations

import itertools
import traceback
from contextlib import contextmanager

import numpy as np

from ..spec import TensorSpec
from .ir import Graph, Node, Value
from .state import state as _state

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


@contextmanager
def outside_branches():
    """Records into the traced function's own graph while a tl.cond branch or tl.while_loop body is being
    traced inside it: a random op's count is read and advanced there (a branch cannot assign variables),
    and the branch takes the count in as an input."""
    stack = getattr(_state, "stack", [])
    popped = []
    while stack and isinstance(stack[-1], BranchRecorder):
        popped.append(stack.pop())
    try:
        yield
    finally:
        stack.extend(reversed(popped))


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
        self.producer: dict[int, Node] = {}      # value id -> the node that made it

    def __enter__(self):
        if not hasattr(_state, "stack"):
            _state.stack = []
        _state.stack.append(self)
        return self

    def __exit__(self, *exc):
        _state.stack.pop()

    # ---- values ----
    def _new(self, t, name="", shape=None) -> Value:
        v = Value(next(_value_ids), t.dtype.name, tuple(t.shape) if shape is None else tuple(shape), name)
        self.values[t._id] = v
        self.keep.append(t)
        return v

    def input(self, t, name: str, shape=None) -> Value:
        """A graph input for tensor `t`; `shape` (the input_signature's, None for a symbolic
        dimension) replaces t's concrete shape, so one graph serves every size there."""
        v = self._new(t, name, shape)
        self.graph.inputs.append(v)
        return v

    def symbolic_shape(self, t) -> tuple | None:
        """The shape of t's graph value when it has a symbolic (None) dimension, else None."""
        v = self.values.get(t._id)
        return v.shape if v is not None and None in v.shape else None

    def known_ints(self, t) -> tuple | None:
        """What tracing knows of the values of an int vector or scalar (a shape being built): an int where
        the value is fixed (a constant, or a static dimension read through tl.shape), None where it is known
        only when the graph runs; None when t is not a vector of known length."""
        v = self.values.get(t._id)
        if v is None:
            a = np.asarray(t._value)
            return tuple(int(d) for d in a.reshape(-1)) if a.ndim <= 1 else None
        if len(v.shape) > 1 or None in v.shape:
            return None
        a = self._known(v)
        if a is None:
            return (None,) * (v.shape[0] if v.shape else 1)
        return tuple(None if d is None else int(d) for d in a.reshape(-1))

    # ops whose CPU kernel also computes on object arrays (None for a value known only when the graph runs)
    _SHAPE_ARITHMETIC = {"strided_slice", "stack", "concat", "reshape", "expand_dims", "squeeze", "identity"}

    def _known(self, v: Value):
        """v's values as an object array (None where known only when the graph runs), for small int
        values of static shape; None for anything else."""
        if not v.dtype.startswith("int") or None in v.shape or np.prod(v.shape, dtype=np.int64) > 64:
            return None
        if v.id in self.graph.constants:
            return np.asarray(self.graph.constants[v.id]).astype(object)
        n = self.producer.get(v.id)
        if n is not None and n.op == "shape":
            return np.array(n.inputs[0].shape, dtype=object)
        if n is not None and len(n.outputs) == 1:
            parts = [self._known(u) for u in n.inputs]
            if all(p is not None for p in parts):
                from ..ops.registry import OPS
                op = OPS[n.op]
                attrs = {**op.attrs, **n.attrs}
                if all(None not in p.reshape(-1).tolist() for p in parts) and "cpu" in op.kernels:
                    # every value known: any integer arithmetic computes it (size * 4)
                    concrete = [p.astype(np.int64) for p in parts]
                    return np.asarray(op.kernels["cpu"](np, *concrete, **attrs)).astype(object)
                if n.op in self._SHAPE_ARITHMETIC:
                    return np.asarray(op.kernels["cpu"](np, *parts, **attrs), dtype=object)
                if n.op == "cast":
                    return parts[0]
        return np.full(v.shape, None, dtype=object)

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
        shapes = [None] * len(outputs)
        if any(self.is_traced(t) for t in inputs):
            # the values' shapes, not the tensors' concrete ones: a symbolic (None) dimension flows on
            specs = op.infer(*[TensorSpec(v.shape, t.dtype) for v, t in zip(ins, inputs)], **attrs)
            specs = tuple(specs) if isinstance(specs, (tuple, list)) else (specs,)
            reads_sizes = any(None in attrs.get(a, ()) for a in op.symbolic_attrs)  # sizes from an input
            if any(d is None for s in specs for d in s.shape) and all(None not in v.shape for v in ins) \
                    and not reads_sizes:
                raise TracingError(f"{op.name}: its output shape depends on the input values, which a graph "
                                   f"cannot hold (at {_user_line()}). Keep this op outside tl.function, or use a "
                                   "fixed-shape form (tl.where with three arguments, masks instead of gathers)")
            shapes = [s.shape for s in specs]
        outs = [self._new(t, self._scoped_name(op.name), shape) for t, shape in zip(outputs, shapes)]
        node = Node(op.name, ins, outs, dict(attrs))
        self.graph.nodes.append(node)
        for v in outs:
            self.producer[v.id] = node

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

    def symbolic_shape(self, t) -> tuple | None:
        return super().symbolic_shape(t) if t._id in self.values else self.parent.symbolic_shape(t)

    def known_ints(self, t) -> tuple | None:
        if t._id not in self.values and self.parent.is_traced(t):
            return self.parent.known_ints(t)
        return super().known_ints(t)

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
