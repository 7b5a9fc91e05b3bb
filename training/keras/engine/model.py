"""Model: a Layer that trains (Trainer). Functional — `Model(inputs, outputs)` over KerasTensors,
replaying the recorded nodes in topological order — or subclassed (override `call`).

A functional model lists its layers in Keras 3's order (`keras_layer_order`): by depth, the
longest path to an output, deepest first, ties in the order a depth-first walk from the outputs
first meets them. Keras's files depend on it: config.json lists layers so, and a weights file
names each layer's group after its class in that order (`layers/dense`, `layers/dense_1`).
`get_config` / `from_config` read and write Keras 3's functional config (layers with their
`inbound_nodes`, `input_layers`, `output_layers`); `save` writes a `.keras` file and `export` a
saved model or a `.tflite` file (see ../saving/ and training/saved_model.py).
"""
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


def _is_input_node(node) -> bool:
    return isinstance(node.layer, InputLayer) and node.args is None


def keras_layer_order(inputs: list[KerasTensor], outputs: list[KerasTensor]) -> list[Layer]:
    """The layers between `inputs` and `outputs` in Keras 3's order (see the module docstring)."""
    input_ids = {id(t) for t in inputs}
    first_seen: dict[int, int] = {}
    layers: dict[int, Layer] = {}
    finished: set[int] = set()
    order = []  # nodes, each after the nodes it reads
    for out in outputs:
        stack = [(out, False)]
        while stack:
            t, expanded = stack.pop()
            node = t.node
            if id(node) in finished:
                continue
            if expanded:
                finished.add(id(node))
                order.append(node)
                continue
            if id(t) in input_ids and not _is_input_node(node):
                finished.add(id(node))
                continue
            first_seen.setdefault(id(node.layer), len(first_seen))
            layers[id(node.layer)] = node.layer
            stack.append((t, True))
            if not _is_input_node(node):
                stack.extend((p, False) for p in reversed(node.parents))
    in_graph = {id(n) for n in order}
    node_depth: dict[int, int] = {}
    layer_depth: dict[int, int] = {}
    for node in reversed(order):
        depth = max(node_depth.setdefault(id(node), 0), layer_depth.get(id(node.layer), 0))
        layer_depth[id(node.layer)] = node_depth[id(node)] = depth
        if not _is_input_node(node):
            for p in node.parents:
                if id(p.node) in in_graph:
                    node_depth[id(p.node)] = max(depth + 1, node_depth.get(id(p.node), 0))
    for t in inputs:  # inputs no output depends on
        if id(t.node.layer) not in layer_depth and _is_input_node(t.node):
            layer_depth[id(t.node.layer)], first_seen[id(t.node.layer)] = 0, -1
            layers[id(t.node.layer)] = t.node.layer
    return [layers[k] for k in sorted(layer_depth, key=lambda k: (-layer_depth[k], first_seen[k]))]


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
        self._func_layers = keras_layer_order(self._inputs, self._outputs)
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

    def __call__(self, inputs, training=None, **kwargs):
        if isinstance(inputs, dict) and self._functional:  # Keras 3: a dict keyed by the inputs' names
            inputs = self._inputs_from_dict(inputs)
        return super().__call__(inputs, training=training, **kwargs)

    def _inputs_from_dict(self, inputs: dict):
        names = [t.name for t in self._inputs]
        missing = [n for n in names if n not in inputs]
        if missing:
            raise ValueError(f"{self.name}: the input dict lacks {missing} (its keys: {sorted(inputs)}; the "
                             f"model's inputs: {names})")
        xs = [inputs[n] for n in names]
        return xs if len(xs) > 1 else xs[0]

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

    # -- configs and files -------------------------------------------------------------------------
    def _own_nodes(self) -> set[int]:
        return {id(n) for n in self._nodes} | {id(t.node) for t in self._inputs}

    def _node_indices(self, refs: bool = False) -> dict[int, int]:
        """Each of this model's nodes -> its index among its layer's nodes in this model. In
        input_layers / output_layers (`refs`) Keras counts a nested functional model's construction as
        its node 0, so its calls start at 1 there (not in the nodes' arguments)."""
        own, out = self._own_nodes(), {}
        for layer in self.layers:
            k = 1 if refs and isinstance(layer, Model) and layer._functional else 0
            for node in layer._inbound_nodes:
                if id(node) in own:
                    out[id(node)] = k
                    k += 1
        return out

    def get_config(self) -> dict:
        if not self._functional:
            config = Layer.get_config(self)
            for key in ("inputs", "outputs"):
                config.pop(key, None)
            return config
        from ..saving.serialization import serialize_keras_object, serialize_layer
        index, ref_index, own = self._node_indices(), self._node_indices(refs=True), self._own_nodes()

        def ref(t, table=index):
            return [t.node.layer.name, table[id(t.node)], t.index]

        def arg(x):
            if isinstance(x, KerasTensor):
                return {"class_name": "__keras_tensor__",
                        "config": {"shape": list(x.shape), "dtype": x.dtype.name, "keras_history": ref(x)}}
            if isinstance(x, (list, tuple)):
                return [arg(v) for v in x]
            if isinstance(x, dict):
                return {k: arg(v) for k, v in x.items()}
            return serialize_keras_object(x)

        layers = []
        for layer in self.layers:
            entry = serialize_layer(layer)
            entry["name"] = layer.name
            entry["inbound_nodes"] = []
            for node in layer._inbound_nodes:
                if id(node) in own and not _is_input_node(node):
                    kwargs = {k: arg(v) for k, v in node.kwargs.items()}
                    if node.training is not None:
                        kwargs["training"] = node.training
                    entry["inbound_nodes"].append({"args": [arg(node.args)], "kwargs": kwargs})
            layers.append(entry)
        ins = [ref(t, ref_index) for t in self._inputs]
        outs = [ref(t, ref_index) for t in self._outputs]
        return {"name": self.name, "trainable": self.trainable, "layers": layers,
                "input_layers": ins if self._multi_in else ins[0],
                "output_layers": outs if self._multi_out else outs[0]}

    @classmethod
    def from_config(cls, config: dict):
        """A functional model from its config (Keras 3's or ours): layers made, then each layer called
        on its inbound nodes' tensors as soon as they exist; other configs make a subclassed model."""
        if "layers" not in config or "input_layers" not in config:
            return super().from_config(config)
        from ..saving.serialization import deserialize_keras_object, deserialize_layer
        name = config.get("name")
        created: dict[str, Layer] = {}
        pending: dict[str, list] = {}
        for entry in config["layers"]:
            layer = deserialize_layer(entry)
            layer_name = entry.get("name") or entry["config"]["name"]
            if isinstance(entry.get("inbound_nodes"), list) and entry["inbound_nodes"] and \
                    not isinstance(entry["inbound_nodes"][0], dict):
                raise ValueError(f"model {name!r}: layer {layer_name!r} uses Keras 2's node format; tensorlite reads "
                                 "Keras 3 files (load and re-save the model with Keras 3)")
            created[layer_name] = layer
            pending[layer_name] = list(entry.get("inbound_nodes") or [])

        def tensor(history, ref=False):
            layer_name, node_index, tensor_index = history
            layer = created.get(layer_name)
            if layer is None:
                raise ValueError(f"model {name!r}: a node reads layer {layer_name!r}, which the config lacks")
            if ref and isinstance(layer, Model) and layer._functional:
                node_index -= 1  # see _node_indices
            if node_index >= len(layer._inbound_nodes):
                raise LookupError(layer_name)
            return layer._inbound_nodes[node_index].outputs[tensor_index]

        def refs(x):  # input_layers / output_layers: [name, node, index] or a list of them
            if isinstance(x, list) and len(x) == 3 and isinstance(x[0], str) and isinstance(x[1], int):
                return tensor(x, ref=True)
            return [refs(v) for v in x]

        def resolve(x):
            if isinstance(x, dict) and x.get("class_name") == "__keras_tensor__":
                return tensor(x["config"]["keras_history"])
            if isinstance(x, list):
                return [resolve(v) for v in x]
            if isinstance(x, dict) and "class_name" not in x:
                return {k: resolve(v) for k, v in x.items()}
            return deserialize_keras_object(x)

        while any(pending.values()):
            progressed = False
            for layer_name, nodes in pending.items():
                while nodes:
                    try:
                        args = [resolve(a) for a in nodes[0].get("args", [])]
                        kwargs = {k: resolve(v) for k, v in (nodes[0].get("kwargs") or {}).items()}
                    except LookupError:
                        break
                    _call_node(created[layer_name], args, kwargs, name)
                    nodes.pop(0)
                    progressed = True
            if not progressed:
                stuck = sorted(k for k, v in pending.items() if v)
                raise ValueError(f"model {name!r}: the calls of {stuck} read tensors no layer makes (a disconnected "
                                 "config)")
        for key in ("input_layers", "output_layers"):
            if isinstance(config[key], dict):
                raise ValueError(f"model {name!r}: {key} as a dict are not supported by tensorlite; save the model "
                                 "with list inputs and outputs")
        inputs, outputs = refs(config["input_layers"]), refs(config["output_layers"])
        model = cls(inputs=inputs, outputs=outputs, name=name)
        if "trainable" in config:
            model.trainable = bool(config["trainable"])
        return model

    def to_json(self, **kwargs) -> str:
        """The model's serialized config (what a `.keras` file's config.json holds) as JSON."""
        import json

        from ..saving.serialization import serialize_layer
        return json.dumps(serialize_layer(self), **kwargs)

    def save(self, filepath, overwrite: bool = True, zipped=None, **kwargs) -> None:
        """The whole model as Keras 3's `.keras` file: config.json, metadata.json, model.weights.h5."""
        from ..saving import save_model
        save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def export(self, filepath, format: str = "tf_saved_model", verbose=None, input_signature=None,  # noqa: A002
               **kwargs):
        """Keras 3's export: format "tf_saved_model" writes a saved-model folder whose serving_default
        signature runs the model's inference call on its inputs (None batch kept in the signature;
        `tensorlite convert` takes the folder); "litert" writes a `.tflite` file, kwargs being
        tl.lite.Converter settings (optimizations, representative_dataset, ...)."""
        import os

        from ...files import atomic_write_bytes
        from ...saved_model import keras_serving_function, save
        if format == "tf_saved_model":
            if kwargs:
                raise TypeError(f"{self.name}.export(format='tf_saved_model'): unknown arguments {sorted(kwargs)}")
            save(self, str(filepath), signatures={"serving_default": keras_serving_function(self, input_signature)})
        elif format == "litert":
            from tensorlite.converter.api import Converter
            converter = Converter.from_keras_model(self) if input_signature is None else \
                Converter.from_concrete_functions([keras_serving_function(self, input_signature)])
            for key, value in kwargs.items():
                setattr(converter, key, value)
            atomic_write_bytes(str(filepath), converter.convert())
        else:
            raise ValueError(f"{self.name}.export: format {format!r} is not supported by tensorlite; use "
                             "'tf_saved_model' (a saved-model folder) or 'litert' (a .tflite file)")
        if verbose:
            print(f"Saved artifact at '{os.fspath(filepath)}'.")

    def summary(self, print_fn=print, show_trainable: bool = False) -> str:
        from .summary import summary_text
        text = summary_text(self, show_trainable)
        if print_fn is not None:
            print_fn(text)
        return text


def _call_node(layer, args, kwargs, model_name) -> None:
    """One recorded call of a layer (Keras 3's inbound node) made again on symbolic tensors."""
    if len(args) != 1:
        raise ValueError(f"model {model_name!r}: layer {layer.name!r} is called with {len(args)} positional "
                         "arguments; tensorlite layers take their inputs as one argument")
    kwargs = {k: v for k, v in kwargs.items() if not (k == "mask" and v is None)}
    training = kwargs.pop("training", None)
    layer(args[0], training=training, **kwargs)
