"""Custom operators written in Python for `tl.lite.Interpreter(..., custom_ops={"Name": op})`.

`op` is called at invoke as `op(inputs, options)`: `inputs` a list of read-only NumPy views of the node's input
tensors (None for an absent optional input), `options` the node's raw custom_options bytes (most are a FlexBuffer
map: `flatbuffers.flexbuffers.Loads(options)`). It returns the outputs, one array or a sequence of them, each of
its output tensor's shape and dtype (values are cast only within a kind, float to float, int to int). An object
with a `prepare(input_shapes, options)` method returning the output shapes is asked at allocation, which lets a
resized model run through the op; without one the outputs keep the model's shapes. An exception raised by the op
fails the invoke (or allocation) with a RuntimeError/ValueError naming the node, chained to it.

The C runtime calls back through cffi (`extern "Python"`): the registration's user pointer is a handle to
(owner, op), where the owner keeps the handles alive and receives the exception for re-raising."""
from __future__ import annotations

import numpy as np

from ._tl_c import ffi, lib

_DTYPES = {0: np.float32, 1: np.float16, 2: np.int32, 3: np.uint8, 4: np.int64, 6: np.bool_, 7: np.int16,
           9: np.int8, 10: np.float64, 12: np.uint64, 15: np.uint32, 16: np.uint16}


def register(it, owner, custom_ops: dict) -> list:
    """Adds each op to the C interpreter `it`; returns the handles, which must live as long as `it`."""
    handles = []
    for name, op in custom_ops.items():
        if not isinstance(name, str) or not name or not callable(op):
            raise ValueError(f"custom_ops: expected {{'Name': callable}}, got {name!r}: {op!r}")
        handle = ffi.new_handle((owner, op))
        handles.append(handle)
        status = lib.tl_interpreter_add_custom(it, name.encode(), lib.tl_py_custom_prepare, lib.tl_py_custom_eval,
                                               handle)
        if status != 0:
            raise ValueError(f"custom_ops: cannot add {name!r}: "
                             f"{ffi.string(lib.tl_interpreter_error_message(it)).decode()}")
    return handles


def _array(t) -> np.ndarray | None:
    if t == ffi.NULL:
        return None
    if t.type not in _DTYPES:
        raise TypeError(f"tensor type {t.type} has no NumPy view")
    shape = [t.dims[i] for i in range(t.ndim)]
    if t.data == ffi.NULL:
        return np.zeros(shape, _DTYPES[t.type])
    view = np.frombuffer(ffi.buffer(t.data, t.bytes), _DTYPES[t.type]).reshape(shape)
    view.flags.writeable = False
    return view


def _options(it, node) -> bytes:
    size = ffi.new("size_t *")
    p = lib.tl_custom_options(it, node, size)
    return bytes(ffi.buffer(p, size[0])) if p != ffi.NULL else b""


def _fail(it, node, owner, exc: BaseException) -> int:
    owner._custom_error = exc
    text = f"{type(exc).__name__}: {exc}".encode("utf-8", "replace")[:150]
    return lib.tl_custom_fail(it, node, 0, text)


@ffi.def_extern()
def tl_py_custom_prepare(it, node):
    owner, op = ffi.from_handle(lib.tl_custom_user(node))
    prepare = getattr(op, "prepare", None)
    if prepare is None:
        return 0
    try:
        shapes = [None if t is None else t.shape for t in
                  (_array(lib.tl_custom_input(it, node, k)) for k in range(lib.tl_custom_input_count(node)))]
        outs = list(prepare(shapes, _options(it, node)))
        if len(outs) != lib.tl_custom_output_count(node):
            raise ValueError(f"prepare gave {len(outs)} output shapes for {lib.tl_custom_output_count(node)} outputs")
        for k, shape in enumerate(outs):
            dims = [int(d) for d in shape]
            status = lib.tl_custom_set_output_shape(it, node, k, ffi.new("int32_t[]", dims or [0]), len(dims))
            if status != 0:
                return status
        return 0
    except Exception as exc:  # noqa: BLE001 (any error of the op's code fails allocation, and is re-raised there)
        return _fail(it, node, owner, exc)


@ffi.def_extern()
def tl_py_custom_eval(it, node):
    owner, op = ffi.from_handle(lib.tl_custom_user(node))
    try:
        inputs = [_array(lib.tl_custom_input(it, node, k)) for k in range(lib.tl_custom_input_count(node))]
        result = op(inputs, _options(it, node))
        n = lib.tl_custom_output_count(node)
        outs = [result] if isinstance(result, np.ndarray) or np.isscalar(result) else list(result)
        if len(outs) != n:
            raise ValueError(f"returned {len(outs)} outputs, the node has {n}")
        for k, value in enumerate(outs):
            t = lib.tl_custom_output(it, node, k)
            want = _DTYPES[t.type]
            shape = tuple(t.dims[i] for i in range(t.ndim))
            value = np.asarray(value)
            if value.shape != shape:
                raise ValueError(f"output {k} has shape {list(value.shape)}, the tensor {list(shape)}")
            if not np.can_cast(value.dtype, want, casting="same_kind"):
                raise TypeError(f"output {k} is {value.dtype}, the tensor {np.dtype(want).name}")
            ffi.memmove(t.data, np.ascontiguousarray(value, dtype=want).tobytes(), t.bytes)
        return 0
    except Exception as exc:  # noqa: BLE001 (any error of the op's code fails the invoke, and is re-raised there)
        return _fail(it, node, owner, exc)
