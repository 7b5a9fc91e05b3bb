"""Tensor and Variable: immutable device arrays with a dtype, and mutable named holders of one.

Operator overloads (`+`, `@`, `x[1:3]`, ...) are attached by `ops/overloads.py`, which keeps
this file free of the op table. Arrays are never mutated in place: a Variable's assign
replaces its array, so tensors read earlier (and recorded on a tape) keep their values.
"""
from __future__ import annotations

import copy
import itertools

import numpy as np

from . import dtypes
from .dtypes import DType, as_dtype
from .graph.state import state as _trace_state
from .spec import TensorSpec

_ids = itertools.count(1)


class TensorShape(tuple):
    """A tuple of dims with TensorFlow's helpers (`as_list`, `rank`)."""

    def as_list(self) -> list:
        return list(self)

    @property
    def rank(self) -> int:
        return len(self)

    def num_elements(self) -> int | None:
        return None if None in self else int(np.prod(self, dtype=np.int64))


class Tensor:
    """An eager tensor: a device array plus its dtype. Create with `tl.constant`."""

    __slots__ = ("_value", "dtype", "_id", "device", "__weakref__")
    __array_priority__ = 100  # NumPy defers to our operators in `ndarray + Tensor`

    def __init__(self, value, dtype: DType, device: str = "cpu"):
        self._value = value
        self.dtype = dtype
        self.device = device
        self._id = next(_ids)

    def __deepcopy__(self, memo):
        # a copy is a new tensor: it needs its own id (tracing and tapes key tensors by it)
        t = Tensor(copy.deepcopy(self._value, memo), self.dtype, self.device)
        memo[id(self)] = t
        return t

    @property
    def shape(self) -> TensorShape:
        """The static shape; inside a trace, None where the graph's value has a symbolic dimension
        (a None of the input_signature that flows here), as a TensorFlow graph tensor reports it."""
        stack = getattr(_trace_state, "stack", None)
        if stack:
            symbolic = stack[-1].symbolic_shape(self)
            if symbolic is not None:
                return TensorShape(symbolic)
        return TensorShape(self._value.shape)

    @property
    def spec(self) -> TensorSpec:
        return TensorSpec(self.shape, self.dtype)

    @property
    def ndim(self) -> int:
        return self._value.ndim

    @property
    def size(self) -> int:
        return int(self._value.size)

    def numpy(self) -> np.ndarray:
        from .devices import get_device
        self._concrete("numpy()")
        return get_device(self.device).get(self._value)

    def __array__(self, dtype=None, copy=None):
        a = self.numpy()
        return a if dtype is None else a.astype(dtype)

    def ref(self):
        """A hashable reference to this tensor (tensors compare elementwise, so are not hashable)."""
        return _Ref(self)

    __hash__ = None  # `==` is elementwise, as in TensorFlow 2

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a scalar tensor")
        n = self.shape[0]
        if n is None:
            raise TypeError("len() of a tensor whose first dimension is symbolic (known only when the traced "
                            "graph runs); use tl.shape(x)[0]")
        return n

    def _concrete(self, what: str) -> None:
        from .graph.trace import active
        recorder = active()
        if recorder is not None:
            recorder.check_concrete(self, what)

    def __bool__(self) -> bool:
        self._concrete("bool() (a Python if/while/and/or)")
        if self.size != 1:
            raise ValueError(f"the truth value of a tensor with shape {list(self.shape)} is ambiguous")
        return bool(self.numpy())

    def __float__(self) -> float:
        self._concrete("float()")
        return float(self.numpy())

    def __int__(self) -> int:
        self._concrete("int()")
        return int(self.numpy())

    def __index__(self) -> int:
        self._concrete("use as an index")
        if not self.dtype.is_integer:
            raise TypeError(f"only integer scalar tensors can be used as an index, got {self.dtype.name}")
        return int(self.numpy())

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a scalar tensor")
        for i in range(len(self)):
            yield self[i]

    def __repr__(self) -> str:
        body = np.array2string(self.numpy(), separator=", ", threshold=64)
        return f"<tl.Tensor: shape={list(self.shape)}, dtype={self.dtype.name}, numpy=\n{body}>"

    __str__ = __repr__


class _Ref:
    __slots__ = ("_t",)

    def __init__(self, t):
        self._t = t

    def deref(self):
        return self._t

    def __hash__(self) -> int:
        return id(self._t)

    def __eq__(self, other) -> bool:
        return isinstance(other, _Ref) and other._t is self._t


