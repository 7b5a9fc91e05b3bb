"""`tl.saved_model.save(obj, dir)` / `tl.saved_model.load(dir)`: traced functions with their
variables, loadable without the Python class that built them (the converter reads this folder).
A Keras model saves a `serving_default` signature made from its inputs (`keras_serving_function`:
its inference call, inputs named after its Input layers, None batch kept in the signature),
as TensorFlow does; `model.export(dir)` writes the same folder. A None of a signature is a symbolic
dimension of the saved graph (DESIGN contract 2), so the loaded function takes any size there.

Layout: `saved_model.json` (format version, one entry per signature: its graph folder, input
names and specs, output structure, and which variable each capture and assignment names),
`variables.tlw` (every captured variable, in the weights file format), and `graphs/<signature>/`
(the Graph IR: graph.json + constants.tlw). Written to a temp folder and renamed.
"""
from __future__ import annotations

import json
import os

import numpy as np

from .dtypes import as_dtype
from .files import atomic_directory
from .function import ConcreteFunction, Function, rebuild_structure, shape_fits
from .graph.executor import Executor
from .graph.ir import Graph
from .keras.saving import load_arrays, save_arrays
from .spec import TensorSpec
from .tensor import Tensor, Variable, convert_to_tensor

FORMAT = "tensorlite-saved-model-1"


def _is_keras_model(obj) -> bool:
    from .keras.engine.model import Model
    return isinstance(obj, Model)


def keras_serving_function(model, input_signature=None) -> ConcreteFunction:
    """The model's inference call (training=False) traced on its inputs: graph inputs named after the
    model's Input layers, outputs a dict keyed by the output layers' names (`output_<i>` when they are
    not unique), the input specs' None dimensions (the batch) kept in the signature. Also takes
    `input_signature` (TensorSpecs, one per input) for a model whose inputs are not known."""
    from .spec import TensorSpec
    if input_signature is None:
        inputs = model.inputs
        if not inputs:
            raise ValueError(f"{model.name}: the model's inputs are not known (build it with an Input, or call it "
                             "once); or give input_signature=[tl.TensorSpec(...), ...]")
        specs = [TensorSpec(t.shape, t.dtype) for t in inputs]
        names = [getattr(t.node.layer, "name", None) if t.node is not None else None for t in inputs]
    else:
        specs = [s if isinstance(s, TensorSpec) else TensorSpec(s.shape, s.dtype) for s in
                 (input_signature if isinstance(input_signature, (list, tuple)) else [input_signature])]
        names = [getattr(s, "name", None) for s in specs]
    names = [n or f"input_{i}" for i, n in enumerate(names)]
    outputs = model.outputs or []
    out_names = [t.node.layer.name for t in outputs if t.node is not None]
    multi = len(specs) > 1

    def serve(*xs):
        y = model(list(xs) if multi else xs[0], training=False)
        ys = list(y) if isinstance(y, (list, tuple)) else [y]
        keys = out_names if len(out_names) == len(ys) and len(set(out_names)) == len(ys) else \
            [f"output_{i}" for i in range(len(ys))]
        return dict(zip(keys, ys))

    fn = Function(serve, input_signature=specs, name=model.name)
    cf = fn.get_concrete_function(*specs)
    for v, name in zip(cf.graph.inputs, names):
        v.name = name
    return cf


def _signatures(obj, signatures) -> dict[str, ConcreteFunction]:
    if signatures is None and _is_keras_model(obj):
        signatures = {"serving_default": keras_serving_function(obj)}
    if signatures is None:
        found = {}
        for name in sorted(set(dir(type(obj))) | set(vars(obj))):
            if name.startswith("__") and name != "__call__":
                continue
            attr = getattr(type(obj), name, None)
            if isinstance(attr, Function):
                fn = getattr(obj, name)
                if fn._signature is None:
                    raise ValueError(f"saved_model.save: {type(obj).__name__}.{name} is a tl.function without "
                                     "input_signature; give one, or pass "
                                     "signatures={name: fn.get_concrete_function(...)}")
                found["serving_default" if name == "__call__" else name] = fn
        signatures = found
    elif isinstance(signatures, (Function, ConcreteFunction)):
        signatures = {"serving_default": signatures}
    if not signatures:
        raise ValueError(f"saved_model.save: {type(obj).__name__} has no tl.function with an input_signature to save")
    out = {}
    for name, fn in signatures.items():
        if isinstance(fn, Function):
            if fn._signature is None:
                raise ValueError(f"saved_model.save: signature {name!r} has no input_signature")
            fn = fn.get_concrete_function(*fn._signature)
        if not isinstance(fn, ConcreteFunction):
            raise TypeError(f"saved_model.save: signature {name!r} is {type(fn).__name__}, not a tl.function")
        out[name] = fn
    return out


