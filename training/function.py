"""`tl.function`: traces a Python function into a Graph on its first call for each input signature
and runs the graph afterwards (TensorFlow's tf.function, by recording; see graph/trace.py).

Arguments that are tensors, arrays or variables are graph inputs (keyed by dtype and shape); other
arguments are Python values baked into the trace (keyed by value). Variables the function reads
are captured by reference and read at each call; assignments to them happen at each call too.
Under an active GradientTape (or inside another function's trace) a concrete function replays its
nodes through `dispatch.apply`, so tapes see every op and gradients flow through it.
"""
from __future__ import annotations

import functools
import inspect
import logging
import time
import warnings

import numpy as np

from . import profiler
from .devices import current_device, device, get_device
from .dtypes import as_dtype
from .graph.executor import Executor
from .graph.ir import Graph
from .graph.passes import optimize
from .graph.trace import Recorder, TracingError
from .graph.trace import active as active_recorder
from .ops.registry import OPS
from .spec import TensorSpec
from .tape import _active as active_tapes
from .tape import _flatten
from .tensor import Tensor, Variable, convert_to_tensor

log = logging.getLogger("tensorlite.placement")
RETRACE_WARNING = 5  # traces of one function before a warning (TensorFlow warns too)
_TENSOR = object()  # marks a tensor argument's place among the Python ones

__all__ = ["function", "Function", "ConcreteFunction", "TracingError"]


class ConcreteFunction:
    """One traced graph with its captured variables; call it with tensors of its signature."""

    def __init__(self, graph: Graph, variables: dict[int, Variable], assigned: list[Variable], rebuild,
                 structure=None):
        self.graph, self._variables, self._assigned, self._rebuild = graph, variables, assigned, rebuild
        self.output_structure = structure  # JSON form of the returned nest (see _structure)
        self._executor = Executor(graph)
        self._device_executors: dict = {}
        self.structured_input_signature = [TensorSpec(v.shape, v.dtype) for v in graph.inputs]

    @property
    def peak_bytes(self) -> int:
        return self._executor.peak_bytes

    def __call__(self, *tensors):
        if len(tensors) != len(self.graph.inputs):
            raise TypeError(f"{self.graph.name}: expected {len(self.graph.inputs)} tensors, got {len(tensors)}")
        ts = [convert_to_tensor(t) for t in tensors]
        for t, v in zip(ts, self.graph.inputs):
            if t.dtype.name != v.dtype or not shape_fits(t.shape, v.shape):
                raise TypeError(f"{self.graph.name}: input {v.name!r} expects {v.dtype}{list(v.shape)}, got "
                                f"{t.dtype.name}{list(t.shape)}")
        if active_recorder() is not None or any(tape._recording for tape in active_tapes()):
            return self._replay(ts)
        dev = current_device()
        executor = self._executor
        if dev.name != "cpu":
            executor = self._device_executor(dev)
            if executor is None:  # some op lacks a kernel there: op by op, with CPU fallback
                return self._replay(ts)
            return self._run_resident(dev, executor, ts)
        captures = {vid: dev.put(get_device(var.device).get(var._value)) for vid, var in self._variables.items()}
        outs, assigned = executor.run([dev.put(get_device(t.device).get(t._value)) for t in ts], captures)
        for var, a in zip(self._assigned, assigned):
            var._value = get_device(var.device).put(dev.get(a))
        return self._rebuild([Tensor(a, as_dtype(v.dtype), dev.name) for a, v in zip(outs, self.graph.outputs)])

    def _run_resident(self, dev, executor, ts):
        """One compiled call on the XLA device. The variables the graph assigns move to that device
        and stay there (var.device becomes its name), so the next call passes their device arrays
        without copies, donated: XLA may write the new values over the old buffers. An array read
        from such a variable before a call is invalid after it (as with JAX's donation); read again."""
        prof = profiler._active
        start = time.perf_counter() if prof is not None else 0.0
        updated = {id(var) for var in self._assigned}
        donated, kept = {}, {}
        for vid, var in self._variables.items():
            value = var._value if var.device == dev.name else dev.put(get_device(var.device).get(var._value))
            (donated if id(var) in updated else kept)[vid] = value
        inputs = [t._value if t.device == dev.name else dev.put(get_device(t.device).get(t._value)) for t in ts]
        outs, assigned = executor.step(inputs, donated, kept)
        for var, a in zip(self._assigned, assigned):
            var._value, var.device = a, dev.name
        if prof is not None:
            for a in list(outs) + list(assigned):  # the call is asynchronous: time it finished
                getattr(a, "block_until_ready", lambda: None)()
            prof.add(f"xla:{self.graph.name}", time.perf_counter() - start)
            prof.runs += 1
            prof.seconds += time.perf_counter() - start
        return self._rebuild([Tensor(a, as_dtype(v.dtype), dev.name) for a, v in zip(outs, self.graph.outputs)])

    def _device_executor(self, dev):
        """The compiled executor for the XLA device (None when an op has no XLA kernel)."""
        if dev.name not in self._device_executors:
            from .graph import xla
            missing = xla.unsupported(self.graph)
            if missing:
                log.info("%s: no XLA kernel for %s: running op by op", self.graph.name, ", ".join(missing))
                self._device_executors[dev.name] = None
            else:
                self._device_executors[dev.name] = xla.XlaExecutor(self.graph)
        return self._device_executors[dev.name]

    def _replay(self, ts):
        """Runs the nodes as eager ops (tapes and an outer trace record them)."""
        from .dispatch import apply
        env = {vid: convert_to_tensor(a) for vid, a in self.graph.constants.items()}
        env.update({vid: var.read_value() for vid, var in self._variables.items()})
        env.update({v.id: t for v, t in zip(self.graph.inputs, ts)})
        for n in self.graph.nodes:
            outs = apply(OPS[n.op], *[env[v.id] for v in n.inputs], **n.attrs)
            for v, o in zip(n.outputs, outs if isinstance(outs, tuple) else (outs,)):
                env[v.id] = o
        for var, (_, v) in zip(self._assigned, self.graph.assigns):
            var.assign(env[v.id])
        return self._rebuild([env[v.id] for v in self.graph.outputs])


