"""Sequential: a plain stack of layers, built when the input shape is known (from the first
layer's `input_shape=`, an `Input`, or the first call)."""
from __future__ import annotations

from .keras_tensor import KerasTensor, concrete_zeros
from .layer import Layer
from .model import Model


class Sequential(Model):
    def __init__(self, layers=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self._input_spec = None
        for layer in layers or []:
            self.add(layer)

    def add(self, layer) -> None:
        if isinstance(layer, KerasTensor):
            self._input_spec = layer
            self._build_from_spec()
            return
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add: expected a Layer, got {type(layer).__name__}")
        self._layers.append(layer)
        if len(self._layers) == 1 and layer._input_shape_arg is not None and self._input_spec is None:
            self._input_spec = KerasTensor(layer._input_shape_arg, layer.dtype)
        self.built = False
        if self._input_spec is not None:
            self._build_from_spec()

    def pop(self) -> Layer:
        if not self._layers:
            raise TypeError("Sequential.pop: there are no layers")
        return self._layers.pop()

    def _build_from_spec(self) -> None:
        if self._layers:
            self(concrete_zeros(self._input_spec.shape, self._input_spec.dtype), training=False)

    @property
    def layers(self) -> list[Layer]:
        return list(self._layers)

    def build(self, input_shape=None) -> None:
        self.built = True  # first, so the zero-batch call below does not build again
        if input_shape is not None:
            if self._input_spec is None:
                self._input_spec = KerasTensor((None,) + tuple(input_shape[1:]))
            self._build_from_spec()

    def call(self, inputs, training=None):
        x = inputs
        for layer in self._layers:
            x = layer(x, training=training)
        return x
