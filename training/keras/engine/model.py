"""Model: a Layer that trains (Trainer) — functional (`Model(inputs, outputs)`) or subclassed
(override `call`). `summary()` prints Keras's table."""
from __future__ import annotations

from ..trainer import Trainer
from .keras_tensor import KerasTensor
from .layer import Layer


class Model(Trainer, Layer):
    def __init__(self, inputs=None, outputs=None, name=None, **kwargs):
        Layer.__init__(self, name=name, **kwargs)
        Trainer.__init__(self)
        self._functional = inputs is not None
        if not self._functional:
            return
        if outputs is None:
            raise ValueError("Model(inputs, outputs): outputs are required with inputs")
        self._inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        self._multi_in = isinstance(inputs, (list, tuple))
        self._outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
        self._multi_out = isinstance(outputs, (list, tuple))
        self._order = self._topological_nodes()
        self._func_layers = []
        for t in self._order:
            if t.node[0] not in self._func_layers:
                self._func_layers.append(t.node[0])
        for layer in self._func_layers:
            self._layers.append(layer)
        self.built = True

    def _topological_nodes(self) -> list[KerasTensor]:
        order, seen = [], set()
        inputs = {id(t) for t in self._inputs}

        def visit(t):
            if id(t) in seen or id(t) in inputs:
                return
            if t.node is None:
                raise ValueError(f"Model: output depends on {t.name}, which is not among the model inputs")
            seen.add(id(t))
            layer, ins, _ = t.node
            for x in ins if isinstance(ins, (list, tuple)) else [ins]:
                if isinstance(x, KerasTensor):
                    visit(x)
            order.append(t)

        for out in self._outputs:
            visit(out)
        return order

    @property
    def layers(self) -> list[Layer]:
        return list(self._func_layers) if self._functional else list(self._layers)

    def get_layer(self, name: str) -> Layer:
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"{self.name}: no layer named {name!r} (layers: {[la.name for la in self.layers]})")

    @property
    def inputs(self):
        return self._inputs if self._functional else None

    @property
    def outputs(self):
        return self._outputs if self._functional else None

    def call(self, inputs, training=None):
        if not self._functional:
            raise NotImplementedError(f"{type(self).__name__}: subclassed models must define call()")
        xs = list(inputs) if self._multi_in else [inputs]
        if len(xs) != len(self._inputs):
            raise ValueError(f"{self.name}: expected {len(self._inputs)} inputs, got {len(xs)}")
        values = {id(k): v for k, v in zip(self._inputs, xs)}
        done: dict = {}
        for t in self._order:
            layer, ins, kwargs = t.node
            key = (id(layer), id(ins))
            if key not in done:  # a multi-output layer call yields several KerasTensors
                args = [values[id(x)] for x in ins] if isinstance(ins, (list, tuple)) else values[id(ins)]
                done[key] = layer(args, training=training, **kwargs)
            out = done[key]
            values[id(t)] = out
        results = []
        for t in self._outputs:
            out = values[id(t)]
            if isinstance(out, (list, tuple)):  # pick this tensor's position in a multi-output call
                siblings = [s for s in self._order if s.node is t.node]
                out = out[siblings.index(t)]
            results.append(out)
        return results if self._multi_out else results[0]

    def summary(self, print_fn=print) -> str:
        rows = [("Layer (type)", "Output Shape", "Param #")]
        for layer in self.layers:
            shape = layer.output_shape if layer.output_shape is not None else "?"
            rows.append((f"{layer.name} ({type(layer).__name__})", str(shape), f"{layer.count_params():,}"))
        widths = [max(len(r[i]) for r in rows) + 2 for i in range(3)]
        line = "-" * sum(widths)
        out = [f'Model: "{self.name}"', line]
        for i, r in enumerate(rows):
            out.append("".join(c.ljust(w) for c, w in zip(r, widths)))
            out.append("=" * sum(widths) if i == 0 else line)
        trainable = sum(int(v.numpy().size) for v in self.trainable_weights)
        non = sum(int(v.numpy().size) for v in self.non_trainable_weights)
        out += [f"Total params: {trainable + non:,}", f"Trainable params: {trainable:,}",
                f"Non-trainable params: {non:,}"]
        text = "\n".join(out)
        print_fn(text)
        return text
