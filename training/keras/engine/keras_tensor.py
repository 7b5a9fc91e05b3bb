"""The symbolic side of the functional API. `Input` makes a KerasTensor; calling a layer on
KerasTensors records a Node (layer, arguments, outputs), and a functional Model replays the nodes.

Shape inference runs the layer on small concrete zero batches (training=False, so no statistics
move and no random draws happen): unknown dimensions become 2, and, when the inputs have unknown
dimensions, once more with 3; output dimensions that differ between the two runs are unknown
(None). This builds the layer's weights on the way and needs no per-layer shape code.
"""
from __future__ import annotations

import numpy as np

from ...dtypes import as_dtype, float32
from ...tensor import convert_to_tensor


class KerasTensor:
    """A placeholder: a shape (None where unknown), a dtype, and the node that made it."""

    def __init__(self, shape, dtype=float32, node=None, index=0, name=None):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = as_dtype(dtype)
        self.node = node  # the Node whose `index`-th output this is
        self.index = index
        self.name = name

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype.name}, name={self.name}>"


class Node:
    """One call of a layer on symbolic arguments. `args`/`kwargs` keep their structure, with
    KerasTensors where the values will be; `training` is the value fixed at the call, if any."""

    def __init__(self, layer, args, kwargs, training=None):
        self.layer, self.args, self.kwargs, self.training = layer, args, kwargs, training
        self.outputs: list[KerasTensor] = []
        self.output_structure = None

    @property
    def parents(self) -> list[KerasTensor]:
        return [t for t in flatten([self.args, self.kwargs]) if isinstance(t, KerasTensor)]

    def run(self, values: dict, training):
        """Calls the layer with each KerasTensor replaced by values[id(tensor)]."""
        def fill(t):
            return values[id(t)] if isinstance(t, KerasTensor) else t
        training = self.training if self.training is not None else training
        out = self.layer(map_structure(fill, self.args), training=training, **map_structure(fill, self.kwargs))
        for t, value in zip(self.outputs, flatten(out), strict=True):
            values[id(t)] = value


def flatten(structure) -> list:
    if isinstance(structure, (list, tuple)):
        return [leaf for s in structure for leaf in flatten(s)]
    if isinstance(structure, dict):
        return [leaf for s in structure.values() for leaf in flatten(s)]
    return [structure]


def map_structure(fn, structure):
    if isinstance(structure, (list, tuple)):
        return type(structure)(map_structure(fn, s) for s in structure)
    if isinstance(structure, dict):
        return {k: map_structure(fn, v) for k, v in structure.items()}
    return fn(structure)


def concrete_zeros(shape, dtype, unknown: int = 2):
    dims = [unknown if d is None else d for d in shape]
    return convert_to_tensor(np.zeros(dims, as_dtype(dtype).as_numpy_dtype))


def symbolic_call(layer, inputs, training, kwargs, record: bool = True):
    """`layer(inputs, **kwargs)` on KerasTensors: returns KerasTensors in the call's output
    structure and (with `record`) appends the Node to `layer._inbound_nodes`."""
    specs = [t for t in flatten([inputs, kwargs]) if isinstance(t, KerasTensor)]
    # the build_config a saved file records: the input shape(s), for layers called on one input structure
    # (a layer also given tensors by keyword, as MultiHeadAttention's value=, builds from several shapes, which
    # Keras records in its own way: such a layer records none and is built by its call when loaded)
    tensor_kwargs = any(isinstance(t, KerasTensor) for t in flatten(kwargs))
    if getattr(layer, "_build_input_shape", None) is None and not tensor_kwargs:
        if isinstance(inputs, (list, tuple)) and all(isinstance(t, KerasTensor) for t in inputs):
            layer._build_input_shape = [tuple(t.shape) for t in inputs]
        elif isinstance(inputs, KerasTensor):
            layer._build_input_shape = tuple(inputs.shape)

    def run(unknown):
        def fill(t):
            return concrete_zeros(t.shape, t.dtype, unknown) if isinstance(t, KerasTensor) else t
        return layer(map_structure(fill, inputs), training=False, **map_structure(fill, kwargs))

    out = run(2)
    flat = flatten(out)
    shapes = [tuple(t.shape) for t in flat]
    if any(None in t.shape for t in specs):
        again = [tuple(t.shape) for t in flatten(run(3))]
        shapes = [tuple(a if a == b else None for a, b in zip(s1, s2)) for s1, s2 in zip(shapes, again)]
    node = Node(layer, inputs, kwargs, training)
    node.outputs = [KerasTensor(s, t.dtype, node, i, layer.name) for i, (s, t) in enumerate(zip(shapes, flat))]
    it = iter(node.outputs)
    node.output_structure = map_structure(lambda _: next(it), out)
    layer.output_shape = shapes if isinstance(out, (list, tuple)) else shapes[0]
    if record:
        layer._inbound_nodes.append(node)
    return node.output_structure
