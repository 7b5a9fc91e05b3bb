"""Sequential: a plain stack of single-input, single-output layers. It is built as soon as the
input shape is known — from an `Input`/`InputLayer` added first, the first layer's `input_shape=`,
`build(shape)`, or the first call — by passing a symbolic tensor through the layers one by one
(each `add` after that builds just the new layer)."""
from __future__ import annotations

from .input_layer import InputLayer
from .keras_tensor import KerasTensor, symbolic_call
from .layer import Layer, unique_name
from .model import Model


class Sequential(Model):
    def __init__(self, layers=None, name=None, **kwargs):
        super().__init__(name=name or unique_name("sequential"), **kwargs)
        self._layers: list[Layer] = []
        self._specs: list[KerasTensor] = []  # the input, then each layer's output, once built
        self._input_spec: KerasTensor | None = None
        for layer in layers or []:
            self.add(layer)

    def add(self, layer) -> None:
        if isinstance(layer, KerasTensor) and isinstance(layer.node.layer, InputLayer):
            layer = layer.node.layer
        if isinstance(layer, InputLayer):
            if self._layers:
                raise ValueError(f"{self.name}.add: an Input must come before the layers")
            self._input_spec = layer.output
            return
        if not isinstance(layer, Layer):
            raise TypeError(f"{self.name}.add: expected a Layer, got {type(layer).__name__}")
        if not self._layers and self._input_spec is None and layer._input_shape_arg is not None:
            self._input_spec = KerasTensor(layer._input_shape_arg, layer.dtype)
        self._layers.append(layer)
        if self._specs:
            self._extend(layer)
        elif self._input_spec is not None:
            self.build(self._input_spec.shape)

    def pop(self) -> Layer:
        if not self._layers:
            raise TypeError(f"{self.name}.pop: there are no layers to remove")
        if len(self._specs) > 1:
            self._specs.pop()
        return self._layers.pop()

    def _extend(self, layer) -> None:
        out = symbolic_call(layer, self._specs[-1], None, {}, record=False)
        if not isinstance(out, KerasTensor):
            raise ValueError(f"{self.name}: layer {layer.name!r} returns several tensors; Sequential layers "
                             "must return one (use the functional API)")
        self._specs.append(out)

    def build(self, input_shape=None) -> None:
        if input_shape is None:
            if self._input_spec is None:
                raise ValueError(f"{self.name}.build: an input shape is required, e.g. (None, 3)")
            input_shape = self._input_spec.shape
        if input_shape and isinstance(input_shape[0], (list, tuple)):
            raise ValueError(f"{self.name}: Sequential takes one input, got shapes {list(input_shape)}")
        if self._input_spec is None or len(self._input_spec.shape) != len(input_shape):
            dtype = self._layers[0].dtype if self._layers else self.dtype
            self._input_spec = KerasTensor((None,) + tuple(input_shape[1:]), dtype)
        self._specs = [self._input_spec]
        for layer in self._layers:
            self._extend(layer)
        self.built = True

    @property
    def layers(self) -> list[Layer]:
        return list(self._layers)

    @property
    def inputs(self):
        return [self._input_spec] if self._specs else None

    @property
    def outputs(self):
        return [self._specs[-1]] if self._specs else None

    def get_config(self) -> dict:
        """Keras 3's Sequential config: the input (an InputLayer entry, when the input is known), then
        each layer's entry."""
        from ..saving.serialization import dtype_policy, serialize_layer
        layers = []
        if self._input_spec is not None:
            spec = self._input_spec
            source = spec.node.layer if spec.node is not None and isinstance(spec.node.layer, InputLayer) else None
            layers.append({"module": "keras.layers", "class_name": "InputLayer",
                           "config": source.get_config() if source is not None else
                           {"batch_shape": list(spec.shape), "dtype": spec.dtype.name, "sparse": False,
                            "ragged": False, "name": "input_layer", "optional": False},
                           "registered_name": None})
        layers += [serialize_layer(layer) for layer in self._layers]
        config = {"name": self.name, "trainable": self.trainable, "dtype": dtype_policy(self.dtype), "layers": layers}
        if self._input_spec is not None:
            config["build_input_shape"] = list(self._input_spec.shape)
        return config

    @classmethod
    def from_config(cls, config: dict):
        from ..saving.serialization import deserialize_layer
        model = cls(name=config.get("name"))
        for entry in config.get("layers", []):
            model.add(deserialize_layer(entry))
        shape = config.get("build_input_shape")
        if not model._specs and shape is not None and model._layers:
            model.build(tuple(shape))
        if "trainable" in config:
            model.trainable = bool(config["trainable"])
        return model

    def call(self, inputs, training=None):
        x = inputs
        for layer in self._layers:
            x = layer(x, training=training)
        return x
