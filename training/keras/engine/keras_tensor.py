"""The symbolic side of the functional API: `Input` makes a KerasTensor; calling a layer on
KerasTensors records a node. Output shapes come from running the layer once on a small zero
batch (unknown batch dims become 2), which also builds the layer's weights."""
from __future__ import annotations

import numpy as np

from ...dtypes import as_dtype, float32
from ...tensor import convert_to_tensor


class KerasTensor:
    """A placeholder with a shape (batch dim None) and dtype, and the layer call that made it."""

    def __init__(self, shape, dtype=float32, node=None, name=None):
        self.shape = tuple(shape)
        self.dtype = as_dtype(dtype)
        self.node = node  # (layer, inputs structure, kwargs), or None for an Input
        self.name = name

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return f"<KerasTensor shape={self.shape} dtype={self.dtype.name} name={self.name}>"


def concrete_zeros(shape, dtype):
    return convert_to_tensor(np.zeros([2 if d is None else d for d in shape], as_dtype(dtype).as_numpy_dtype))


def _map(fn, structure):
    if isinstance(structure, (list, tuple)):
        return type(structure)(_map(fn, s) for s in structure)
    return fn(structure)


def symbolic_call(layer, inputs, kwargs):
    concrete = _map(lambda k: concrete_zeros(k.shape, k.dtype) if isinstance(k, KerasTensor) else k, inputs)
    out = layer(concrete, training=False, **kwargs)

    def to_symbolic(t):
        shape = (None,) + tuple(t.shape[1:])
        return KerasTensor(shape, t.dtype, node=(layer, inputs, kwargs), name=layer.name)

    return _map(to_symbolic, out)


def Input(shape=None, batch_size=None, name=None, dtype=None, batch_shape=None):  # noqa: N802  (Keras name)
    """A symbolic model input; `shape` excludes the batch dimension."""
    from .layer import unique_name
    full = tuple(batch_shape) if batch_shape is not None else (batch_size,) + tuple(shape)
    return KerasTensor(full, dtype or float32, node=None, name=name or unique_name("input_layer"))
