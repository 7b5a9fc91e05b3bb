"""Model: a Layer that trains (Trainer). Functional — `Model(inputs, outputs)` over KerasTensors,
replaying the recorded nodes in topological order — or subclassed (override `call`)."""
from __future__ import annotations

from ..trainer import Trainer
from .input_layer import InputLayer
from .keras_tensor import KerasTensor, concrete_zeros
from .layer import Layer, unique_name


def _as_list(value, what: str) -> list:
    if isinstance(value, dict):
        raise TypeError(f"Model: {what} as a dict are not supported; pass a KerasTensor or a list of them")
    items = list(value) if isinstance(value, (list, tuple)) else [value]
    for t in items:
        if not isinstance(t, KerasTensor):
            raise TypeError(f"Model: {what} must be KerasTensors (from tl.keras.Input and layer calls), "
                            f"got {type(t).__name__}")
    return items


def topological_nodes(inputs: list[KerasTensor], outputs: list[KerasTensor]) -> list:
    """The nodes between `inputs` and `outputs`, each after the nodes it reads (iterative, so deep
    models do not hit Python's recursion limit)."""
    input_ids = {id(t) for t in inputs}

    def producer(t):
        if isinstance(t.node.layer, InputLayer):
            raise ValueError(f"Model: the outputs depend on {t.name!r} (shape {t.shape}), which is not among "
                             f"the model inputs {[x.name for x in inputs]}")
        return t.node

    order, done = [], set()
    stack = [producer(t) for t in reversed(outputs) if id(t) not in input_ids]  # first output first
    while stack:
        node = stack[-1]
        if id(node) in done:
            stack.pop()
            continue
        pending = [producer(p) for p in node.parents if id(p) not in input_ids and id(p.node) not in done]
        if pending:
            stack.extend(reversed(pending))  # first argument first: Keras's layer order
        else:
            done.add(id(node))
            order.append(node)
            stack.pop()
    return order


class Model(Trainer, Layer):
    def __init__(self, inputs=None, outputs=None, name=None, **kwargs):
        if (inputs is None) != (outputs is None):
            raise ValueError("Model: give both `inputs` and `outputs` (functional) or neither (subclassed)")
        if inputs is not None and name is None:
            name = unique_name("functional")
        Layer.__init__(self, name=name, **kwargs)
        Trainer.__init__(self)
        self._functional = inputs is not None
        if self._functional:
            self._init_graph(inputs, outputs)

    def _init_graph(self, inputs, outputs) -> None:
        self._inputs, self._outputs = _as_list(inputs, "inputs"), _as_list(outputs, "outputs")
        self._multi_in, self._multi_out = isinstance(inputs, (list, tuple)), isinstance(outputs, (list, tuple))
        self._nodes = topological_nodes(self._inputs, self._outputs)
        layers = [t.node.layer for t in self._inputs if isinstance(t.node.layer, InputLayer)]
        layers += [node.layer for node in self._nodes]
        self._func_layers = list({id(la): la for la in layers}.values())
        shapes = [t.shape for t in self._outputs]
        self.output_shape = shapes if self._multi_out else shapes[0]
        self.built = True

    # -- structure ---------------------------------------------------------------------------------
    @property
    def layers(self) -> list[Layer]:
        return list(self._func_layers) if self._functional else self._sublayers()

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        if index is not None:
            if not -len(self.layers) <= index < len(self.layers):
                raise ValueError(f"{self.name}.get_layer: index {index} out of range for {len(self.layers)} layers")
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"{self.name}: no layer named {name!r} (layers: {[la.name for la in self.layers]})")

    @property
    def inputs(self):
        return list(self._inputs) if self._functional else None

    @property
    def outputs(self):
        return list(self._outputs) if self._functional else None

    # -- building and calling ----------------------------------------------------------------------
    def build(self, input_shape=None) -> None:
        """Subclassed models: create the weights by one call on a zero batch of `input_shape`."""
        if self._functional or self.built:
            self.built = True
            return
        if input_shape is None:
            raise ValueError(f"{self.name}.build: an input shape is required, e.g. (None, 3)")
        self.built = True
        multi = bool(input_shape) and isinstance(input_shape[0], (list, tuple))
        zeros = [concrete_zeros(s, self.dtype) for s in input_shape] if multi else \
            concrete_zeros(input_shape, self.dtype)
        self(zeros, training=False)

    def _maybe_build(self, inputs) -> None:
        if self.built:
            return
        if type(self).build is Model.build:  # sublayers build themselves when call() reaches them
            self.built = True
        else:
            Layer._maybe_build(self, inputs)

    def _convert_input(self, x, index: int):
        if not self._functional or index >= len(self._inputs):
            return Layer._convert_input(self, x, index)
        from ...ops.creation import cast
        from ...tensor import Tensor, convert_to_tensor
        want = self._inputs[index].dtype
        if not isinstance(x, Tensor):
            x = convert_to_tensor(x, dtype_hint=want)
        if x.dtype != want and (x.dtype.is_floating and want.is_floating):
            x = cast(x, want)
        return x

    def call(self, inputs, training=None):
        if not self._functional:
            raise NotImplementedError(f"{type(self).__name__}: a subclassed model must define call()")
        if isinstance(inputs, (list, tuple)):
            xs = list(inputs)
        else:
            xs = [inputs]
        if len(xs) != len(self._inputs):
            raise ValueError(f"{self.name}: expected {len(self._inputs)} inputs "
                             f"{[t.shape for t in self._inputs]}, got {len(xs)}")
        values = {}
        for spec, x in zip(self._inputs, xs):
            if len(x.shape) != len(spec.shape) or any(s is not None and s != d for s, d in zip(spec.shape, x.shape)):
                raise ValueError(f"{self.name}: input {spec.name!r} expects shape {spec.shape}, "
                                 f"got {tuple(x.shape)}")
            values[id(spec)] = x
        for node in self._nodes:
            node.run(values, training)
        outs = [values[id(t)] for t in self._outputs]
        return outs if self._multi_out else outs[0]

    def summary(self, print_fn=print, show_trainable: bool = False) -> str:
        from .summary import summary_text
        text = summary_text(self, show_trainable)
        if print_fn is not None:
            print_fn(text)
        return text
