"""`Input` and InputLayer: the sources of a functional model's graph."""
from __future__ import annotations

from .keras_tensor import KerasTensor, Node
from .layer import Layer, unique_name


class InputLayer(Layer):
    """Holds the symbolic input tensor (`.output`); calling it passes values through."""

    def __init__(self, shape=None, batch_size=None, dtype=None, name=None, batch_shape=None, input_shape=None,
                 **kwargs):
        super().__init__(name=name or unique_name("input_layer"), dtype=dtype, **kwargs)
        shape = input_shape if shape is None else shape  # Keras 2 spelled it input_shape
        if batch_shape is None:
            if shape is None:
                raise ValueError("Input: give `shape` (without the batch dimension) or `batch_shape`")
            shape = (shape,) if isinstance(shape, int) else shape
            batch_shape = (batch_size,) + tuple(shape)
        self.batch_shape = tuple(None if d is None else int(d) for d in batch_shape)
        node = Node(self, None, {})
        self.output = KerasTensor(self.batch_shape, self.dtype, node, 0, self.name)
        node.outputs = [self.output]
        node.output_structure = self.output
        self._inbound_nodes.append(node)
        self.output_shape = self.batch_shape
        self.built = True

    def call(self, inputs):
        return inputs

    def get_config(self) -> dict:
        """Keras 3's InputLayer config (sparse, ragged and optional inputs do not exist here)."""
        return {"batch_shape": list(self.batch_shape), "dtype": self.dtype.name, "sparse": False, "ragged": False,
                "name": self.name, "optional": False}

    @classmethod
    def from_config(cls, config: dict):
        from ..saving.serialization import dtype_name
        config = dict(config)
        name = config.pop("name", None)
        for key in ("sparse", "ragged", "optional"):
            if config.pop(key, False):
                raise ValueError(f"Input {name!r}: {key}=True is not supported by tensorlite")
        config.pop("input_tensor", None)
        batch_shape = config.pop("batch_shape", None)
        if batch_shape is None:
            batch_shape = config.pop("batch_input_shape", None)  # Keras 2's spelling
        dtype = dtype_name(config.pop("dtype", None))
        if config.get("shape") is not None and batch_shape is None:
            batch_shape = (config.pop("batch_size", None),) + tuple(config.pop("shape"))
        config.pop("shape", None)
        config.pop("batch_size", None)
        if config:
            raise ValueError(f"Input {name!r}: the Keras arguments {sorted(config)} are not supported by tensorlite")
        return cls(batch_shape=batch_shape, dtype=dtype, name=name)


def Input(shape=None, batch_size=None, name=None, dtype=None, batch_shape=None):  # noqa: N802  (Keras name)
    """A symbolic model input; `shape` excludes the batch dimension (None entries are unknown)."""
    return InputLayer(shape, batch_size, dtype, name, batch_shape).output