class Function:
    def __init__(self, fn, input_signature=None, name: str | None = None):
        self._fn = fn
        self._signature = None if input_signature is None else [
            s if isinstance(s, TensorSpec) else TensorSpec(*s) for s in input_signature]
        self._name = name or getattr(fn, "__name__", "function")
        self._cache: dict = {}
        self.trace_count = 0
        functools.update_wrapper(self, fn)

    def __get__(self, obj, objtype=None):  # methods: bind like a function does
        if obj is None:
            return self
        bound = self.__dict__.setdefault("_bound", {})
        key = id(obj)
        if key not in bound:
            bound[key] = Function(self._fn.__get__(obj, objtype), self._signature, self._name)
        return bound[key]

    def _check_signature(self, tensors):
        if self._signature is None:
            return
        if len(tensors) != len(self._signature):
            raise TypeError(f"{self._name}: input_signature has {len(self._signature)} tensors, got {len(tensors)}")
        for i, (t, s) in enumerate(zip(tensors, self._signature)):
            if not s.is_compatible_with(t.spec):
                raise TypeError(f"{self._name}: argument {i} is {t.dtype.name}{list(t.shape)}, which does not match "
                                f"input_signature {s.dtype.name}{list(s.shape)}")

    def _leaf_names(self, args, kwargs) -> list[str]:
        """A name per flattened argument leaf: the parameter's name (TensorFlow names graph inputs so),
        with _<i> for the leaves of a nested argument."""
        try:
            params = list(inspect.signature(self._fn).parameters)
        except (TypeError, ValueError):
            params = []
        names = []
        for i, a in enumerate(args):
            n = len(_flatten(a)[0])
            base = params[i] if i < len(params) else f"arg{i}"
            names += [base] if n == 1 else [f"{base}_{j}" for j in range(n)]
        for k, a in sorted(kwargs.items()):
            n = len(_flatten(a)[0])
            names += [k] if n == 1 else [f"{k}_{j}" for j in range(n)]
        return names

    def _split(self, args, kwargs):
        """Tensor leaves (graph inputs) and the hashable rest of the call (part of the cache key)."""
        leaves, rebuild = _flatten([list(args), dict(sorted(kwargs.items()))])
        tensors, static = [], []
        names = self._leaf_names(args, kwargs)
        self._input_names = []
        for x, name in zip(leaves, names):
            if isinstance(x, (Tensor, Variable, np.ndarray)):
                tensors.append(convert_to_tensor(x) if not isinstance(x, Variable) else x)
                static.append(_TENSOR)
                self._input_names.append(name)
            else:
                try:
                    hash(x)
                except TypeError:
                    raise TypeError(f"{self._name}: argument {x!r} is neither a tensor nor hashable") from None
                static.append(x)
        return tensors, static, rebuild

    def __call__(self, *args, **kwargs):
        tensors, static, rebuild = self._split(args, kwargs)
        plain = [t.read_value() if isinstance(t, Variable) else t for t in tensors]
        self._check_signature(plain)
        # with an input_signature its shapes key the trace: a None there stays symbolic in the graph,
        # so one trace serves every size of that dimension
        shapes = [tuple(s.shape) for s in self._signature] if self._signature is not None else \
            [tuple(t.shape) for t in plain]
        key = (tuple(static), tuple((t.dtype.name, shape) for t, shape in zip(plain, shapes)))
        cf = self._cache.get(key)
        if cf is not None:
            return cf(*plain)
        if active_recorder() is not None or any(tape._recording for tape in active_tapes()):
            # a tape or an enclosing trace must see this call as the function's graph: trace without
            # side effects, then run the concrete function (which replays its graph for them)
            self._trace(key, tensors, plain, static, rebuild, restore_variables=True, shapes=shapes)
            return self._cache[key](*plain)
        return self._trace(key, tensors, plain, static, rebuild, shapes=shapes)

    def _trace(self, key, tensors, plain, static, rebuild, restore_variables=False, shapes=None):
        self.trace_count += 1
        if self.trace_count > RETRACE_WARNING:
            warnings.warn(f"tl.function {self._name!r} has been traced {self.trace_count} times: each new input "
                          "shape, dtype or Python argument value traces again. Pass tensors instead of Python "
                          "numbers, or give input_signature", stacklevel=3)
        rec = Recorder(self._name)
        # the graph does not depend on the device: trace with the CPU kernels (eager ops on an
        # accelerator are the slow path), then the call after this one runs compiled there
        with device("cpu"), rec:
            # fresh tensors per call: graph inputs must be values of this call only
            fresh = [Tensor(t._value, t.dtype, t.device) for t in plain]
            for t, name, shape in zip(fresh, self._input_names, shapes or [None] * len(fresh)):
                rec.input(t, name, shape)
            it = iter(fresh)
            leaves = [next(it) if s is _TENSOR else s for s in static]
            args_list, kw = rebuild(leaves)
            result = self._fn(*args_list, **kw)
            out_leaves, out_rebuild = _flatten(result)
            for o in out_leaves:
                if not isinstance(o, Tensor):
                    raise TracingError(f"{self._name}: returned {type(o).__name__}; a traced function returns "
                                       "tensors (or nests of them)")
            graph = rec.finish(out_leaves)
        if restore_variables:  # a trace made only to get the graph leaves no side effects
            for var, value in rec.before.values():
                var._value = value
        graph.verify()
        optimize(graph)
        assigned = [rec.assigned[k] for k in rec.assigned]
        self._cache[key] = ConcreteFunction(graph, dict(rec.variables), assigned, out_rebuild, _structure(result))
        return result

    def get_concrete_function(self, *args, **kwargs) -> ConcreteFunction:
        """The concrete function for these arguments (tensors or TensorSpecs), tracing if needed.
        A TensorSpec traces on zeros of its shape (None dims: 1 in the arrays, symbolic in the graph);
        variables keep their values."""
        specs = [a for a in args if isinstance(a, TensorSpec)]
        flat = not kwargs and all(isinstance(a, (TensorSpec, Tensor, Variable, np.ndarray)) for a in args)
        marks = [tuple(a.shape) if hasattr(a, "shape") else None for a in args]  # when `flat`: spec shapes
        args = [Tensor(np.zeros([1 if d is None else d for d in a.shape], a.dtype.as_numpy_dtype), a.dtype)
                if isinstance(a, TensorSpec) else a for a in args]
        tensors, static, rebuild = self._split(args, kwargs)
        plain = [t.read_value() if isinstance(t, Variable) else t for t in tensors]
        if flat and len(marks) == len(plain):
            shapes = marks
        elif self._signature is not None:
            shapes = [tuple(s.shape) for s in self._signature]
        else:
            shapes = [tuple(t.shape) for t in plain]
        key = (tuple(static), tuple((t.dtype.name, shape) for t, shape in zip(plain, shapes)))
        if key not in self._cache:
            self._trace(key, tensors, plain, static, rebuild, restore_variables=True, shapes=shapes)
        cf = self._cache[key]
        if len(specs) == len(cf.graph.inputs):
            cf.structured_input_signature = specs
        return cf


def shape_fits(shape, pattern) -> bool:
    """Whether a concrete shape is one a graph input of shape `pattern` (None: symbolic) takes."""
    return len(shape) == len(pattern) and all(p is None or p == d for d, p in zip(shape, pattern))


def _structure(x):
    """The nest of a function's result as JSON: "t" for a tensor, lists for lists and tuples, and
    {"dict": {key: ...}} for dicts (saved models rebuild outputs from it)."""
    if isinstance(x, dict):
        return {"dict": {str(k): _structure(v) for k, v in x.items()}}
    if isinstance(x, (list, tuple)):
        return [_structure(v) for v in x]
    return "t"


def rebuild_structure(structure, leaves: list):
    it = iter(leaves)

    def build(s):
        if s == "t":
            return next(it)
        if isinstance(s, dict):
            return {k: build(v) for k, v in s["dict"].items()}
        return [build(v) for v in s]
    return build(structure)


def function(func=None, *, input_signature=None, name: str | None = None):
    """Decorator (also `tl.function(f)`): traced on first call per signature, graph afterwards."""
    if func is None:
        return lambda f: Function(f, input_signature, name)
    return Function(func, input_signature, name)