class Variable:
    """A mutable tensor holder (`tl.Variable`): training state read by ops and updated by `assign`.

    Every read inside a GradientTape is recorded as an identity from the variable to the value
    read, so `tape.gradient(loss, var)` works and trainable variables are watched automatically.
    """

    __array_priority__ = 100
    __hash__ = object.__hash__  # variables are identities (dict keys in optimizers), unlike tensors

    def __init__(self, initial_value, trainable: bool = True, name: str | None = None, dtype=None):
        if callable(initial_value):
            initial_value = initial_value()
        t = convert_to_tensor(initial_value, dtype=dtype)
        self._value = t._value
        self.dtype = t.dtype
        self.device = t.device
        self.trainable = trainable
        self.name = name or "Variable"
        self._id = next(_ids)

    def __deepcopy__(self, memo):
        # a copied model owns new variables, with ids of their own (optimizers and traces key on them)
        v = object.__new__(type(self))
        memo[id(self)] = v
        for key, value in self.__dict__.items():
            setattr(v, key, copy.deepcopy(value, memo))
        v._id = next(_ids)
        return v

    @property
    def shape(self) -> TensorShape:
        return TensorShape(self._value.shape)

    @property
    def ndim(self) -> int:
        return self._value.ndim

    def numpy(self) -> np.ndarray:
        return self.read_value().numpy()

    def __array__(self, dtype=None, copy=None):
        a = self.numpy()
        return a if dtype is None else a.astype(dtype)

    def value(self) -> Tensor:
        return self.read_value()

    def read_value(self) -> Tensor:
        from .graph.trace import active
        from .tape import record_variable_read
        t = Tensor(self._value, self.dtype, self.device)
        record_variable_read(self, t)
        recorder = active()
        if recorder is not None:
            recorder.read(self, t)
        return t

    def _check(self, value, what: str) -> Tensor:
        t = convert_to_tensor(value, dtype=self.dtype)
        if tuple(t.shape) != tuple(self.shape):
            raise ValueError(f"Variable {self.name!r}.{what}: expected shape {list(self.shape)}, "
                             f"got {list(t.shape)}")
        return t

    def _on_own_device(self, t: Tensor):
        """t's value as an array of this variable's device. A variable stays where it lives (as in
        TensorFlow): a value computed elsewhere, e.g. by the CPU kernels a trace runs, is copied over, so
        an XLA-resident variable never holds a NumPy array (which would make the compiled step see a new
        argument kind and compile again)."""
        if t.device == self.device:
            return t._value
        from .devices import get_device
        return get_device(self.device).put(get_device(t.device).get(t._value))

    def assign(self, value) -> Variable:
        from .graph.trace import active
        t = self._check(value, "assign")
        recorder = active()
        if recorder is not None:  # inside tl.function: the graph assigns this value at each call
            recorder.assign(self, t)
        self._value = self._on_own_device(t)
        return self

    def assign_add(self, delta) -> Variable:
        from .graph.trace import active
        if active() is not None:  # traced: an add op the graph records
            return self.assign(self.read_value() + self._check(delta, "assign_add"))
        self._value = self._value + self._on_own_device(self._check(delta, "assign_add"))
        return self

    def assign_sub(self, delta) -> Variable:
        from .graph.trace import active
        if active() is not None:
            return self.assign(self.read_value() - self._check(delta, "assign_sub"))
        self._value = self._value - self._on_own_device(self._check(delta, "assign_sub"))
        return self

    def __repr__(self) -> str:
        return (f"<tl.Variable {self.name!r} shape={list(self.shape)} dtype={self.dtype.name}, "
                f"numpy=\n{np.array2string(self.numpy(), separator=', ', threshold=64)}>")


def _default_dtype(a: np.ndarray) -> DType:
    # TensorFlow's defaults: Python floats are float32 and Python ints int32.
    if a.dtype == np.float64:
        return dtypes.float32
    if a.dtype == np.int64:
        return dtypes.int32
    return as_dtype(a.dtype)


def convert_to_tensor(value, dtype=None, dtype_hint=None) -> Tensor:
    """Tensor from a Tensor, Variable, NumPy array, list or scalar. NumPy arrays keep their dtype;
    Python floats become float32 and ints int32 (TensorFlow's rule) unless `dtype` says otherwise."""
    if isinstance(value, Tensor):
        if dtype is not None and as_dtype(dtype) != value.dtype:
            raise TypeError(f"expected a {as_dtype(dtype).name} tensor, got {value.dtype.name}; use tl.cast")
        return value
    if isinstance(value, Variable):
        if dtype is not None and as_dtype(dtype) != value.dtype:
            raise TypeError(f"expected a {as_dtype(dtype).name} value, got variable {value.name!r} "
                            f"of {value.dtype.name}; use tl.cast")
        return value.read_value()
    from .devices import current_device
    if isinstance(value, np.ndarray) or np.isscalar(value) and isinstance(value, np.generic):
        a = np.asarray(value)
        dt = as_dtype(dtype) if dtype is not None else as_dtype(a.dtype)
    else:
        if isinstance(value, (list, tuple)) and any(isinstance(v, (Tensor, Variable)) for v in value):
            value = [np.asarray(v) for v in value]
        a = np.asarray(value)
        if a.dtype == object:
            raise TypeError(f"cannot convert {type(value).__name__} to a tensor: ragged or non-numeric")
        if dtype is not None:
            dt = as_dtype(dtype)
        elif dtype_hint is not None and a.dtype.kind in "iuf" and as_dtype(dtype_hint).is_floating:
            dt = as_dtype(dtype_hint)
        else:
            dt = _default_dtype(a)
    if a.dtype != dt.as_numpy_dtype:
        if a.dtype.kind == "f" and dt.is_integer and a.size and not np.all(np.mod(a, 1) == 0):
            raise TypeError(f"cannot convert non-integer values to {dt.name} without tl.cast")
        a = a.astype(dt.as_numpy_dtype)
    dev = current_device()
    return Tensor(dev.put(a), dt, dev.name)


def constant(value, dtype=None, shape=None, name=None) -> Tensor:
    """`tl.constant`: a tensor from a value, optionally cast to `dtype` and broadcast to `shape`."""
    del name
    if isinstance(value, (Tensor, Variable)):
        value = value.numpy()
    t = convert_to_tensor(value if dtype is None else np.asarray(value).astype(as_dtype(dtype).as_numpy_dtype),
                          dtype=dtype)
    if shape is not None and tuple(shape) != tuple(t.shape):
        a = t.numpy()
        if a.size == int(np.prod(shape)):
            a = a.reshape(shape)
        elif a.size == 1:
            a = np.full(shape, a.reshape(()), dtype=a.dtype)
        else:
            raise ValueError(f"constant: cannot make shape {list(shape)} from {a.size} values")
        t = convert_to_tensor(a, dtype=t.dtype)
    return t