def save(obj, export_dir: str, signatures=None) -> None:
    fns = _signatures(obj, signatures)
    variables: dict[int, Variable] = {}
    for cf in fns.values():
        for var in list(cf._variables.values()) + cf._assigned:
            variables[var._id] = var
    keys = {vid: f"v{i}:{var.name}" for i, (vid, var) in enumerate(sorted(variables.items()))}
    with atomic_directory(export_dir) as tmp:
        doc = {"format": FORMAT, "signatures": {}}
        for name, cf in fns.items():
            g = cf.graph
            g.save(os.path.join(tmp, "graphs", name))
            doc["signatures"][name] = {
                "graph": f"graphs/{name}",
                "inputs": [{"name": v.name, "dtype": v.dtype, "shape": list(v.shape)} for v in g.inputs],
                "input_signature": [{"dtype": s.dtype.name, "shape": list(s.shape)}
                                    for s in cf.structured_input_signature],
                "outputs": cf.output_structure,
                "captures": {str(vid): keys[var._id] for vid, var in cf._variables.items()},
                "assigns": [keys[var._id] for var in cf._assigned]}
        save_arrays(os.path.join(tmp, "variables.tlw"), [(keys[vid], np.asarray(var._value)) for vid, var in
                                                         sorted(variables.items())])
        with open(os.path.join(tmp, "saved_model.json"), "w") as f:
            json.dump(doc, f, indent=1)


class LoadedFunction:
    """A saved signature: call with tensors or arrays (positional, or by input name)."""

    def __init__(self, name: str, graph: Graph, entry: dict, variables: dict[str, Variable]):
        self.name, self.graph = name, graph
        self._captures = {int(k): variables[key] for k, key in entry["captures"].items()}
        self._assigned = [variables[key] for key in entry["assigns"]]
        self._outputs = entry["outputs"]
        self.input_names = [i["name"] for i in entry["inputs"]]
        self.input_signature = [TensorSpec(i["shape"], i["dtype"]) for i in entry["input_signature"]]
        self._executor = Executor(graph)

    def __call__(self, *args, **kwargs):
        if kwargs:
            unknown = set(kwargs) - set(self.input_names)
            if unknown or args:
                raise TypeError(f"{self.name}: inputs are {self.input_names} (positional or by name); "
                                f"unknown {sorted(unknown)}")
            args = tuple(kwargs[n] for n in self.input_names)
        if len(args) != len(self.input_names):
            raise TypeError(f"{self.name}: expected {len(self.input_names)} inputs {self.input_names}, got {len(args)}")
        ts = []
        for a, v in zip(args, self.graph.inputs):
            t = convert_to_tensor(a, dtype=v.dtype) if not isinstance(a, Tensor) else a
            if t.dtype.name != v.dtype or not shape_fits(t.shape, v.shape):
                raise TypeError(f"{self.name}: input {v.name!r} expects {v.dtype}{list(v.shape)}, got "
                                f"{t.dtype.name}{list(t.shape)}")
            ts.append(t)
        outs, assigned = self._executor.run([t._value for t in ts],
                                            {vid: var._value for vid, var in self._captures.items()})
        for var, a in zip(self._assigned, assigned):
            var._value = a
        leaves = [Tensor(a, as_dtype(v.dtype)) for a, v in zip(outs, self.graph.outputs)]
        return rebuild_structure(self._outputs, leaves)


class LoadedModel:
    """What `load` returns: one attribute per signature (serving_default also as `__call__`),
    `signatures` by name, and the restored `variables`."""

    def __init__(self, functions: dict[str, LoadedFunction], variables: dict[str, Variable]):
        self.signatures = functions
        self.variables = list(variables.values())
        for name, fn in functions.items():
            setattr(self, name, fn)
        if "serving_default" in functions and "serve" not in functions:
            self.serve = functions["serving_default"]  # the endpoint name Keras 3's export gives

    def __call__(self, *args, **kwargs):
        if "serving_default" not in self.signatures:
            raise TypeError(f"this saved model has no serving_default signature; it has {sorted(self.signatures)}")
        return self.signatures["serving_default"](*args, **kwargs)


def load(export_dir: str) -> LoadedModel:
    path = os.path.join(export_dir, "saved_model.json")
    if not os.path.isfile(path):
        raise ValueError(f"{export_dir}: not a tensorlite saved model (no saved_model.json)")
    with open(path) as f:
        try:
            doc = json.load(f)
        except json.JSONDecodeError as e:
            raise ValueError(f"{path}: not valid JSON ({e})") from None
    if doc.get("format") != FORMAT:
        raise ValueError(f"{path}: unknown format {doc.get('format')!r} (expected {FORMAT})")
    variables = {key: Variable(a, name=key.split(":", 1)[1])
                 for key, a in load_arrays(os.path.join(export_dir, "variables.tlw"))}
    functions = {}
    for name, entry in doc["signatures"].items():
        graph = Graph.load(os.path.join(export_dir, entry["graph"]))
        missing = [key for key in list(entry["captures"].values()) + entry["assigns"] if key not in variables]
        if missing:
            raise ValueError(f"{export_dir}: signature {name!r} names variables missing from variables.tlw: {missing}")
        functions[name] = LoadedFunction(name, graph, entry, variables)
    return LoadedModel(functions, variables)
