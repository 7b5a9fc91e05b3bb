"""Layer: the unit of a Keras model. Weights are tl.Variables made by `add_weight` in `build`,
which runs on the first call with the input's shape. Sublayers assigned as attributes (or in
lists) are tracked, so `weights` and `trainable_weights` collect the whole tree in a stable order.
"""
from __future__ import annotations

import collections
import re

import numpy as np

from ...dtypes import as_dtype, float32
from ...tensor import Tensor, TensorShape, Variable, convert_to_tensor

_name_counts: collections.Counter = collections.Counter()


def unique_name(base: str) -> str:
    n = _name_counts[base]
    _name_counts[base] += 1
    return base if n == 0 else f"{base}_{n}"


def snake_case(name: str) -> str:
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()


class Layer:
    def __init__(self, trainable: bool = True, name: str | None = None, dtype=None, input_shape=None,
                 batch_size=None, **kwargs):
        if kwargs:
            raise TypeError(f"{type(self).__name__}: unknown arguments {sorted(kwargs)}")
        object.__setattr__(self, "_layers", [])
        self._own_weights: list[Variable] = []
        self._trainable = trainable
        self.name = name or unique_name(snake_case(type(self).__name__))
        self.dtype = as_dtype(dtype or float32)
        self.built = False
        self._input_shape_arg = None if input_shape is None else (batch_size,) + tuple(input_shape)
        self.output_shape = None

    # -- sublayer tracking -------------------------------------------------------------------------
    def __setattr__(self, name, value):
        if isinstance(value, Layer) and value is not self:
            self._layers.append(value)
        elif isinstance(value, (list, tuple)) and value and all(isinstance(v, Layer) for v in value):
            self._layers.extend(value)
        object.__setattr__(self, name, value)

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        for layer in self._layers:
            layer.trainable = value

    # -- weights -----------------------------------------------------------------------------------
    def add_weight(self, name: str, shape, initializer="glorot_uniform", trainable: bool = True, dtype=None):
        from .. import initializers
        init = initializers.get(initializer)
        value = init(tuple(int(d) for d in shape), as_dtype(dtype or self.dtype))
        v = Variable(value, trainable=trainable, name=f"{self.name}/{name}")
        self._own_weights.append(v)
        return v

    def _walk(self, parent_trainable: bool = True):
        """(variable, effectively trainable) for this layer's tree, each variable once."""
        seen = set()
        on = parent_trainable and self.trainable
        for v in self._own_weights:
            seen.add(id(v))
            yield v, on and v.trainable
        for layer in self._layers:
            for v, t in layer._walk(on):
                if id(v) not in seen:
                    seen.add(id(v))
                    yield v, t

    @property
    def trainable_weights(self) -> list[Variable]:
        return [v for v, t in self._walk() if t]

    @property
    def non_trainable_weights(self) -> list[Variable]:
        return [v for v, t in self._walk() if not t]

    @property
    def weights(self) -> list[Variable]:
        return self.trainable_weights + self.non_trainable_weights

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights
    variables = weights

    def get_weights(self) -> list[np.ndarray]:
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights) -> None:
        mine = self.weights
        if len(weights) != len(mine):
            raise ValueError(f"{self.name}.set_weights: expected {len(mine)} arrays, got {len(weights)}")
        for v, w in zip(mine, weights):
            v.assign(np.asarray(w))

    def count_params(self) -> int:
        return int(sum(np.prod(v.shape) for v in self.weights))

    # -- calling -----------------------------------------------------------------------------------
    def build(self, input_shape) -> None:
        self.built = True

    def call(self, inputs, training=None):
        raise NotImplementedError(f"{type(self).__name__}.call")

    def _maybe_build(self, inputs) -> None:
        if self.built:
            return
        shapes = [TensorShape(x.shape) for x in inputs] if isinstance(inputs, (list, tuple)) \
            else TensorShape(inputs.shape)
        self.build(shapes)
        self.built = True

    def __call__(self, inputs, training=None, **kwargs):
        from .keras_tensor import KerasTensor, symbolic_call
        flat = inputs if isinstance(inputs, (list, tuple)) else [inputs]
        if any(isinstance(x, KerasTensor) for x in flat):
            return symbolic_call(self, inputs, kwargs)
        if isinstance(inputs, (list, tuple)):
            inputs = [x if isinstance(x, Tensor) else convert_to_tensor(x, dtype_hint=self.dtype) for x in inputs]
        elif not isinstance(inputs, Tensor):
            inputs = convert_to_tensor(inputs, dtype_hint=self.dtype)
        self._maybe_build(inputs)
        if _accepts_training(self.call):
            out = self.call(inputs, training=training, **kwargs)
        else:
            out = self.call(inputs, **kwargs)
        first = out[0] if isinstance(out, (list, tuple)) else out
        self.output_shape = (None,) + tuple(first.shape[1:]) if hasattr(first, "shape") else None
        return out

    def compute_output_shape(self, input_shape):
        from .keras_tensor import concrete_zeros
        out = self(concrete_zeros(input_shape, self.dtype), training=False)
        return (None,) + tuple(out.shape[1:])

    def get_config(self) -> dict:
        return {"name": self.name, "trainable": self.trainable}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


def _accepts_training(fn) -> bool:
    import inspect
    try:
        return "training" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
